#include "media/SdpOffer.hpp"

#include <algorithm>
#include <set>

#include "common/Text.hpp"
#include "media/SdpLocal.hpp"

namespace roomgate::media::sdp {
namespace {

constexpr std::uint32_t kOpusClockRate = 48000;
constexpr std::uint32_t kVideoClockRate = 90000;
constexpr std::string_view kBundleProtocol = "UDP/TLS/RTP/SAVPF";

Codec codec(std::uint8_t pt, std::string name, std::uint32_t rate, std::optional<std::uint16_t> channels,
            std::vector<FmtpParameter> fmtp, std::vector<std::string> feedback) {
  Codec c;
  c.payloadType = pt;
  c.name = std::move(name);
  c.clockRate = rate;
  c.channels = channels;
  c.fmtp = std::move(fmtp);
  c.rtcpFeedback = std::move(feedback);
  return c;
}

std::vector<std::string> videoFeedback() {
  return {"goog-remb", "ccm fir", "nack", "nack pli"};
}

Error offerBug(const std::string& what) {
  return Error::internal("The server's offer is wrong: " + what + ".");
}

}  // namespace

std::vector<NegotiatedCodec> subscriberCodecs(MediaKind kind) {
  if (kind == MediaKind::kAudio)
    return {{codec(kOfferOpusPt, "opus", kOpusClockRate, 2, {{"minptime", "10"}, {"useinbandfec", "1"}}, {}),
             {}}};
  return {
      {codec(kOfferVp8Pt, "VP8", kVideoClockRate, std::nullopt, {}, videoFeedback()), kOfferVp8RtxPt},
      {codec(kOfferH264Pt, "H264", kVideoClockRate, std::nullopt,
             {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"}, {"profile-level-id", "42e01f"}},
             videoFeedback()),
       kOfferH264RtxPt},
  };
}

std::vector<HeaderExtension> subscriberExtensions(MediaKind kind) {
  if (kind == MediaKind::kAudio)
    return {{1, std::string(kExtAudioLevel), std::nullopt, ""},
            {2, std::string(kExtAbsSendTime), std::nullopt, ""}};
  return {{2, std::string(kExtAbsSendTime), std::nullopt, ""},
          {13, std::string(kExtVideoOrientation), std::nullopt, ""}};
}

Result<SessionDescription> createOffer(const OfferOptions& options) {
  if (Status s = checkLocalTransport(options); !s) return s.error();
  SessionDescription d = sessionShell(options);
  std::set<std::string, std::less<>> mids;
  for (const auto& section : options.sections) {
    if (section.mid.empty() || !mids.insert(section.mid).second)
      return offerBug("mid " + quoteForMessage(section.mid) + " is empty or used twice");
    if (section.kind != MediaKind::kAudio && section.kind != MediaKind::kVideo)
      return offerBug("section " + quoteForMessage(section.mid) + " is neither audio nor video");
    if (section.codecs.empty()) return offerBug("section " + quoteForMessage(section.mid) + " has no codec");
    MediaSection m;
    m.kind = section.kind;
    m.protocol = std::string(kBundleProtocol);
    applyLocalTransport(m, options, Setup::kActpass);
    m.mid = section.mid;
    m.direction = section.stream ? Direction::kSendOnly : Direction::kInactive;
    m.rtcpRsize = true;
    m.extensions = section.extensions;
    const bool withRtx = addCodecs(m, section.codecs);
    if (section.stream) addOutgoing(m, *section.stream, withRtx);
    d.bundleMids->push_back(section.mid);
    d.media.push_back(std::move(m));
  }
  return d;
}

Result<AcceptedOffer> checkAnswer(const SessionDescription& offer, const SessionDescription& answer) {
  if (answer.media.size() != offer.media.size())
    return invalidSdp("The answer has " + std::to_string(answer.media.size()) + " sections; the offer had " +
                      std::to_string(offer.media.size()) + ".");
  AcceptedOffer accepted;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaSection& ours = offer.media[i];
    const MediaSection& theirs = answer.media[i];
    const std::string where =
        "section " + std::to_string(i + 1) + " (mid " + quoteForMessage(*ours.mid) + ")";
    if (theirs.mid != ours.mid) return invalidSdp("The answer's " + where + " has another mid.");
    if (theirs.kind != ours.kind) return invalidSdp("The answer's " + where + " changes the media kind.");
    if (theirs.port == 0 && !theirs.bundleOnly) continue;  // rejected
    const Direction direction = answer.directionOf(theirs);
    if (sends(direction))
      return invalidSdp("The answer's " + where + " is " + std::string(toString(direction)) +
                        "; the server only sends in it.");
    for (const auto& c : theirs.codecs)
      if (!ours.findCodec(c.payloadType))
        return invalidSdp("The answer's " + where + " uses payload type " + std::to_string(c.payloadType) +
                          ", which was not offered.");
    if (answer.bundleMids && std::find(answer.bundleMids->begin(), answer.bundleMids->end(), *theirs.mid) ==
                                 answer.bundleMids->end())
      return invalidSdp("The answer's " + where + " is not in its BUNDLE group.");
    if (accepted.acceptedMids.empty()) {
      const std::string* ufrag = answer.iceUfragOf(theirs);
      const std::string* pwd = answer.icePwdOf(theirs);
      if (!ufrag || !pwd) return invalidSdp("The answer's " + where + " has no a=ice-ufrag or a=ice-pwd.");
      const auto& fingerprints = answer.fingerprintsOf(theirs);
      if (!findSha256(fingerprints))
        return invalidSdp("The answer's " + where + " has no a=fingerprint:sha-256 for DTLS.");
      const Setup setup = answer.setupOf(theirs).value_or(Setup::kActive);
      if (setup != Setup::kActive)
        return invalidSdp("The answer's " + where + " has a=setup:" + std::string(toString(setup)) +
                          "; the server is DTLS passive, so the answer must say active.");
      accepted.remoteIceUfrag = *ufrag;
      accepted.remoteIcePwd = *pwd;
      accepted.remoteFingerprints = fingerprints;
    }
    accepted.acceptedMids.push_back(*theirs.mid);
  }
  return accepted;
}

}  // namespace roomgate::media::sdp
