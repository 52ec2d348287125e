#include "directory/PhoneNumber.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

#include "common/Text.hpp"

namespace roomgate::directory {
namespace {
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

Error invalidPhone(std::string_view input) {
  return Error::badRequest(
      "invalid_phone",
      quoteForMessage(input) +
          " is not a valid phone number; write it in international form, e.g. +14155550123.");
}
}  // namespace

Result<std::string> normalizePhone(std::string_view input, std::string_view defaultRegion) {
  const std::string_view trimmed = trimAscii(input);
  if (trimmed.empty()) return invalidPhone(trimmed);
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(trimmed), std::string(defaultRegion), &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR)
    return invalidPhone(trimmed);
  // libphonenumber 8.12.57 reports +1 800/888/877/866/855/844/833 555-xxxx as valid TOLL_FREE numbers, so
  // the demo numbers need no special case here.
  if (!util.IsValidNumber(number) || number.has_extension()) return invalidPhone(trimmed);
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

int callingCode(std::string_view e164) {
  if (e164.starts_with('+')) e164.remove_prefix(1);
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  int code = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, e164.size()); ++i) {
    if (e164[i] < '0' || e164[i] > '9') return 0;
    code = code * 10 + (e164[i] - '0');
    std::string region;
    util.GetRegionCodeForCountryCode(code, &region);
    if (region != "ZZ") return code;
  }
  return 0;
}

std::string maskPhone(std::string_view e164) {
  if (e164.size() < 4) return std::string(kMaskedPhoneStars, '*');
  return std::string(kMaskedPhoneStars, '*') + std::string(e164.substr(e164.size() - 2));
}

}  // namespace roomgate::directory
