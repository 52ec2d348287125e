#pragma once
// Small text helpers shared by the validators and the parts that match names: ASCII trimming and case
// folding, UTF-8 validation, and quoting user input safely into an error message. Pure functions,
// thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

namespace roomgate {

// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r). A view into `s`.
[[nodiscard]] std::string_view trimAscii(std::string_view s);

// `s` with A-Z mapped to a-z; every other byte (UTF-8 included) unchanged. This is the same folding as
// SQLite's NOCASE collation, so "case-insensitive" means the same thing in memory and in the database.
[[nodiscard]] std::string asciiLower(std::string_view s);

// True if `s` is well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
[[nodiscard]] bool isValidUtf8(std::string_view s);

// True if valid UTF-8 `s` holds a control character: C0 (U+0000-U+001F), DEL, or C1 (U+0080-U+009F).
// Bytes of invalid UTF-8 are not decoded; check isValidUtf8 first.
[[nodiscard]] bool hasControlCharacter(std::string_view s);

// `s` in double quotes for an error message: invalid UTF-8 and control characters become U+FFFD and
// anything past kMaxQuotedBytes is cut (at a character boundary) and marked with "...". The result is
// always valid UTF-8, so it can go into a JSON body whatever the user typed.
inline constexpr std::size_t kMaxQuotedBytes = 64;
[[nodiscard]] std::string quoteForMessage(std::string_view s);

}  // namespace roomgate
