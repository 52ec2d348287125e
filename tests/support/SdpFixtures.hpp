#pragma once
// The server's transport values in SDP tests and tools: valid, recognisable, fixed.
#include <string>
#include <vector>

#include "media/SdpAnswer.hpp"

namespace roomgate::testing {

inline void fillTestTransport(media::sdp::LocalTransport& t) {
  t.iceUfrag = "srvufrag";
  t.icePwd = "server-ice-password-of-22+";
  t.fingerprintSha256 = std::string(95, 'A');
  for (std::size_t i = 2; i < t.fingerprintSha256.size(); i += 3) t.fingerprintSha256[i] = ':';
  t.candidateIp = "203.0.113.7";
  t.candidatePort = 40000;
  t.sessionId = 4242;
}

// The answer a browser writes to one of the server's offers: each section recvonly (inactive where
// offered inactive), DTLS active, the browser's own credentials; the first offered codec only, or with
// `everything` every codec and header extension offered.
inline media::sdp::SessionDescription browserAnswer(const media::sdp::SessionDescription& offer,
                                                    bool everything = false,
                                                    const std::string& ufrag = "brws") {
  using namespace media::sdp;
  SessionDescription a;
  a.bundleMids.emplace();
  for (const auto& m : offer.media) {
    MediaSection s;
    s.kind = m.kind;
    s.port = 9;
    s.mid = m.mid;
    s.direction = m.direction == Direction::kInactive ? Direction::kInactive : Direction::kRecvOnly;
    s.iceUfrag = ufrag;
    s.icePwd = "browser-password-0123456";
    s.fingerprints = {{"sha-256", std::string(95, 'C')}};
    s.setup = Setup::kActive;
    s.rtcpMux = true;
    s.codecs = everything ? m.codecs : std::vector<Codec>{m.codecs.front()};
    if (everything) s.extensions = m.extensions;
    a.bundleMids->push_back(*m.mid);
    a.media.push_back(std::move(s));
  }
  return a;
}

}  // namespace roomgate::testing
