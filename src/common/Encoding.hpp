#pragma once
// Byte encodings: hex and base64url (RFC 4648 section 5, no padding, as JWTs use).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace roomgate {

[[nodiscard]] std::string toHex(std::span<const std::byte> bytes);
[[nodiscard]] std::string base64UrlEncode(std::span<const std::byte> bytes);
[[nodiscard]] std::string base64UrlEncode(std::string_view text);
// Standard base64 (RFC 4648 section 4, '+' '/' and '=' padding), as MIME and RFC 2047 use.
[[nodiscard]] std::string base64Encode(std::string_view text);
// nullopt on a character outside the alphabet, on padding, or on an impossible length.
[[nodiscard]] std::optional<std::string> base64UrlDecode(std::string_view text);

[[nodiscard]] inline std::span<const std::byte> asBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace roomgate
