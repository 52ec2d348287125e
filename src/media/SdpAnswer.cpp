#include "media/SdpAnswer.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "common/Text.hpp"
#include "media/SdpLocal.hpp"

namespace roomgate::media::sdp {
namespace {

constexpr std::string_view kBundleProtocol = "UDP/TLS/RTP/SAVPF";  // RFC 8829 5.1.2: what browsers offer
constexpr std::uint32_t kOpusClockRate = 48000;                    // RFC 7587 7
constexpr std::uint16_t kOpusChannels = 2;
constexpr std::uint32_t kVideoClockRate = 90000;

constexpr std::array kSupportedExtensions = {kExtMid, kExtAbsSendTime, kExtTransportCc,     kExtAudioLevel,
                                             kExtRid, kExtRepairedRid, kExtVideoOrientation};
constexpr std::array<std::string_view, 1> kAudioFeedback = {"transport-cc"};
constexpr std::array<std::string_view, 5> kVideoFeedback = {"nack", "nack pli", "ccm fir", "goog-remb",
                                                            "transport-cc"};

std::string describe(const MediaSection& m, std::size_t index) {
  const std::string kind = m.kind == MediaKind::kOther ? m.otherKind : std::string(toString(m.kind));
  return "m= section " + std::to_string(index + 1) + " (" + kind +
         (m.mid ? ", mid " + quoteForMessage(*m.mid) : std::string()) + ")";
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// `offered` with its fmtp replaced and only the feedback we use.
template <std::size_t N>
Codec answerCodec(const Codec& offered, std::vector<FmtpParameter> fmtp,
                  const std::array<std::string_view, N>& feedback) {
  Codec c = offered;
  c.fmtp = std::move(fmtp);
  c.rtcpFeedback.clear();
  for (const auto& fb : offered.rtcpFeedback)
    if (contains(feedback, fb)) c.rtcpFeedback.push_back(fb);
  return c;
}

const Codec* findOpus(const MediaSection& m) {
  for (const auto& c : m.codecs)
    if (c.isNamed("opus") && c.clockRate == kOpusClockRate && c.channels == kOpusChannels) return &c;
  return nullptr;
}

const Codec* findVp8(const MediaSection& m) {
  for (const auto& c : m.codecs)
    if (c.isNamed("VP8") && c.clockRate == kVideoClockRate) return &c;
  return nullptr;
}

// H.264 the SFU forwards between browsers: packetization-mode 1 (FU-A; mode 0 cannot carry a frame over
// the MTU) in the baseline family (profile_idc 0x42), 42e01f (constrained baseline 3.1) preferred.
const Codec* findH264(const MediaSection& m) {
  const Codec* fallback = nullptr;
  for (const auto& c : m.codecs) {
    if (!c.isNamed("H264") || c.clockRate != kVideoClockRate || c.fmtpValue("packetization-mode") != "1")
      continue;
    const std::string profile = asciiLower(c.fmtpValue("profile-level-id").value_or(""));
    if (profile == "42e01f") return &c;
    if (!fallback && profile.starts_with("42")) fallback = &c;
  }
  return fallback;
}

const Codec* findRtx(const MediaSection& m, std::uint8_t payloadType) {
  for (const auto& c : m.codecs)
    if (c.rtxApt() == payloadType && c.clockRate == kVideoClockRate) return &c;
  return nullptr;
}

std::vector<NegotiatedCodec> chooseCodecs(const MediaSection& m) {
  std::vector<NegotiatedCodec> chosen;
  if (m.kind == MediaKind::kAudio) {
    if (const Codec* opus = findOpus(m))
      chosen.push_back({answerCodec(*opus, {{"minptime", "10"}, {"useinbandfec", "1"}}, kAudioFeedback), {}});
    return chosen;
  }
  const Codec* vp8 = findVp8(m);
  const Codec* h264 = findH264(m);
  for (const Codec* video : {vp8, h264}) {
    if (!video) continue;
    NegotiatedCodec n{
        answerCodec(*video, video == h264 ? video->fmtp : std::vector<FmtpParameter>{}, kVideoFeedback), {}};
    if (const Codec* rtx = findRtx(m, video->payloadType)) n.rtxPayloadType = rtx->payloadType;
    chosen.push_back(std::move(n));
  }
  return chosen;
}

std::vector<HeaderExtension> chooseExtensions(const MediaSection& m) {
  std::vector<HeaderExtension> chosen;
  for (const auto& e : m.extensions)
    if (contains(kSupportedExtensions, e.uri)) chosen.push_back({e.id, e.uri, std::nullopt, ""});
  return chosen;
}

std::vector<RemoteStream> remoteStreams(const MediaSection& m) {
  std::map<std::uint32_t, std::uint32_t> rtxOf;  // primary -> RTX
  std::set<std::uint32_t> rtxSsrcs;
  for (const auto& g : m.ssrcGroups)
    if (g.semantics == "FID" && g.ssrcs.size() >= 2) {
      rtxOf[g.ssrcs[0]] = g.ssrcs[1];
      rtxSsrcs.insert(g.ssrcs[1]);
    }
  std::vector<RemoteStream> streams;
  for (const auto& s : m.ssrcs) {
    if (rtxSsrcs.contains(s.ssrc)) continue;
    RemoteStream r{s.ssrc, std::nullopt, s.cname, s.msid};
    if (!r.msid && !m.msids.empty()) r.msid = m.msids.front();
    if (const auto it = rtxOf.find(s.ssrc); it != rtxOf.end()) r.rtxSsrc = it->second;
    streams.push_back(std::move(r));
  }
  return streams;
}

// RFC 8843 7.3.3: a rejected section keeps its kind, protocol, one format and its mid.
MediaSection rejectedSection(const MediaSection& offered) {
  MediaSection m;
  m.kind = offered.kind;
  m.otherKind = offered.otherKind;
  m.port = 0;
  m.protocol = offered.protocol;
  if (!offered.codecs.empty()) m.codecs.emplace_back().payloadType = offered.codecs.front().payloadType;
  if (!offered.formats.empty()) m.formats.push_back(offered.formats.front());
  m.connection = "IN IP4 0.0.0.0";
  m.mid = offered.mid;
  return m;
}

// Checks the transport attributes of the section that carries the BUNDLE transport and records them.
Status takeTransport(const SessionDescription& offer, const MediaSection& m, std::size_t index,
                     Answer& answer) {
  const std::string where = describe(m, index);
  const std::string* ufrag = offer.iceUfragOf(m);
  const std::string* pwd = offer.icePwdOf(m);
  if (!ufrag || !pwd) return invalidSdp("The offer's " + where + " has no a=ice-ufrag or a=ice-pwd.");
  const auto& fingerprints = offer.fingerprintsOf(m);
  if (fingerprints.empty()) return invalidSdp("The offer's " + where + " has no a=fingerprint for DTLS.");
  // RFC 4145 4: no a=setup means active. We are passive, so the browser must be able to be active.
  const Setup setup = offer.setupOf(m).value_or(Setup::kActive);
  if (setup != Setup::kActpass && setup != Setup::kActive)
    return invalidSdp("The offer's " + where + " has a=setup:" + std::string(toString(setup)) +
                      "; the server is always DTLS passive, so the offer must say actpass or active.");
  answer.remoteIceUfrag = *ufrag;
  answer.remoteIcePwd = *pwd;
  answer.remoteFingerprints = fingerprints;
  return Ok{};
}

// Mids present, unique, and BUNDLE whenever more than one section is offered.
Status checkMids(const SessionDescription& offer) {
  std::set<std::string, std::less<>> mids;
  std::size_t offered = 0;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& m = offer.media[i];
    if (!m.mid)
      return invalidSdp("The offer's " + describe(m, i) +
                        " has no a=mid; a Unified Plan offer names every section.");
    if (!mids.insert(*m.mid).second)
      return invalidSdp("The offer uses mid " + quoteForMessage(*m.mid) + " twice.");
    if (m.port != 0 || m.bundleOnly) ++offered;
  }
  if (offer.bundleMids) {
    for (const auto& mid : *offer.bundleMids)
      if (!mids.contains(mid))
        return invalidSdp("The offer's BUNDLE group names mid " + quoteForMessage(mid) +
                          ", which no section has.");
  } else if (offered > 1) {
    return invalidSdp("The offer has " + std::to_string(offered) +
                      " sections but no a=group:BUNDLE; the server carries all media on one transport.");
  }
  return Ok{};
}

bool inBundle(const SessionDescription& offer, const MediaSection& m) {
  if (!offer.bundleMids) return true;
  return std::find(offer.bundleMids->begin(), offer.bundleMids->end(), *m.mid) != offer.bundleMids->end();
}

// The answer's section for an accepted offered one: the server's transport, `n`'s codecs and extensions,
// and the server's outgoing SSRCs if it sends.
MediaSection acceptedSection(const MediaSection& offered, const NegotiatedMedia& n,
                             const AnswerOptions& options) {
  MediaSection m;
  m.kind = offered.kind;
  m.protocol = offered.protocol;
  applyLocalTransport(m, options, Setup::kPassive);
  m.mid = n.mid;
  m.direction = n.direction;
  m.rtcpRsize = offered.rtcpRsize;  // RFC 5506 5: only if offered
  m.extmapAllowMixed = offered.extmapAllowMixed;
  m.extensions = n.extensions;
  const bool withRtx = addCodecs(m, n.codecs);
  if (const auto out = options.outgoing.find(n.mid); out != options.outgoing.end() && sends(n.direction))
    addOutgoing(m, out->second, withRtx);
  return m;
}

}  // namespace

const NegotiatedMedia* Answer::find(std::string_view mid) const {
  for (const auto& m : media)
    if (m.mid == mid) return &m;
  return nullptr;
}

Result<std::string> remoteSha256(const Answer& answer) {
  if (const Fingerprint* f = findSha256(answer.remoteFingerprints)) return f->value;
  return Error::badRequest(std::string(kUnsupportedSdp),
                           "The offer has no sha-256 certificate fingerprint (a=fingerprint:sha-256), which "
                           "DTLS needs. Use a current Chrome, Edge or Firefox.");
}

Result<Answer> createAnswer(const SessionDescription& offer, const AnswerOptions& options) {
  if (Status s = checkLocalTransport(options); !s) return s.error();
  if (Status s = checkMids(offer); !s) return s.error();
  Answer answer;
  SessionDescription& d = answer.description;
  d = sessionShell(options);
  d.extmapAllowMixed = offer.extmapAllowMixed;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaSection& offered = offer.media[i];
    const bool usable = (offered.kind == MediaKind::kAudio || offered.kind == MediaKind::kVideo) &&
                        offered.protocol == kBundleProtocol && (offered.port != 0 || offered.bundleOnly) &&
                        offered.rtcpMux && inBundle(offer, offered);
    std::vector<NegotiatedCodec> codecs = usable ? chooseCodecs(offered) : std::vector<NegotiatedCodec>{};
    if (codecs.empty()) {
      d.media.push_back(rejectedSection(offered));
      continue;
    }
    if (answer.media.empty())
      if (Status s = takeTransport(offer, offered, i, answer); !s) return s.error();

    NegotiatedMedia n;
    n.mid = *offered.mid;
    n.kind = offered.kind;
    const auto wanted = options.directions.find(n.mid);
    const Direction want = wanted == options.directions.end() ? options.defaultDirection : wanted->second;
    const Direction theirs = offer.directionOf(offered);
    n.direction = makeDirection(sends(want) && receives(theirs), receives(want) && sends(theirs));
    n.extensions = chooseExtensions(offered);
    n.remoteStreams = remoteStreams(offered);
    for (const auto& g : offered.ssrcGroups)
      if (g.semantics == "SIM" && n.simulcastSsrcs.empty()) n.simulcastSsrcs = g.ssrcs;

    n.codecs = std::move(codecs);
    d.media.push_back(acceptedSection(offered, n, options));
    d.bundleMids->push_back(n.mid);
    answer.media.push_back(std::move(n));
  }
  if (answer.media.empty())
    return Error::badRequest(
        std::string(kUnsupportedSdp),
        "The offer has no audio or video section the server can take (Opus, VP8 or H.264 "
        "over UDP/TLS/RTP/SAVPF with rtcp-mux, in the BUNDLE group).");
  return answer;
}

}  // namespace roomgate::media::sdp
