#pragma once
// The server as offerer (RFC 8829 5.2, RFC 3264 5): what a browser receives in a group room. The server
// adds and removes the tracks a subscriber gets, so it writes the offers and the browser answers —
// ICE-lite, a=setup:actpass (the browser answers active and stays the DTLS client, as with the answers we
// write), one host candidate, every section in one BUNDLE group. Sections are never removed: a track that
// left keeps its mid as an inactive section until a new track takes it over (RFC 8843, mids are stable).
// Pure; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Error.hpp"
#include "media/Sdp.hpp"
#include "media/SdpAnswer.hpp"

namespace roomgate::media::sdp {

// Payload types the server offers subscribers, the same for everyone (the forwarding rewrites publishers'
// payload types to these): Chromium's own numbers, so a Chromium publisher's packets rarely need it.
inline constexpr std::uint8_t kOfferOpusPt = 111;
inline constexpr std::uint8_t kOfferVp8Pt = 96;
inline constexpr std::uint8_t kOfferVp8RtxPt = 97;
inline constexpr std::uint8_t kOfferH264Pt = 102;
inline constexpr std::uint8_t kOfferH264RtxPt = 103;

// One m= section of an offer: a track the browser receives, or an idle slot.
struct OfferedSection {
  std::string mid;
  MediaKind kind = MediaKind::kVideo;
  std::vector<NegotiatedCodec> codecs;      // in preference order, each with its RTX
  std::vector<HeaderExtension> extensions;  // with the ids the server writes
  std::optional<OutgoingStream> stream;     // none: a=inactive (the slot's track left)
};

struct OfferOptions : LocalTransport {
  std::vector<OfferedSection> sections;  // in m= order; a later offer keeps the earlier ones' order
};

// The codecs the server offers for `kind` (Opus; VP8 and H.264 42e01f packetization-mode 1, with RTX),
// with the feedback it answers: nack, nack pli, ccm fir, goog-remb for video.
[[nodiscard]] std::vector<NegotiatedCodec> subscriberCodecs(MediaKind kind);
// The header extensions the server writes into what it sends, with fixed ids.
[[nodiscard]] std::vector<HeaderExtension> subscriberExtensions(MediaKind kind);

// Error: internal if the transport values or a section are unusable (a caller's bug): empty or repeated
// mid, a section of another kind than audio or video, no codec.
[[nodiscard]] Result<SessionDescription> createOffer(const OfferOptions& options);

// What the browser's answer to one of our offers settled.
struct AcceptedOffer {
  std::string remoteIceUfrag;
  std::string remoteIcePwd;
  std::vector<Fingerprint> remoteFingerprints;
  std::vector<std::string> acceptedMids;  // sections the browser takes (port != 0), in m= order
};

// Checks `answer` against `offer`: as many sections, in the same order, with the same mids; the accepted
// ones in the answer's BUNDLE group; receiving at most what we offered (recvonly or inactive); payload
// types only among those offered; ICE credentials and a sha-256 fingerprint; a=setup:active (or none).
// Error: badRequest kInvalidSdp naming the first problem.
[[nodiscard]] Result<AcceptedOffer> checkAnswer(const SessionDescription& offer,
                                                const SessionDescription& answer);

}  // namespace roomgate::media::sdp
