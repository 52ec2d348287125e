#pragma once
// HMAC-SHA256 and constant-time comparison (OpenSSL stays inside Crypto.cpp).
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace roomgate {

using Digest = std::array<std::byte, 32>;

[[nodiscard]] Digest hmacSha256(std::string_view key, std::string_view data);
[[nodiscard]] Digest sha256(std::string_view data);
// True if equal; time depends only on the lengths, never on where the inputs differ.
[[nodiscard]] bool constantTimeEqual(std::span<const std::byte> a, std::span<const std::byte> b);
[[nodiscard]] inline std::string_view asString(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}
// A sub-key for one purpose ("cookie", "otp-hash", ...) derived from a master secret, so one secret
// compromised in one use says nothing about another (HMAC as a PRF, as HKDF-Expand's single block).
[[nodiscard]] std::string deriveKey(std::string_view master, std::string_view purpose);

}  // namespace roomgate
