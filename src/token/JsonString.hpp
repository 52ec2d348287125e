#pragma once
// jsonStringify: a UTF-8 string as a quoted JSON string, byte-for-byte what JavaScript's JSON.stringify
// writes for it, so tokens minted here match the ones Twilio's Node library mints.
#include <optional>
#include <string>
#include <string_view>

namespace roomgate::token {

// Returns `utf8` wrapped in double quotes with exactly JSON.stringify's escapes: `"` -> \", `\` -> \\,
// the short forms \b \f \n \r \t, every other code point below U+0020 as \u00XX (lowercase hex), and
// everything else -- '/', DEL, U+2028/U+2029, all non-ASCII -- copied raw as UTF-8.
// Returns nullopt if `utf8` is not well-formed UTF-8 (overlong forms, encoded surrogates, code points
// above U+10FFFF, stray continuation bytes, truncated sequences).
[[nodiscard]] std::optional<std::string> jsonStringify(std::string_view utf8);

// Appends the quoted form of `utf8` to `out`. On invalid UTF-8 returns false and leaves `out` with an
// unspecified tail (callers discard it).
[[nodiscard]] bool appendJsonString(std::string& out, std::string_view utf8);

}  // namespace roomgate::token
