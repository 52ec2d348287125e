#pragma once
// EchoService: the signaling of the connection check (/echo). A verified guest's browser posts its SDP
// offer; the service checks the guest's pass (their access token, from the pass cookie), answers as the
// SFU (ICE-lite, DTLS passive, our one UDP candidate) and opens a transport on the media server whose
// handler sends everything back (media::EchoHandler). One check per guest: a new one replaces the old.
// Thread: offer() on the HTTP I/O thread; the transport lives on the media thread.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/Error.hpp"
#include "common/Random.hpp"
#include "media/MediaServer.hpp"
#include "token/TokenGate.hpp"

namespace roomgate::app {

class EchoService {
 public:
  // All borrowed.
  EchoService(media::MediaServer& media, const token::TokenGate& tokens, Random& random);

  // The SDP answer to `offer`, or: 401 not_verified (no valid pass), 400 invalid_sdp / unsupported_sdp.
  [[nodiscard]] Result<std::string> offer(std::string_view pass, std::string_view offer);

 private:
  media::MediaServer& media_;
  const token::TokenGate& tokens_;
  Random& random_;
};

}  // namespace roomgate::app
