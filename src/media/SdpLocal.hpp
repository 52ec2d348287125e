#pragma once
// The pieces every description the server writes shares, offer or answer: the session lines, the server's
// transport in a section (ICE-lite credentials, fingerprint, setup, one host candidate, rtcp-mux) and the
// lines that announce what the server sends (a=msid, a=ssrc, a=ssrc-group:FID). Pure.
#include <cstdint>
#include <string>

#include "common/Error.hpp"
#include "common/Random.hpp"
#include "media/Sdp.hpp"
#include "media/SdpAnswer.hpp"

namespace roomgate::media::sdp {

// ICE priority of the host candidate: type preference 126, local preference 65535, component 1
// (RFC 8445 5.1.2.1), the value mediasoup and Janus advertise.
inline constexpr std::string_view kHostCandidatePriority = "2130706431";

// ICE credentials of ours: ice-chars only (hex is), the ufrag long enough never to collide on one server,
// the password 128 bits (RFC 8445 section 5.3).
inline constexpr std::size_t kIceUfragBytes = 8;
inline constexpr std::size_t kIcePwdBytes = 16;

// The server's side of a new connection: fresh ICE credentials and a random session id, with the
// certificate's fingerprint and the one host candidate.
[[nodiscard]] LocalTransport newLocalTransport(Random& random, std::string fingerprintSha256,
                                               std::string candidateIp, std::uint16_t candidatePort);
// A random SSRC, never 0 (some stacks take 0 for "none").
[[nodiscard]] std::uint32_t randomSsrc(Random& random);

// Ok if every value makes a valid line (set, no spaces); else an internal error (the caller's bug).
[[nodiscard]] Status checkLocalTransport(const LocalTransport& t);
// o=roomgate <id> <version>, a=ice-lite, a=msid-semantic: WMS, an empty BUNDLE group.
[[nodiscard]] SessionDescription sessionShell(const LocalTransport& t);
// Port, c=, ICE credentials, fingerprint, `setup`, rtcp-mux, the host candidate and end-of-candidates.
void applyLocalTransport(MediaSection& m, const LocalTransport& t, Setup setup);
// The codecs, each followed by its RTX (rtx/<clock rate>, apt=<its payload type>); true if any has RTX.
bool addCodecs(MediaSection& m, const std::vector<NegotiatedCodec>& codecs);
// a=msid, a=ssrc (cname, msid) for `out`, with its RTX SSRC in an FID group when `withRtx`.
void addOutgoing(MediaSection& m, const OutgoingStream& out, bool withRtx);

}  // namespace roomgate::media::sdp
