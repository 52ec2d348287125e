#pragma once
// Phone numbers: normalising what a host types into E.164, and masking a number for display.
// Pure functions over libphonenumber's process-wide, thread-safe PhoneNumberUtil: thread-safe.
#include <string>
#include <string_view>

#include "common/Error.hpp"

namespace roomgate::directory {

// `input` ("(800) 555-4321", "+44 20 7946 0958", "tel:+1...") as E.164 ("+18005554321"), with
// `defaultRegion` (ISO 3166 alpha-2) giving the country of numbers written without a leading '+'.
// Surrounding whitespace is ignored. The number must be valid, not merely possible, per libphonenumber's
// metadata; the US toll-free demo numbers (+1 800 555 ...) are valid there (TOLL_FREE). A number with an
// extension is refused: a code cannot be sent to one.
// Error: badRequest "invalid_phone", naming the input and showing the international form.
[[nodiscard]] Result<std::string> normalizePhone(std::string_view input,
                                                 std::string_view defaultRegion = "US");

// `e164` for display without revealing it: kMaskedPhoneStars stars then the last two digits, whatever
// the number's length ("+18005554321" -> "********21", "+442079460958" -> "********58"), so the mask
// says nothing of the country or the length (a decoy's mask looks the same). Input shorter than 4
// characters (never E.164) comes back as kMaskedPhoneStars stars alone.
inline constexpr std::size_t kMaskedPhoneStars = 8;
[[nodiscard]] std::string maskPhone(std::string_view e164);

// The country calling code of an E.164 number or of the digits that start one ("+442079460958",
// "442", "44" -> 44; "+18005554321" -> 1): calling codes are a prefix code, so the first 1 to 3 digits
// that form one are it. 0 if none do.
[[nodiscard]] int callingCode(std::string_view e164);

}  // namespace roomgate::directory
