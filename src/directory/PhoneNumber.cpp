#include "directory/PhoneNumber.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

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

std::string maskPhone(std::string_view e164) {
  if (e164.size() < 4) return std::string(kMaskedPhoneStars, '*');
  return std::string(kMaskedPhoneStars, '*') + std::string(e164.substr(e164.size() - 2));
}

}  // namespace roomgate::directory
