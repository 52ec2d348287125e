#include "media/Sdp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "media/SdpAnswer.hpp"
#include "support/SdpFixtures.hpp"

namespace roomgate::media::sdp {
namespace {

// Offers captured from Debian's Chromium and one written in Firefox's shape (fixtures/README.md).
std::string fixture(const std::string& name) {
  std::ifstream in(std::string(ROOMGATE_SOURCE_DIR) + "/tests/unit/media/fixtures/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

SessionDescription parsed(const std::string& text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : SessionDescription{};
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

const HeaderExtension* findExtension(const std::vector<HeaderExtension>& list, std::string_view uri) {
  for (const auto& e : list)
    if (e.uri == uri) return &e;
  return nullptr;
}

// The offer's H.264 payload type with packetization-mode 1 and profile-level-id 42e01f.
std::uint8_t h264Pt(const MediaSection& m) {
  for (const auto& c : m.codecs)
    if (c.isNamed("H264") && c.fmtpValue("packetization-mode") == "1" &&
        c.fmtpValue("profile-level-id") == "42e01f")
      return c.payloadType;
  ADD_FAILURE() << "no H.264 42e01f mode 1 in the offer";
  return 0;
}

std::uint8_t rtxFor(const MediaSection& m, std::uint8_t pt) {
  for (const auto& c : m.codecs)
    if (c.rtxApt() == pt) return c.payloadType;
  ADD_FAILURE() << "no RTX for " << int(pt);
  return 0;
}

const std::vector<std::string> kFixtures = {"chromium-offer.sdp", "chromium-offer-datachannel.sdp",
                                            "firefox-offer.sdp"};

AnswerOptions serverOptions() {
  AnswerOptions o;
  testing::fillTestTransport(o);
  return o;
}

Answer answered(const std::string& offerText, const AnswerOptions& options = serverOptions()) {
  auto r = createAnswer(parsed(offerText), options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : Answer{};
}

// --- parse -------------------------------------------------------------------------------------------

TEST(SdpParse, ChromiumOfferFields) {
  const auto d = parsed(fixture("chromium-offer.sdp"));
  EXPECT_EQ(d.origin.username, "-");
  EXPECT_EQ(d.origin.addressType, "IP4");
  ASSERT_TRUE(d.bundleMids);
  EXPECT_EQ(*d.bundleMids, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(d.extmapAllowMixed);
  ASSERT_TRUE(d.msidSemantic);
  EXPECT_TRUE(d.msidSemantic->starts_with("WMS ")) << *d.msidSemantic;
  ASSERT_EQ(d.media.size(), 2u);

  const MediaSection& audio = d.media[0];
  EXPECT_EQ(audio.kind, MediaKind::kAudio);
  EXPECT_EQ(audio.port, 9);
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_TRUE(audio.rtcpMux);
  EXPECT_TRUE(audio.rtcpRsize);
  EXPECT_EQ(audio.setup, Setup::kActpass);
  EXPECT_EQ(audio.iceOptions, "trickle");
  ASSERT_TRUE(audio.iceUfrag && audio.icePwd);
  ASSERT_EQ(audio.fingerprints.size(), 1u);
  EXPECT_EQ(audio.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(audio.fingerprints[0].value.size(), 95u);  // 32 bytes as XX:...
  const Codec* opus = audio.findCodec(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clockRate, 48000u);
  EXPECT_EQ(opus->channels, 2);
  EXPECT_EQ(opus->fmtp, (std::vector<FmtpParameter>{{"minptime", "10"}, {"useinbandfec", "1"}}));
  EXPECT_EQ(opus->rtcpFeedback, (std::vector<std::string>{"transport-cc"}));
  EXPECT_EQ(audio.findCodec(63)->fmtp, (std::vector<FmtpParameter>{{"", "111/111"}}));  // red: a bare value
  ASSERT_NE(findExtension(audio.extensions, kExtMid), nullptr);
  EXPECT_EQ(findExtension(audio.extensions, kExtAudioLevel)->id, 1);
  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_FALSE(audio.ssrcs[0].cname.empty());
  ASSERT_TRUE(audio.ssrcs[0].msid);
  ASSERT_EQ(audio.msids.size(), 1u);
  EXPECT_EQ(*audio.ssrcs[0].msid, audio.msids[0]);
  EXPECT_NE(std::find(audio.otherAttributes.begin(), audio.otherAttributes.end(), "rtcp:9 IN IP4 0.0.0.0"),
            audio.otherAttributes.end());

  const MediaSection& video = d.media[1];
  EXPECT_EQ(video.kind, MediaKind::kVideo);
  const Codec* vp8 = video.findCodec(96);
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->name, "VP8");
  EXPECT_EQ(vp8->clockRate, 90000u);
  EXPECT_FALSE(vp8->channels);
  EXPECT_EQ(vp8->rtcpFeedback.size(), 5u);
  EXPECT_EQ(video.findCodec(97)->rtxApt(), 96);
  EXPECT_EQ(vp8->rtxApt(), std::nullopt);
  EXPECT_EQ(video.findCodec(rtxFor(video, h264Pt(video)))->name, "rtx");
  ASSERT_EQ(video.ssrcGroups.size(), 1u);
  EXPECT_EQ(video.ssrcGroups[0].semantics, "FID");
  ASSERT_EQ(video.ssrcGroups[0].ssrcs.size(), 2u);
  EXPECT_NE(video.findSsrc(video.ssrcGroups[0].ssrcs[1]), nullptr);
  EXPECT_EQ(video.ssrcs.size(), 2u);
}

TEST(SdpParse, ChromiumDataChannelSection) {
  const auto d = parsed(fixture("chromium-offer-datachannel.sdp"));
  ASSERT_EQ(d.media.size(), 3u);
  const MediaSection& app = d.media[2];
  EXPECT_EQ(app.kind, MediaKind::kApplication);
  EXPECT_EQ(app.protocol, "UDP/DTLS/SCTP");
  EXPECT_FALSE(app.isRtp());
  EXPECT_EQ(app.formats, (std::vector<std::string>{"webrtc-datachannel"}));
  EXPECT_TRUE(app.codecs.empty());
  EXPECT_EQ(app.mid, "2");
  EXPECT_NE(std::find(app.otherAttributes.begin(), app.otherAttributes.end(), "sctp-port:5000"),
            app.otherAttributes.end());
  EXPECT_EQ(*d.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(SdpParse, FirefoxOfferFields) {
  const auto d = parsed(fixture("firefox-offer.sdp"));
  EXPECT_EQ(d.origin.username, "mozilla...THIS_IS_SDPARTA-128.0");
  EXPECT_EQ(d.origin.sessionId, 7245981301846253109u);
  ASSERT_EQ(d.fingerprints.size(), 1u);  // Firefox: once, at session level
  EXPECT_EQ(d.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(d.iceOptions, "trickle");
  EXPECT_EQ(d.msidSemantic, "WMS *");
  ASSERT_EQ(d.media.size(), 2u);
  const MediaSection& audio = d.media[0];
  EXPECT_TRUE(audio.fingerprints.empty());
  EXPECT_EQ(&d.fingerprintsOf(audio), &d.fingerprints);
  EXPECT_EQ(*d.iceUfragOf(audio), "f3a1c2d4");
  EXPECT_EQ(d.setupOf(audio), Setup::kActpass);
  EXPECT_TRUE(audio.extmapAllowMixed);
  EXPECT_FALSE(audio.rtcpRsize);
  EXPECT_EQ(audio.findCodec(9)->channels, 1);  // "G722/8000/1"
  EXPECT_EQ(audio.findCodec(101)->fmtp, (std::vector<FmtpParameter>{{"", "0-15"}}));
  EXPECT_EQ(audio.findCodec(109)->fmtpValue("STEREO"), "1");
  const HeaderExtension* csrc =
      findExtension(audio.extensions, "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  ASSERT_NE(csrc, nullptr);
  EXPECT_EQ(csrc->id, 2);
  EXPECT_EQ(csrc->direction, Direction::kRecvOnly);
  ASSERT_EQ(audio.msids.size(), 1u);
  EXPECT_TRUE(audio.msids[0].streamId.starts_with("{"));
  EXPECT_FALSE(audio.ssrcs[0].msid);  // Firefox writes only cname per SSRC

  const MediaSection& video = d.media[1];
  // Firefox writes every a=fmtp before the a=rtpmap lines: the apt is read all the same.
  EXPECT_EQ(video.findCodec(124)->rtxApt(), 120);
  EXPECT_EQ(video.findCodec(127)->rtxApt(), 126);
  EXPECT_EQ(video.findCodec(121)->name, "VP9");
  EXPECT_EQ(video.ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(video.ssrcGroups[0].ssrcs, (std::vector<std::uint32_t>{1394875623, 3716402985}));
}

TEST(SdpParse, RoundTripsEveryFixture) {
  for (const auto& name : kFixtures) {
    SCOPED_TRACE(name);
    const auto d = parsed(fixture(name));
    const std::string text = serialize(d);
    EXPECT_EQ(parsed(text), d);
    EXPECT_EQ(serialize(parsed(text)), text);
    EXPECT_EQ(replaceAll(text, "\r\n", "").find('\n'), std::string::npos) << "every line ends in CRLF";
    EXPECT_TRUE(text.ends_with("\r\n"));
  }
}

TEST(SdpParse, AcceptsLfLineEndsAndBlankLines) {
  const std::string crlf = fixture("chromium-offer.sdp");
  const std::string lf = replaceAll(crlf, "\r\n", "\n");
  ASSERT_EQ(lf.find('\r'), std::string::npos);
  EXPECT_EQ(parsed(lf), parsed(crlf));
  EXPECT_EQ(parsed(lf + "\n\n"), parsed(crlf));
}

TEST(SdpParse, KeepsUnknownLinesAndAttributes) {
  const std::string text =
      "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nb=AS:100\r\nt=0 0\r\na=group:LS 0\r\na=x-custom\r\n"
      "m=text 9 RTP/AVP 98\r\nb=TIAS:64000\r\na=rtpmap:98 t140/1000\r\na=rtcp-fb:* nack\r\na=mid:0\r\n";
  const auto d = parsed(text);
  EXPECT_EQ(d.otherLines, (std::vector<std::string>{"b=AS:100"}));
  EXPECT_EQ(d.otherAttributes, (std::vector<std::string>{"group:LS 0", "x-custom"}));
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].kind, MediaKind::kOther);
  EXPECT_EQ(d.media[0].otherKind, "text");
  EXPECT_EQ(d.media[0].otherLines, (std::vector<std::string>{"b=TIAS:64000"}));
  EXPECT_EQ(d.media[0].otherAttributes, (std::vector<std::string>{"rtcp-fb:* nack"}));
  EXPECT_EQ(parsed(serialize(d)), d);
}

struct Malformed {
  const char* what;
  std::string text;
  std::string_view says;  // a part of the message that names the reason
};

std::string minimal(const std::string& extra) {
  return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + extra;
}

TEST(SdpParse, RefusesMalformedInputWithInvalidSdp) {
  const std::string audio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  const std::vector<Malformed> cases = {
      {"empty", "", "is empty"},
      {"only blank lines", "\r\n\n", "is empty"},
      {"no v= line", "o=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", "must be v=0"},
      {"v=1", "v=1\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "must be v=0"},
      {"no o= line", "v=0\r\ns=-\r\nt=0 0\r\n", "no o= line"},
      {"second v=", minimal("v=0\r\n"), "only be the first line"},
      {"second o=", minimal("o=- 1 2 IN IP4 127.0.0.1\r\n"), "o= is given twice"},
      {"o= with 5 fields", "v=0\r\no=- 1 2 IN IP4\r\n", "needs 6 fields"},
      {"o= session id not a number", "v=0\r\no=- 12a 2 IN IP4 127.0.0.1\r\n", "below 2^64"},
      {"o= session id overflows 64 bits", "v=0\r\no=- 18446744073709551616 2 IN IP4 127.0.0.1\r\n",
       "below 2^64"},
      {"line without =", minimal("hello\r\n"), "<letter>=<value>"},
      {"upper-case type", minimal("A=foo\r\n"), "<letter>=<value>"},
      {"control character", minimal(std::string("a=x\0y\r\n", 7)), "control character"},
      {"bare CR inside a line", minimal("a=x\ry\r\n"), "control character"},
      {"m= too short", minimal("m=audio 9 UDP/TLS/RTP/SAVPF\r\n"), "at least one format"},
      {"m= port not a number", minimal("m=audio nine UDP/TLS/RTP/SAVPF 111\r\n"), "port \"nine\""},
      {"m= port over 65535", minimal("m=audio 65536 UDP/TLS/RTP/SAVPF 111\r\n"), "0 to 65535"},
      {"m= negative port", minimal("m=audio -1 UDP/TLS/RTP/SAVPF 111\r\n"), "0 to 65535"},
      {"m= port with count", minimal("m=audio 9/2 UDP/TLS/RTP/SAVPF 111\r\n"), "0 to 65535"},
      {"payload type 128", minimal("m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n"), "0 to 127"},
      {"payload type not a number", minimal("m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n"), "0 to 127"},
      {"payload type listed twice", minimal("m=audio 9 UDP/TLS/RTP/SAVPF 111 111\r\n"), "listed twice"},
      {"rtpmap for unlisted payload type", minimal(audio + "a=rtpmap:112 opus/48000/2\r\n"),
       "not on the m= line"},
      {"rtpmap payload type 300", minimal(audio + "a=rtpmap:300 opus/48000/2\r\n"), "0 to 127"},
      {"rtpmap without clock rate", minimal(audio + "a=rtpmap:111 opus\r\n"), "<clock rate>"},
      {"rtpmap clock rate overflows", minimal(audio + "a=rtpmap:111 opus/4294967296\r\n"), "below 2^32"},
      {"rtpmap zero channels", minimal(audio + "a=rtpmap:111 opus/48000/0\r\n"), "channel count"},
      {"rtpmap twice", minimal(audio + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:111 opus/48000/2\r\n"),
       "second a=rtpmap"},
      {"fmtp twice", minimal(audio + "a=fmtp:111 a=1\r\na=fmtp:111 b=2\r\n"), "second a=fmtp"},
      {"fmtp parameter without a name", minimal(audio + "a=fmtp:111 =1\r\n"), "has no name"},
      {"rtcp-fb without type", minimal(audio + "a=rtcp-fb:111\r\n"), "feedback type"},
      {"rtx apt not a payload type",
       minimal("m=video 9 UDP/TLS/RTP/SAVPF 97\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=200\r\n"),
       "apt of RTX"},
      {"extmap id 0", minimal(audio + "a=extmap:0 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"), "1 to 255"},
      {"extmap id 256", minimal(audio + "a=extmap:256 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"), "1 to 255"},
      {"extmap id twice", minimal(audio + "a=extmap:1 urn:a\r\na=extmap:1 urn:b\r\n"), "used twice"},
      {"extmap bad direction", minimal(audio + "a=extmap:1/sideways urn:a\r\n"), "extmap direction"},
      {"extmap without URI", minimal(audio + "a=extmap:1\r\n"), "needs a URI"},
      {"ssrc not a number", minimal(audio + "a=ssrc:abc cname:x\r\n"), "below 2^32"},
      {"ssrc over 32 bits", minimal(audio + "a=ssrc:4294967296 cname:x\r\n"), "below 2^32"},
      {"ssrc without attribute", minimal(audio + "a=ssrc:1\r\n"), "needs an attribute"},
      {"ssrc cname twice", minimal(audio + "a=ssrc:1 cname:a\r\na=ssrc:1 cname:b\r\n"),
       "cname is given twice"},
      {"ssrc-group without ssrc", minimal(audio + "a=ssrc-group:FID\r\n"), "at least one SSRC"},
      {"ssrc-group bad ssrc", minimal(audio + "a=ssrc-group:FID 1 x\r\n"), "\"x\""},
      {"msid with three fields", minimal(audio + "a=msid:a b c\r\n"), "optional track id"},
      {"mid twice", minimal(audio + "a=mid:0\r\na=mid:1\r\n"), "a=mid is given twice"},
      {"empty mid", minimal(audio + "a=mid:\r\n"), "needs a value"},
      {"mid with a space", minimal(audio + "a=mid:a b\r\n"), "cannot hold a space"},
      {"setup unknown", minimal(audio + "a=setup:sideways\r\n"), "actpass, active"},
      {"two directions", minimal(audio + "a=sendrecv\r\na=recvonly\r\n"), "direction is given twice"},
      {"flag with a value", minimal(audio + "a=rtcp-mux:yes\r\n"), "takes no value"},
      {"fingerprint without value", minimal("a=fingerprint:sha-256\r\n"), "algorithm and a value"},
      {"ice-ufrag twice", minimal("a=ice-ufrag:a\r\na=ice-ufrag:b\r\n"), "ice-ufrag is given twice"},
      {"attribute without name", minimal("a=:x\r\n"), "needs a name"},
      {"o= inside a section", minimal(audio + "o=- 1 2 IN IP4 127.0.0.1\r\n"), "before the first m= line"},
      {"too many sections", minimal([&] {
         std::string s;
         for (std::size_t i = 0; i <= kMaxMediaSections; ++i) s += audio;
         return s;
       }()),
       "more than 128 m= sections"},
      {"too many lines", minimal(std::string(kMaxLines * 2, '\n')), "more than 16384 lines"},
      {"too many bytes", minimal("a=x-pad:" + std::string(kMaxSdpBytes, 'x') + "\r\n"), "at most 262144"},
  };
  for (const auto& c : cases) {
    auto r = parse(c.text);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, kInvalidSdp) << c.what;
    EXPECT_EQ(r.error().status, 400) << c.what;
    EXPECT_TRUE(r.error().message.ends_with(".")) << c.what << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.what << ": " << r.error().message;
  }
}

TEST(SdpParse, ErrorNamesTheLine) {
  auto r = parse(
      minimal("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=extmap:300 urn:x\r\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().message.starts_with("Line 7 (\"a=extmap:300 urn:x\")")) << r.error().message;
  EXPECT_NE(r.error().message.find("1 to 255"), std::string::npos) << r.error().message;
}

// --- answer ------------------------------------------------------------------------------------------

TEST(SdpAnswer, AnswersChromiumAsIceLitePassiveServer) {
  const std::string offerText = fixture("chromium-offer.sdp");
  const auto offer = parsed(offerText);
  const AnswerOptions options = serverOptions();
  const Answer a = answered(offerText, options);
  const SessionDescription& d = a.description;
  EXPECT_TRUE(d.iceLite);
  EXPECT_EQ(*d.bundleMids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(d.media.size(), 2u);
  for (const auto& m : d.media) {
    SCOPED_TRACE(*m.mid);
    EXPECT_EQ(m.port, 40000);
    EXPECT_EQ(m.setup, Setup::kPassive);
    EXPECT_EQ(m.iceUfrag, options.iceUfrag);
    EXPECT_EQ(m.icePwd, options.icePwd);
    EXPECT_EQ(m.fingerprints, (std::vector<Fingerprint>{{"sha-256", options.fingerprintSha256}}));
    EXPECT_EQ(m.candidates, (std::vector<std::string>{"1 1 udp 2130706431 203.0.113.7 40000 typ host"}));
    EXPECT_TRUE(m.endOfCandidates);
    EXPECT_TRUE(m.rtcpMux);
    EXPECT_TRUE(m.rtcpRsize);
    EXPECT_EQ(m.direction, Direction::kRecvOnly);  // the default: the server only receives
    EXPECT_TRUE(m.ssrcs.empty());
  }
  // Audio: Opus only, with the offer's payload type.
  ASSERT_EQ(d.media[0].codecs.size(), 1u);
  const Codec& opus = d.media[0].codecs[0];
  EXPECT_EQ(opus.payloadType, 111);
  EXPECT_TRUE(opus.isNamed("opus"));
  EXPECT_EQ(opus.fmtp, (std::vector<FmtpParameter>{{"minptime", "10"}, {"useinbandfec", "1"}}));
  EXPECT_EQ(opus.rtcpFeedback, (std::vector<std::string>{"transport-cc"}));
  // Video: VP8 + RTX first, then H.264 42e01f mode 1 + RTX, with the offer's payload types.
  const MediaSection& offeredVideo = offer.media[1];
  const std::uint8_t h264 = h264Pt(offeredVideo);
  std::vector<int> pts;
  for (const auto& c : d.media[1].codecs) pts.push_back(c.payloadType);
  EXPECT_EQ(pts, (std::vector<int>{96, 97, h264, rtxFor(offeredVideo, h264)}));
  EXPECT_EQ(d.media[1].findCodec(97)->fmtp, (std::vector<FmtpParameter>{{"apt", "96"}}));
  EXPECT_EQ(d.media[1].findCodec(h264)->fmtp, offeredVideo.findCodec(h264)->fmtp);
  EXPECT_EQ(d.media[1].findCodec(96)->rtcpFeedback, offeredVideo.findCodec(96)->rtcpFeedback);
  // Extensions: only the supported ones, with the offer's ids.
  for (std::size_t i = 0; i < 2; ++i) {
    for (const auto& e : d.media[i].extensions) {
      const HeaderExtension* offered = findExtension(offer.media[i].extensions, e.uri);
      ASSERT_NE(offered, nullptr) << e.uri;
      EXPECT_EQ(e.id, offered->id) << e.uri;
    }
  }
  EXPECT_EQ(d.media[0].extensions.size(), 4u);  // audio level, abs-send-time, transport-cc, mid
  EXPECT_NE(findExtension(d.media[1].extensions, kExtVideoOrientation), nullptr);
  EXPECT_NE(findExtension(d.media[1].extensions, kExtRid), nullptr);
  EXPECT_EQ(findExtension(d.media[1].extensions, "urn:ietf:params:rtp-hdrext:toffset"), nullptr);
  // What the transport routes by.
  ASSERT_EQ(a.media.size(), 2u);
  EXPECT_EQ(a.remoteIceUfrag, *offer.media[0].iceUfrag);
  EXPECT_EQ(a.remoteFingerprints, offer.media[0].fingerprints);
  const NegotiatedMedia* video = a.find("1");
  ASSERT_NE(video, nullptr);
  EXPECT_EQ(video->codecs[0].codec.payloadType, 96);
  EXPECT_EQ(video->codecs[0].rtxPayloadType, 97);
  ASSERT_EQ(video->remoteStreams.size(), 1u);
  EXPECT_EQ(video->remoteStreams[0].ssrc, offeredVideo.ssrcGroups[0].ssrcs[0]);
  EXPECT_EQ(video->remoteStreams[0].rtxSsrc, offeredVideo.ssrcGroups[0].ssrcs[1]);
  EXPECT_EQ(video->remoteStreams[0].msid, offeredVideo.msids[0]);
  EXPECT_EQ(a.find("0")->remoteStreams.size(), 1u);
  EXPECT_FALSE(a.find("0")->remoteStreams[0].rtxSsrc);
  // The text a browser gets.
  const std::string text = serialize(d);
  for (const char* line :
       {"a=ice-lite\r\n", "a=setup:passive\r\n", "a=group:BUNDLE 0 1\r\n",
        "a=candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host\r\n", "a=end-of-candidates\r\n",
        "a=rtpmap:111 opus/48000/2\r\n", "a=fmtp:111 minptime=10;useinbandfec=1\r\n", "a=fmtp:97 apt=96\r\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line;
  EXPECT_EQ(parsed(text), d);
}

TEST(SdpAnswer, RejectsTheDataChannelAndLeavesItOutOfBundle) {
  const Answer a = answered(fixture("chromium-offer-datachannel.sdp"));
  const SessionDescription& d = a.description;
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(*d.bundleMids, (std::vector<std::string>{"0", "1"}));
  const MediaSection& app = d.media[2];
  EXPECT_EQ(app.port, 0);
  EXPECT_EQ(app.kind, MediaKind::kApplication);
  EXPECT_EQ(app.formats, (std::vector<std::string>{"webrtc-datachannel"}));
  EXPECT_EQ(app.mid, "2");
  MediaSection onlyMid = app;  // nothing but kind, port, protocol, format, c= and mid
  onlyMid.mid.reset();
  EXPECT_EQ(onlyMid.candidates.size() + onlyMid.fingerprints.size() + onlyMid.otherAttributes.size(), 0u);
  EXPECT_FALSE(onlyMid.iceUfrag || onlyMid.setup || onlyMid.direction || onlyMid.rtcpMux);
  EXPECT_EQ(a.find("2"), nullptr);
  EXPECT_NE(serialize(d).find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"), std::string::npos);
}

TEST(SdpAnswer, AnswersFirefox) {
  const Answer a = answered(fixture("firefox-offer.sdp"));
  const SessionDescription& d = a.description;
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_EQ(*d.bundleMids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(d.media[0].codecs.size(), 1u);
  EXPECT_EQ(d.media[0].codecs[0].payloadType, 109);
  EXPECT_TRUE(d.media[0].codecs[0].rtcpFeedback.empty());  // Firefox offers no transport-cc for audio
  EXPECT_FALSE(d.media[0].rtcpRsize);                      // nor rtcp-rsize
  EXPECT_TRUE(d.media[0].extmapAllowMixed);
  std::vector<int> pts;
  for (const auto& c : d.media[1].codecs) pts.push_back(c.payloadType);
  EXPECT_EQ(pts, (std::vector<int>{120, 124, 126, 127}));  // 126 is 42e01f mode 1; 105 (42001f) loses
  EXPECT_TRUE(d.media[1].findCodec(120)->fmtp.empty());
  EXPECT_EQ(d.media[1].findCodec(126)->fmtpValue("profile-level-id"), "42e01f");
  EXPECT_EQ(d.media[1].findCodec(127)->fmtp, (std::vector<FmtpParameter>{{"apt", "126"}}));
  EXPECT_EQ(findExtension(d.media[0].extensions, kExtAudioLevel)->id, 1);
  EXPECT_EQ(findExtension(d.media[0].extensions, kExtMid)->id, 3);
  EXPECT_EQ(findExtension(d.media[0].extensions, "urn:ietf:params:rtp-hdrext:csrc-audio-level"), nullptr);
  EXPECT_EQ(findExtension(d.media[1].extensions, kExtTransportCc)->id, 7);
  EXPECT_EQ(findExtension(d.media[1].extensions, kExtAbsSendTime)->id, 4);
  EXPECT_EQ(d.media[1].extensions.size(), 3u);
  EXPECT_EQ(a.remoteIceUfrag, "f3a1c2d4");
  EXPECT_EQ(a.remoteFingerprints.size(), 1u);
  EXPECT_EQ(a.find("1")->remoteStreams[0].rtxSsrc, 3716402985u);
}

TEST(SdpAnswer, AcceptsFirefoxMaxBundleSectionsWithPortZero) {
  const std::string offer = replaceAll(fixture("firefox-offer.sdp"), "m=video 9 ", "m=video 0 ");
  const std::string bundleOnly = replaceAll(offer, "a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
  EXPECT_EQ(answered(bundleOnly).description.media[1].port, 40000);
  EXPECT_EQ(answered(offer).description.media[1].port, 0);  // port 0 without bundle-only: rejected
}

TEST(SdpAnswer, H264AloneWhenNoVp8IsOffered) {
  std::string offer = fixture("firefox-offer.sdp");
  offer = replaceAll(offer, "a=rtpmap:120 VP8/90000", "a=rtpmap:120 AV1X/90000");
  const Answer a = answered(offer);
  ASSERT_EQ(a.find("1")->codecs.size(), 1u);
  EXPECT_EQ(a.find("1")->codecs[0].codec.payloadType, 126);
  EXPECT_EQ(a.find("1")->codecs[0].rtxPayloadType, 127);
}

TEST(SdpAnswer, DirectionsAndOutgoingStreams) {
  AnswerOptions options = serverOptions();
  options.directions["0"] = Direction::kSendRecv;  // echo audio
  options.directions["1"] = Direction::kSendRecv;
  options.outgoing["0"] = {1111, 2222, "srv", "room", "audio-echo"};
  options.outgoing["1"] = {3333, 4444, "srv", "room", "video-echo"};
  // The browser only sends video: the server can receive it but not send into it.
  const std::string offer = fixture("chromium-offer.sdp");
  const std::string sendonlyVideo = [&] {
    std::string s = offer;
    const auto video = s.find("m=video");
    s.replace(s.find("a=sendrecv", video), 10, "a=sendonly");
    return s;
  }();
  const Answer a = answered(sendonlyVideo, options);
  const MediaSection& audio = a.description.media[0];
  const MediaSection& video = a.description.media[1];
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_EQ(video.direction, Direction::kRecvOnly);
  EXPECT_EQ(a.find("1")->direction, Direction::kRecvOnly);
  EXPECT_TRUE(video.ssrcs.empty());  // not sending: no outgoing SSRCs
  // Audio has no RTX: only the primary SSRC, no FID group.
  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_EQ(audio.ssrcs[0].ssrc, 1111u);
  EXPECT_EQ(audio.ssrcs[0].cname, "srv");
  EXPECT_EQ(audio.ssrcs[0].msid, (Msid{"room", "audio-echo"}));
  EXPECT_EQ(audio.msids, (std::vector<Msid>{{"room", "audio-echo"}}));
  EXPECT_TRUE(audio.ssrcGroups.empty());

  const Answer echo = answered(offer, options);
  const MediaSection& echoVideo = echo.description.media[1];
  EXPECT_EQ(echoVideo.direction, Direction::kSendRecv);
  EXPECT_EQ(echoVideo.ssrcGroups, (std::vector<SsrcGroup>{{"FID", {3333, 4444}}}));
  ASSERT_EQ(echoVideo.ssrcs.size(), 2u);
  EXPECT_EQ(echoVideo.ssrcs[1].ssrc, 4444u);
  const std::string text = serialize(echo.description);
  EXPECT_NE(text.find("a=ssrc:3333 msid:room video-echo\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=ssrc-group:FID 3333 4444\r\n"), std::string::npos);
}

TEST(SdpAnswer, ReportsSimulcastAndRtxSsrcsOfTheOffer) {
  // Chromium's legacy SSRC simulcast: three layers, each with its RTX.
  std::string offer = fixture("chromium-offer.sdp");
  const auto video = offer.find("a=ssrc-group:FID");
  offer = offer.substr(0, video) +
          "a=ssrc-group:SIM 10 20 30\r\na=ssrc-group:FID 10 11\r\na=ssrc-group:FID 20 21\r\n"
          "a=ssrc-group:FID 30 31\r\n"
          "a=ssrc:10 cname:c\r\na=ssrc:11 cname:c\r\na=ssrc:20 cname:c\r\na=ssrc:21 cname:c\r\n"
          "a=ssrc:30 cname:c\r\na=ssrc:31 cname:c\r\n";
  AnswerOptions options = serverOptions();
  options.candidateIp = "2001:db8::7";
  const Answer a = answered(offer, options);
  const NegotiatedMedia* v = a.find("1");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->simulcastSsrcs, (std::vector<std::uint32_t>{10, 20, 30}));
  ASSERT_EQ(v->remoteStreams.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(v->remoteStreams[i].ssrc, 10 * (i + 1));
    EXPECT_EQ(v->remoteStreams[i].rtxSsrc, 10 * (i + 1) + 1);
    EXPECT_EQ(v->remoteStreams[i].cname, "c");
  }
  EXPECT_EQ(a.description.media[1].connection, "IN IP6 2001:db8::7");
  EXPECT_EQ(a.description.media[1].candidates[0], "1 1 udp 2130706431 2001:db8::7 40000 typ host");
}

struct Unanswerable {
  const char* what;
  std::string offer;
  std::string_view code;
};

TEST(SdpAnswer, RefusesOffersItCannotAnswer) {
  const std::string chromium = fixture("chromium-offer.sdp");
  const std::string firefox = fixture("firefox-offer.sdp");
  const std::string audioOnly =
      replaceAll(chromium.substr(0, chromium.find("m=video")), "a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
  const std::vector<Unanswerable> cases = {
      {"no ice-ufrag", replaceAll(firefox, "a=ice-ufrag:f3a1c2d4\r\n", ""), kInvalidSdp},
      {"no ice-pwd", replaceAll(firefox, "a=ice-pwd:8c1d5e0b7a2f4c6e9d3b1a0f5e7c2d48\r\n", ""), kInvalidSdp},
      {"no fingerprint",
       firefox.substr(0, firefox.find("a=fingerprint")) + firefox.substr(firefox.find("a=group")),
       kInvalidSdp},
      {"setup passive", replaceAll(chromium, "a=setup:actpass", "a=setup:passive"), kInvalidSdp},
      {"setup holdconn", replaceAll(chromium, "a=setup:actpass", "a=setup:holdconn"), kInvalidSdp},
      {"two sections, no BUNDLE", replaceAll(chromium, "a=group:BUNDLE 0 1\r\n", ""), kInvalidSdp},
      {"BUNDLE names an unknown mid", replaceAll(chromium, "a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 7"),
       kInvalidSdp},
      {"section without mid", replaceAll(chromium, "a=mid:1\r\n", ""), kInvalidSdp},
      {"mid used twice", replaceAll(chromium, "a=mid:1\r\n", "a=mid:0\r\n"), kInvalidSdp},
      {"no Opus", replaceAll(audioOnly, "opus/48000/2", "opus/16000/1"), kUnsupportedSdp},
      {"only a data channel",
       "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
       "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\na=ice-ufrag:abcd\r\n"
       "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 AA\r\na=setup:actpass\r\n",
       kUnsupportedSdp},
      {"no rtcp-mux", replaceAll(audioOnly, "a=rtcp-mux\r\n", ""), kUnsupportedSdp},
  };
  for (const auto& c : cases) {
    const auto offer = parse(c.offer);
    ASSERT_TRUE(offer.ok()) << c.what << ": " << offer.error().message;
    const auto r = createAnswer(*offer, serverOptions());
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
    EXPECT_EQ(r.error().status, 400) << c.what;
  }
  AnswerOptions noUfrag = serverOptions();
  noUfrag.iceUfrag.clear();
  EXPECT_EQ(createAnswer(parsed(chromium), noUfrag).error().status, 500);
  EXPECT_TRUE(createAnswer(parsed(replaceAll(audioOnly, "a=group:BUNDLE 0\r\n", "")), serverOptions()).ok())
      << "one section needs no BUNDLE";
}

}  // namespace
}  // namespace roomgate::media::sdp
