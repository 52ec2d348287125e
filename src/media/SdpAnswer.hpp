#pragma once
// The SFU's answer to a browser's offer (RFC 8829 5.3, RFC 3264 6), as mediasoup and Janus write it:
// ICE-lite, DTLS passive, one host candidate, every accepted section on the one BUNDLE transport.
// Codecs: Opus for audio; VP8, and H.264 (packetization-mode 1, constrained baseline) when offered, each
// with its RTX. Pure: no I/O, thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Error.hpp"
#include "media/Sdp.hpp"

namespace roomgate::media::sdp {

// Header extensions the SFU reads or rewrites; anything else offered is left out of the answer.
inline constexpr std::string_view kExtMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kExtAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kExtTransportCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kExtAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kExtRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kExtRepairedRid = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr std::string_view kExtVideoOrientation = "urn:3gpp:video-orientation";

// What the server sends in one section: emitted as a=msid, a=ssrc-group:FID and a=ssrc lines.
struct OutgoingStream {
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtxSsrc;  // left out when no RTX is negotiated for the section
  std::string cname;
  std::string streamId;  // msid stream ("-": none)
  std::string trackId;
};

// The server's side of the transport, the same in every description it writes.
struct LocalTransport {
  std::string iceUfrag;  // the server's ICE credentials (RFC 8445 5.3: 4+ and 22+ characters)
  std::string icePwd;
  std::string fingerprintSha256;  // of the server's DTLS certificate, "AB:CD:..." (32 bytes)
  std::string candidateIp;        // the one host candidate: an IPv4 or IPv6 address
  std::uint16_t candidatePort = 0;
  std::uint64_t sessionId = 0;       // o= line; the caller picks it (random) and keeps it across descriptions
  std::uint64_t sessionVersion = 1;  // one more at each new offer or answer of the session
};

struct AnswerOptions : LocalTransport {
  // What the server does in each section, by mid; sections not named get defaultDirection. Narrowed to
  // what the offer allows (the server cannot send into a sendonly section).
  std::map<std::string, Direction, std::less<>> directions;
  Direction defaultDirection = Direction::kRecvOnly;
  std::map<std::string, OutgoingStream, std::less<>> outgoing;  // by mid; used where the server sends
};

// One codec chosen for a section, with the RTX payload type that repairs it.
struct NegotiatedCodec {
  Codec codec;  // as written in the answer (the offer's payload type)
  std::optional<std::uint8_t> rtxPayloadType;
};

// An SSRC the browser sends in a section, with its RTX SSRC (a=ssrc-group:FID).
struct RemoteStream {
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtxSsrc;
  std::string cname;
  std::optional<Msid> msid;
};

// What the transport needs to route one accepted section's RTP.
struct NegotiatedMedia {
  std::string mid;
  MediaKind kind = MediaKind::kAudio;
  Direction direction = Direction::kInactive;  // the server's: kRecvOnly means it only receives
  std::vector<NegotiatedCodec> codecs;         // preferred first
  std::vector<HeaderExtension> extensions;     // with the offer's ids
  std::vector<RemoteStream> remoteStreams;     // from the offer's a=ssrc / a=ssrc-group:FID
  std::vector<std::uint32_t> simulcastSsrcs;   // the offer's a=ssrc-group:SIM, lowest layer first
};

struct Answer {
  SessionDescription description;
  std::vector<NegotiatedMedia> media;  // accepted sections only, in m= order
  // The browser's side of the BUNDLE transport (its first accepted section's).
  std::string remoteIceUfrag;
  std::string remoteIcePwd;
  std::vector<Fingerprint> remoteFingerprints;

  [[nodiscard]] const NegotiatedMedia* find(std::string_view mid) const;  // null if not accepted
};

// Error codes of createAnswer.
inline constexpr std::string_view kUnsupportedSdp = "unsupported_sdp";  // valid, but nothing we can use

// Answers `offer`. A section is accepted if it is audio or video over UDP/TLS/RTP/SAVPF with rtcp-mux, in
// the BUNDLE group (when there is one) and offers a codec we take; every other section is answered with
// port 0 and only its mid (RFC 8843 7.3.3), and left out of the BUNDLE group.
// Error: internal if `options` leaves the server's ICE credentials, fingerprint or address empty (or puts a
// space in one); badRequest kInvalidSdp for a section without a mid, mids used twice, more than one section
// and no BUNDLE group, a BUNDLE group naming an unknown mid, or an accepted section (the first decides the
// transport) without ice-ufrag / ice-pwd / fingerprint, or with a setup other than actpass or active;
// badRequest kUnsupportedSdp if no section can be accepted.
[[nodiscard]] Result<Answer> createAnswer(const SessionDescription& offer, const AnswerOptions& options);

// The browser's sha-256 certificate fingerprint from the offer `answer` answers, which its transport pins.
// Error: badRequest kUnsupportedSdp if the offer has none.
[[nodiscard]] Result<std::string> remoteSha256(const Answer& answer);

}  // namespace roomgate::media::sdp
