#pragma once
// Whether a SECRET_KEY is strong enough to key the session cookies, the decoys, the code hashes and the
// token signatures (everything a holder of it could forge). Pure: no I/O, driven by unit tests.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/Error.hpp"

namespace roomgate::config {

// The tutorial's placeholder, refused outside --dev.
inline constexpr std::string_view kPlaceholderSecret = "super-secret";
// A session cookie key shorter than this is guessable offline.
inline constexpr std::size_t kMinSecretKeyBytes = 32;
// The least estimated entropy accepted: 128 bits is out of reach of offline guessing.
inline constexpr double kMinSecretKeyBits = 128.0;
// At least this many different characters: a key of fewer is a pattern, whatever its length.
inline constexpr std::size_t kMinSecretKeyDistinct = 8;

// The estimated entropy of `key` in bits, as if each character were drawn uniformly from the classes it
// uses (lower case 26, upper case 26, digits 10, anything else 33), lowered for a key that repeats a
// shorter pattern (then only one period counts) or whose characters run in sequence ("abcd", "4321").
// An upper bound for human choices; exact for keys from `openssl rand -hex` or `-base64`.
[[nodiscard]] double estimateSecretBits(std::string_view key);

// Ok, or Error::badRequest("invalid_config") saying why and how to make a good key (`openssl rand -hex
// 32`): unset, a documented example (the tutorial's placeholder, the values docs/ printed), shorter
// than kMinSecretKeyBytes, fewer than kMinSecretKeyDistinct different characters, repeating a short
// pattern, or under kMinSecretKeyBits.
[[nodiscard]] Status checkSecretKey(const std::optional<std::string>& key);

}  // namespace roomgate::config
