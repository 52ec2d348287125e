#pragma once
// The server's transport values in SDP tests and tools: valid, recognisable, fixed.
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

}  // namespace roomgate::testing
