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

// `e164` for display without revealing it: every character but the last two becomes '*', and two fewer
// stars are written than the characters they hide (the "+1" country prefix of a NANP number adds no
// information), i.e. (size - 4) stars then the last two characters: "+18005554321" -> "********21".
// Input shorter than 4 characters (never E.164) comes back as stars only, one per character.
[[nodiscard]] std::string maskPhone(std::string_view e164);

}  // namespace roomgate::directory
