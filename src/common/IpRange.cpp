#include "common/IpRange.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace roomgate {

std::optional<IpAddress> parseIpAddress(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string t(text);
  IpAddress a;
  in_addr v4{};
  if (inet_pton(AF_INET, t.c_str(), &v4) == 1) {
    std::memcpy(a.bytes.data(), &v4, 4);
    a.v4 = true;
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, t.c_str(), &v6) != 1) return std::nullopt;
  std::memcpy(a.bytes.data(), &v6, 16);
  constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
    std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
    std::memset(a.bytes.data() + 4, 0, 12);
    a.v4 = true;
  }
  return a;
}

std::string formatIpAddress(const IpAddress& a) {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.v4 ? AF_INET : AF_INET6, a.bytes.data(), out, sizeof out);
  return out;
}

bool IpRange::contains(const IpAddress& a) const {
  if (a.v4 != base.v4) return false;
  for (int bit = 0; bit < prefix; bit += 8) {
    const int bits = prefix - bit < 8 ? prefix - bit : 8;
    const auto mask = static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[bit / 8] & mask) != base.bytes[bit / 8]) return false;
  }
  return true;
}

std::optional<IpRange> parseIpRange(std::string_view text) {
  const auto slash = text.find('/');
  auto address = parseIpAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  const int width = address->v4 ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || prefix < 0 ||
        prefix > width)
      return std::nullopt;
  }
  IpRange range{*address, prefix};
  IpAddress masked = *address;
  for (int bit = 0; bit < 128; ++bit)
    if (bit >= prefix) masked.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  if (masked != *address) return std::nullopt;
  return range;
}

bool IpRangeSet::contains(const IpAddress& address) const {
  for (const auto& r : ranges_)
    if (r.contains(address)) return true;
  return false;
}

bool IpRangeSet::contains(std::string_view address) const {
  const auto a = parseIpAddress(address);
  return a && contains(*a);
}

}  // namespace roomgate
