#pragma once
// Who the client is, when reverse proxies stand in front of the server: the address to rate-limit and
// count by. Pure, thread-safe.
#include <string>

#include "common/IpRange.hpp"
#include "http/Message.hpp"

namespace roomgate::http {

// ROOMGATE_TRUSTED_PROXIES: the proxies whose X-Forwarded-For is believed.
using TrustedProxies = IpRangeSet;

// The client's address in canonical text (formatIpAddress). When the TCP peer is a trusted proxy: the
// right-most X-Forwarded-For entry that is not a trusted proxy (each proxy appends the address that
// connected to it, so entries left of it were written by the client and prove nothing); the left-most
// entry if every one is trusted; the peer itself if the header is missing or an entry that would decide
// is not an IP address. Otherwise, and always with no trusted proxies: the TCP peer (X-Forwarded-For
// ignored). `request.remoteAddress` as given if it is not an IP address (empty: unknown).
[[nodiscard]] std::string clientAddress(const Request& request, const TrustedProxies& trusted);

}  // namespace roomgate::http
