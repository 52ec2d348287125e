#pragma once
// IP addresses and CIDR ranges (IPv4 and IPv6) in text form, for the trusted-proxy list. Pure, thread-safe.
// An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the IPv4 address it maps, so a dual-stack listener's
// peers match IPv4 ranges.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomgate {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes, the rest zero
  bool v4 = false;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" (read as IPv4), "[2001:db8::1]"; nullopt otherwise.
[[nodiscard]] std::optional<IpAddress> parseIpAddress(std::string_view text);
// The canonical text: dotted IPv4, or RFC 5952 IPv6 (lower case, "::" for the longest zero run).
[[nodiscard]] std::string formatIpAddress(const IpAddress& address);

struct IpRange {
  IpAddress base;  // bits past `prefix` are zero
  int prefix = 0;  // 0..32 for IPv4, 0..128 for IPv6
  [[nodiscard]] bool contains(const IpAddress& address) const;
};

// "10.0.0.0/8", "2001:db8::/32", or one address (a /32 or /128); nullopt if malformed or if bits are set
// past the prefix ("10.0.0.1/8": a typo more often than a choice).
[[nodiscard]] std::optional<IpRange> parseIpRange(std::string_view text);

// A set of ranges; empty contains nothing.
class IpRangeSet {
 public:
  IpRangeSet() = default;
  explicit IpRangeSet(std::vector<IpRange> ranges) : ranges_(std::move(ranges)) {}
  [[nodiscard]] bool contains(const IpAddress& address) const;
  // False for text that is not an IP address.
  [[nodiscard]] bool contains(std::string_view address) const;
  [[nodiscard]] bool empty() const { return ranges_.empty(); }

 private:
  std::vector<IpRange> ranges_;
};

}  // namespace roomgate
