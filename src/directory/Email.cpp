#include "directory/Email.hpp"

#include "common/Text.hpp"

namespace roomgate::directory {
namespace {

constexpr std::string_view kBullets = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";  // "•••"

Error invalidEmail(std::string_view input) {
  return Error::badRequest(
      "invalid_email",
      quoteForMessage(input) + " is not a valid e-mail address; write it as name@example.com.");
}

bool hasWhitespace(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return true;
  // Non-ASCII spaces (U+00A0, U+2003, ...) are left to the mail server: they are rare and not dangerous.
  return false;
}

// Two or more non-empty labels separated by single dots.
bool isPlausibleDomain(std::string_view domain) {
  if (domain.empty() || domain.front() == '.' || domain.back() == '.') return false;
  if (domain.find("..") != std::string_view::npos) return false;
  return domain.find('.') != std::string_view::npos;
}

}  // namespace

Result<std::string> normalizeEmail(std::string_view input) {
  const std::string_view s = trimAscii(input);
  if (s.empty() || s.size() > kMaxEmailBytes || !isValidUtf8(s) || hasControlCharacter(s) || hasWhitespace(s))
    return invalidEmail(s);
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return invalidEmail(s);
  const std::string_view local = s.substr(0, at);
  const std::string_view domain = s.substr(at + 1);
  if (local.empty() || !isPlausibleDomain(domain)) return invalidEmail(s);
  return std::string(local) + "@" + asciiLower(domain);
}

std::string maskEmail(std::string_view email) {
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return std::string(kBullets);
  // The first whole UTF-8 character of `part`: the lead byte and its continuation bytes.
  const auto initial = [](std::string_view part) {
    if (part.empty()) return part;
    std::size_t n = 1;
    while (n < part.size() && (static_cast<unsigned char>(part[n]) & 0xC0) == 0x80) ++n;
    return part.substr(0, n);
  };
  const std::string_view domain = email.substr(at + 1);
  const std::size_t dot = domain.rfind('.');
  return std::string(initial(email.substr(0, at))) + std::string(kBullets) + "@" +
         std::string(initial(domain)) + std::string(kBullets) +
         std::string(dot == std::string_view::npos ? "" : domain.substr(dot));
}

}  // namespace roomgate::directory
