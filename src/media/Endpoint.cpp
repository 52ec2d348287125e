#include "media/Endpoint.hpp"

#include <arpa/inet.h>

#include "common/Check.hpp"

namespace roomgate::media {

namespace {
// Longer text than the longest IPv6 form (with an embedded IPv4) cannot be an address.
constexpr size_t kMaxIpTextLength = INET6_ADDRSTRLEN;
}  // namespace

std::optional<Endpoint> Endpoint::fromText(std::string_view ip, uint16_t port) {
  if (ip.empty() || ip.size() >= kMaxIpTextLength) return std::nullopt;
  const std::string text(ip);  // inet_pton needs a terminated string
  Endpoint e;
  e.port = port;
  if (inet_pton(AF_INET, text.c_str(), e.address.data()) == 1) {
    e.family = AddressFamily::V4;
    return e;
  }
  if (inet_pton(AF_INET6, text.c_str(), e.address.data()) == 1) {
    e.family = AddressFamily::V6;
    return e;
  }
  return std::nullopt;
}

std::string Endpoint::ipText() const {
  char buf[kMaxIpTextLength] = {};
  const int af = family == AddressFamily::V4 ? AF_INET : AF_INET6;
  CHECK(inet_ntop(af, address.data(), buf, sizeof buf) != nullptr);
  return buf;
}

std::string Endpoint::toString() const {
  if (family == AddressFamily::V4) return ipText() + ":" + std::to_string(port);
  return "[" + ipText() + "]:" + std::to_string(port);
}

}  // namespace roomgate::media
