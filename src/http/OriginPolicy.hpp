#pragma once
// Same-origin only: which requests carrying an Origin header the server serves. A browser sends Origin
// with every POST and every WebSocket handshake, so a page elsewhere cannot make a guest's browser log in,
// verify or open the signaling socket with the guest's cookies. Pure, thread-safe.
#include <optional>
#include <vector>

#include "common/Origin.hpp"
#include "http/Message.hpp"

namespace roomgate::http {

struct OriginPolicy {
  // ROOMGATE_PUBLIC_URL's origin: the server's own. Unset: the request's own Host, as http and https.
  std::optional<Origin> publicOrigin;
  std::vector<Origin> allowed;  // ROOMGATE_ALLOWED_ORIGINS: also served
};

// True when `method` changes state and so needs the check: anything but GET and HEAD. (A WebSocket
// upgrade is a GET and is checked by the server on its own.)
[[nodiscard]] bool needsOriginCheck(std::string_view method);

// True when `request` may go on: it has no Origin header (curl, server-to-server), or its Origin is the
// server's own (see OriginPolicy) or an allowed one, compared per RFC 6454. "null" and anything
// unparsable are foreign.
[[nodiscard]] bool originAllowed(const Request& request, const OriginPolicy& policy);

}  // namespace roomgate::http
