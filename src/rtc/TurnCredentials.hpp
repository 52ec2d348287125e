#pragma once
// ICE servers for a client: STUN/TURN URLs from configuration, with time-limited TURN credentials in the
// TURN REST scheme coturn implements with `use-auth-secret` (draft-uberti-behave-turn-rest-00):
//   username   = "<expiry unix seconds>:<identity>"
//   credential = base64(HMAC-SHA1(shared secret, username))
#include <cstdint>
#include <string>
#include <vector>

namespace roomgate::rtc {

struct IceServer {
  std::vector<std::string> urls;
  std::string username;    // empty for STUN
  std::string credential;  // empty for STUN
};

struct IceConfig {
  std::vector<std::string> stunUrls;
  std::vector<std::string> turnUrls;
  std::string turnSecret;  // coturn's static-auth-secret
  bool relayOnly = false;  // iceTransportPolicy "relay"
};

[[nodiscard]] std::string turnCredential(std::string_view secret, std::string_view username);
// The servers a client should use now; TURN credentials expire `ttlSeconds` after `now`.
[[nodiscard]] std::vector<IceServer> iceServersFor(const IceConfig& config, std::string_view identity,
                                                   int64_t now, int64_t ttlSeconds);

}  // namespace roomgate::rtc
