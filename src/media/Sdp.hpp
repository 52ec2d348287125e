#pragma once
// Session descriptions (SDP, RFC 8866) as WebRTC browsers write them: Unified Plan, one transport
// under BUNDLE (RFC 9143), ICE (RFC 8839), DTLS-SRTP (RFC 8122, RFC 5763). `parse` turns text into the
// model, `serialize` turns the model back into text; `parse(serialize(d)) == d` for every `d` that
// `parse` returned, as long as the text stays within kMaxSdpBytes and kMaxLines (serialize writes CRLF
// where the input may have had LF, and adds s= and t= if they were missing). Pure: no I/O, no exceptions on
// bad input, thread-safe.
//
// What the model keeps: the attributes WebRTC negotiates, each in its own field, and everything else
// verbatim (`otherAttributes`, `otherLines`) so nothing an offer says is lost on the way through.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Error.hpp"

namespace roomgate::media::sdp {

// Input limits. A browser's offer for a call is 2-10 KiB and 100-250 lines; a group room's
// renegotiated description with dozens of tracks stays well under these.
// A browser's answer to the offer of a full group room (49 others' audio and video, ~0.8 KiB per
// section) is ~80 KiB; these leave room for that and still refuse before any work is done.
inline constexpr std::size_t kMaxSdpBytes = 256 * 1024;
inline constexpr std::size_t kMaxLines = 16384;  // 256 KiB of 16-byte lines; bounds every list
// Tracks on one peer connection: a full group room's 98, and sections waiting to be reused.
inline constexpr std::size_t kMaxMediaSections = 128;
// Value ranges fixed by the RFCs.
inline constexpr unsigned kMaxPayloadType = 127;  // RTP payload type: 7 bits (RFC 3550 5.1)
inline constexpr unsigned kMinExtensionId = 1;    // RFC 8285 5: 1-14 one-byte, 1-255 two-byte headers
inline constexpr unsigned kMaxExtensionId = 255;

enum class MediaKind { kAudio, kVideo, kApplication, kOther };
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };  // RFC 8866 6.7
enum class Setup { kActpass, kActive, kPassive, kHoldconn };          // RFC 4145 4

[[nodiscard]] std::string_view toString(MediaKind kind);  // "audio"; "" for kOther
[[nodiscard]] std::string_view toString(Direction direction);
[[nodiscard]] std::string_view toString(Setup setup);
[[nodiscard]] bool sends(Direction d);     // sendrecv or sendonly
[[nodiscard]] bool receives(Direction d);  // sendrecv or recvonly
[[nodiscard]] Direction makeDirection(bool send, bool receive);

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
struct Origin {
  std::string username = "-";
  std::uint64_t sessionId = 0;
  std::uint64_t sessionVersion = 0;
  std::string netType = "IN";
  std::string addressType = "IP4";
  std::string address = "0.0.0.0";
  bool operator==(const Origin&) const = default;
};

// a=fingerprint:<algorithm> <value>, e.g. "sha-256", "AB:CD:...". Kept as written (case included).
struct Fingerprint {
  std::string algorithm;
  std::string value;
  bool operator==(const Fingerprint&) const = default;
};

// One parameter of a=fmtp. `name` is empty for a bare value ("0-15" of telephone-event, "111/111" of red).
struct FmtpParameter {
  std::string name;
  std::string value;
  bool operator==(const FmtpParameter&) const = default;
};

// One payload type of an RTP m= line with what a=rtpmap, a=fmtp and a=rtcp-fb say about it.
struct Codec {
  std::uint8_t payloadType = 0;
  std::string name;                       // "opus", "VP8", "rtx" as written; empty: no a=rtpmap line
  std::uint32_t clockRate = 0;            // Hz; meaningful only with a name
  std::optional<std::uint16_t> channels;  // the optional third rtpmap field ("opus/48000/2")
  std::vector<FmtpParameter> fmtp;        // in the order written; empty: no a=fmtp line
  std::vector<std::string> rtcpFeedback;  // "nack", "nack pli", "transport-cc", ...

  // The value of the fmtp parameter `name` (ASCII case-insensitive); nullopt if absent.
  [[nodiscard]] std::optional<std::string_view> fmtpValue(std::string_view name) const;
  // For an RTX codec (RFC 4588): the payload type it repairs (fmtp "apt"); nullopt if not RTX or no
  // valid apt. parse() has already refused an RTX apt that is not a payload type.
  [[nodiscard]] std::optional<std::uint8_t> rtxApt() const;
  [[nodiscard]] bool isNamed(std::string_view codecName) const;  // ASCII case-insensitive
  bool operator==(const Codec&) const = default;
};

// a=extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285).
struct HeaderExtension {
  std::uint16_t id = 0;  // kMinExtensionId..kMaxExtensionId
  std::string uri;
  std::optional<Direction> direction;
  std::string attributes;  // the rest of the line, verbatim; usually empty
  bool operator==(const HeaderExtension&) const = default;
};

// a=msid:<stream id> [<track id>] (RFC 8830). Chromium writes "-" for a track in no stream.
struct Msid {
  std::string streamId;
  std::string trackId;  // empty if not given
  bool operator==(const Msid&) const = default;
};

// The a=ssrc lines of one SSRC (RFC 5576), merged.
struct Ssrc {
  std::uint32_t ssrc = 0;
  std::string cname;                         // a=ssrc:<ssrc> cname:<value>; empty if not given
  std::optional<Msid> msid;                  // a=ssrc:<ssrc> msid:<stream> <track>
  std::vector<std::string> otherAttributes;  // other "<attribute>[:<value>]" verbatim ("mslabel:...")
  bool operator==(const Ssrc&) const = default;
};

// a=ssrc-group:<semantics> <ssrc>... ("FID" primary+RTX, "SIM" simulcast layers, "FEC-FR").
struct SsrcGroup {
  std::string semantics;
  std::vector<std::uint32_t> ssrcs;  // never empty after parse
  bool operator==(const SsrcGroup&) const = default;
};

// One m= section and its attributes.
struct MediaSection {
  MediaKind kind = MediaKind::kAudio;
  std::string otherKind;  // the media token when kind is kOther ("text", "message")
  std::uint16_t port = 9;
  std::string protocol = "UDP/TLS/RTP/SAVPF";
  std::vector<Codec> codecs;              // RTP protocols: the m= line's payload types, in its order
  std::vector<std::string> formats;       // other protocols: the m= line's formats ("webrtc-datachannel")
  std::optional<std::string> connection;  // c= line value ("IN IP4 0.0.0.0")
  std::vector<std::string> otherLines;    // other lines ("b=AS:30"), verbatim, type letter included

  std::optional<std::string> mid;
  std::optional<Direction> direction;  // absent: the session's, else sendrecv (directionOf)
  std::optional<std::string> iceUfrag;
  std::optional<std::string> icePwd;
  std::optional<std::string> iceOptions;  // "trickle"
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  bool rtcpMux = false;
  bool rtcpRsize = false;
  bool bundleOnly = false;        // RFC 9143 7.3: port 0 + a=bundle-only is offered, not rejected
  bool extmapAllowMixed = false;  // RFC 8285 6
  std::vector<HeaderExtension> extensions;
  std::vector<Msid> msids;
  std::vector<Ssrc> ssrcs;  // in order of first mention
  std::vector<SsrcGroup> ssrcGroups;
  std::vector<std::string> candidates;  // the text after "a=candidate:", verbatim
  bool endOfCandidates = false;
  std::vector<std::string> otherAttributes;  // the text after "a=", verbatim ("rtcp:9 IN IP4 0.0.0.0")

  [[nodiscard]] bool isRtp() const;  // protocol carries RTP ("UDP/TLS/RTP/SAVPF", "RTP/AVP", ...)
  [[nodiscard]] const Codec* findCodec(std::uint8_t payloadType) const;  // null if not listed
  [[nodiscard]] const Ssrc* findSsrc(std::uint32_t ssrc) const;          // null if not described
  bool operator==(const MediaSection&) const = default;
};

struct SessionDescription {
  Origin origin;
  std::string sessionName = "-";
  std::string timing = "0 0";
  std::optional<std::string> connection;  // session-level c= value
  std::vector<std::string> otherLines;    // other session-level lines, verbatim

  std::optional<std::vector<std::string>> bundleMids;  // the first a=group:BUNDLE
  std::optional<std::string> iceUfrag;
  std::optional<std::string> icePwd;
  std::optional<std::string> iceOptions;
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  std::optional<Direction> direction;
  bool iceLite = false;
  bool extmapAllowMixed = false;
  std::optional<std::string> msidSemantic;   // "WMS" or "WMS <stream id>..."
  std::vector<std::string> otherAttributes;  // verbatim (further a=group lines included)
  std::vector<MediaSection> media;

  // The section's transport and direction attributes, falling back to the session level (browsers
  // write them per section, some SIP gateways once for the session). Null / nullopt if neither has one.
  [[nodiscard]] const std::string* iceUfragOf(const MediaSection& m) const;
  [[nodiscard]] const std::string* icePwdOf(const MediaSection& m) const;
  [[nodiscard]] const std::vector<Fingerprint>& fingerprintsOf(const MediaSection& m) const;
  [[nodiscard]] std::optional<Setup> setupOf(const MediaSection& m) const;
  [[nodiscard]] Direction directionOf(const MediaSection& m) const;       // RFC 8866 6.7: default sendrecv
  [[nodiscard]] const MediaSection* findMid(std::string_view mid) const;  // null if no section has it
  bool operator==(const SessionDescription&) const = default;
};

// The error code of every parse failure; the message names the line and what is wrong with it.
inline constexpr std::string_view kInvalidSdp = "invalid_sdp";
[[nodiscard]] Error invalidSdp(std::string message);  // badRequest kInvalidSdp

// Parses `text`. Lines end in CRLF or LF; blank lines are skipped. The first line must be "v=0", an o=
// line is required, and m= sections follow the session-level lines.
// Error: badRequest kInvalidSdp for text over kMaxSdpBytes/kMaxLines/kMaxMediaSections, a control
// character, a malformed line, a number that is not one or out of range (payload type, extmap id,
// port, SSRC), an attribute repeated where one is allowed, rtpmap/fmtp/rtcp-fb for a payload type the
// m= line does not list.
[[nodiscard]] Result<SessionDescription> parse(std::string_view text);

// The first sha-256 fingerprint among `fingerprints` (the one DTLS pins), or null if there is none.
[[nodiscard]] const Fingerprint* findSha256(const std::vector<Fingerprint>& fingerprints);

// SDP text with CRLF line ends: session lines, then each section's lines in the order browsers write them.
[[nodiscard]] std::string serialize(const SessionDescription& description);

}  // namespace roomgate::media::sdp
