#include "common/Text.hpp"

#include <optional>

namespace roomgate {
namespace {

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Decodes the code point starting at s[i] and advances i past it; nullopt (i unchanged) on a malformed
// sequence.
std::optional<char32_t> decode(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;  // a continuation byte or 0xF8..0xFF where a sequence must start
  }
  if (s.size() - i < len) return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += len;
  return cp;
}

bool isControl(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

}  // namespace

std::string_view trimAscii(std::string_view s) {
  while (!s.empty() && isAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool isValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();)
    if (!decode(s, i)) return false;
  return true;
}

bool hasControlCharacter(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto cp = decode(s, i);
    if (!cp) {
      ++i;
      continue;
    }
    if (isControl(*cp)) return true;
  }
  return false;
}

std::string quoteForMessage(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string body;
  bool cut = false;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const auto cp = decode(s, i);
    std::string_view piece;
    if (!cp) {
      ++i;
      piece = kReplacement;
    } else if (isControl(*cp)) {
      piece = kReplacement;
    } else {
      piece = s.substr(start, i - start);
    }
    if (body.size() + piece.size() > kMaxQuotedBytes) {
      cut = true;
      break;
    }
    body += piece;
  }
  return "\"" + body + (cut ? "...\"" : "\"");
}

}  // namespace roomgate
