#pragma once
// Endpoint: an IP address and UDP port, as STUN carries it (XOR-MAPPED-ADDRESS) and the transport
// receives it. A plain value with no socket library in it; the transport converts from its own type.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomgate::media {

// Values are STUN's address family codes (RFC 8489 section 14.1).
enum class AddressFamily : uint8_t { V4 = 0x01, V6 = 0x02 };

inline constexpr size_t kIpv4AddressSize = 4;
inline constexpr size_t kIpv6AddressSize = 16;

struct Endpoint {
  AddressFamily family = AddressFamily::V4;
  // Network order. A V4 address uses the first 4 bytes; the other 12 are zero.
  std::array<uint8_t, kIpv6AddressSize> address{};
  uint16_t port = 0;

  // nullopt unless `ip` is a dotted-quad IPv4 or a textual IPv6 address (no brackets, no zone).
  [[nodiscard]] static std::optional<Endpoint> fromText(std::string_view ip, uint16_t port);
  // 4 or 16 by family.
  [[nodiscard]] size_t addressSize() const {
    return family == AddressFamily::V4 ? kIpv4AddressSize : kIpv6AddressSize;
  }
  // "192.0.2.1" or "2001:db8::1".
  [[nodiscard]] std::string ipText() const;
  // "192.0.2.1:3478" or "[2001:db8::1]:3478".
  [[nodiscard]] std::string toString() const;

  bool operator==(const Endpoint&) const = default;
};

}  // namespace roomgate::media
