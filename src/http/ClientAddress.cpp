#include "http/ClientAddress.hpp"

#include <string_view>

#include "common/Text.hpp"

namespace roomgate::http {

std::string clientAddress(const Request& request, const TrustedProxies& trusted) {
  const auto peer = parseIpAddress(request.remoteAddress);
  if (!peer) return request.remoteAddress;
  const std::string peerText = formatIpAddress(*peer);
  if (!trusted.contains(*peer)) return peerText;
  const auto forwarded = request.header("x-forwarded-for");
  if (!forwarded) return peerText;
  // Right to left: the nearest hop first.
  std::string_view rest = *forwarded;
  std::string last = peerText;  // the farthest trusted hop seen so far
  while (true) {
    const auto comma = rest.rfind(',');
    const std::string_view entry = trimAscii(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    const auto hop = parseIpAddress(entry);
    if (!hop) return last;
    if (!trusted.contains(*hop)) return formatIpAddress(*hop);
    last = formatIpAddress(*hop);
    if (comma == std::string_view::npos) return last;
    rest = rest.substr(0, comma);
  }
}

}  // namespace roomgate::http
