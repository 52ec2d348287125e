// The server's offers (group rooms' subscriber side) and its check of a browser's answer.
#include "media/SdpOffer.hpp"

#include <gtest/gtest.h>

#include "support/SdpFixtures.hpp"

namespace roomgate::media::sdp {
namespace {

using testing::browserAnswer;

OfferOptions options(std::vector<OfferedSection> sections) {
  OfferOptions o;
  testing::fillTestTransport(o);
  o.sessionVersion = 3;
  o.sections = std::move(sections);
  return o;
}

OfferedSection section(std::string mid, MediaKind kind, std::optional<uint32_t> ssrc) {
  OfferedSection s{std::move(mid), kind, subscriberCodecs(kind), subscriberExtensions(kind), std::nullopt};
  if (ssrc) s.stream = OutgoingStream{*ssrc, *ssrc + 1, "rg", "alice", "alice-" + s.mid};
  return s;
}

SessionDescription offerOf(std::vector<OfferedSection> sections) {
  auto d = createOffer(options(std::move(sections)));
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return d.ok() ? std::move(d).value() : SessionDescription{};
}

TEST(SdpOffer, OffersEachTrackSendOnlyOnTheBundledIceLiteTransport) {
  const auto d = offerOf({section("0", MediaKind::kAudio, 1000), section("1", MediaKind::kVideo, 2000),
                          section("2", MediaKind::kVideo, std::nullopt)});
  EXPECT_TRUE(d.iceLite);
  EXPECT_EQ(d.origin.sessionVersion, 3u);
  EXPECT_EQ(*d.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_EQ(d.media.size(), 3u);
  for (const auto& m : d.media) {
    EXPECT_EQ(m.setup, Setup::kActpass) << "the browser answers active and stays the DTLS client";
    EXPECT_EQ(m.port, 40000);
    EXPECT_EQ(m.candidates.size(), 1u);
    EXPECT_TRUE(m.rtcpMux);
  }
  EXPECT_EQ(d.media[0].direction, Direction::kSendOnly);
  EXPECT_EQ(d.media[0].codecs.size(), 1u);
  EXPECT_EQ(d.media[0].codecs[0].payloadType, kOfferOpusPt);
  EXPECT_EQ(d.media[0].ssrcs.size(), 1u) << "no RTX for audio";
  const auto& video = d.media[1];
  EXPECT_EQ(video.codecs.size(), 4u);
  EXPECT_EQ(video.findCodec(kOfferVp8RtxPt)->rtxApt(), kOfferVp8Pt);
  EXPECT_EQ(video.findCodec(kOfferH264RtxPt)->rtxApt(), kOfferH264Pt);
  ASSERT_EQ(video.ssrcGroups.size(), 1u);
  EXPECT_EQ(video.ssrcGroups[0].ssrcs, (std::vector<uint32_t>{2000, 2001}));
  EXPECT_EQ(d.media[2].direction, Direction::kInactive);
  EXPECT_TRUE(d.media[2].ssrcs.empty());
  // What is written parses back to the same description.
  auto again = parse(serialize(d));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, d);
}

TEST(SdpOffer, RefusesItsOwnMistakes) {
  EXPECT_FALSE(
      createOffer(options({section("0", MediaKind::kAudio, 1), section("0", MediaKind::kVideo, 2)})));
  EXPECT_FALSE(createOffer(options({section("", MediaKind::kAudio, 1)})));
  auto noCodec = section("0", MediaKind::kVideo, 1);
  noCodec.codecs.clear();
  EXPECT_FALSE(createOffer(options({noCodec})));
  auto o = options({section("0", MediaKind::kAudio, 1)});
  o.icePwd = "has space";
  EXPECT_FALSE(createOffer(o));
}

TEST(SdpOffer, AcceptsABrowsersAnswer) {
  const auto offer = offerOf({section("0", MediaKind::kAudio, 1000), section("1", MediaKind::kVideo, 2000)});
  auto answer = browserAnswer(offer);
  answer.media[1].port = 0;  // rejected
  answer.bundleMids = std::vector<std::string>{"0"};
  auto accepted = checkAnswer(offer, answer);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->acceptedMids, std::vector<std::string>{"0"});
  EXPECT_EQ(accepted->remoteIceUfrag, "brws");
  EXPECT_EQ(accepted->remoteIcePwd, "browser-password-0123456");
}

TEST(SdpOffer, RefusesAnswersThatBreakTheOffer) {
  const auto offer = offerOf({section("0", MediaKind::kAudio, 1000), section("1", MediaKind::kVideo, 2000)});
  const std::vector<std::pair<std::string, std::function<void(SessionDescription&)>>> cases = {
      {"section", [](SessionDescription& a) { a.media.pop_back(); }},
      {"another mid", [](SessionDescription& a) { a.media[1].mid = "9"; }},
      {"sendrecv", [](SessionDescription& a) { a.media[0].direction = Direction::kSendRecv; }},
      {"payload type 100", [](SessionDescription& a) { a.media[1].codecs[0].payloadType = 100; }},
      {"BUNDLE", [](SessionDescription& a) { a.bundleMids = std::vector<std::string>{"0"}; }},
      {"fingerprint",
       [](SessionDescription& a) {
         a.media[0].fingerprints = {{"sha-1", "AA"}};
       }},
      {"ice-ufrag", [](SessionDescription& a) { a.media[0].iceUfrag.reset(); }},
      {"setup:passive", [](SessionDescription& a) { a.media[0].setup = Setup::kPassive; }},
  };
  for (const auto& [expected, breakIt] : cases) {
    auto answer = browserAnswer(offer);
    breakIt(answer);
    auto r = checkAnswer(offer, answer);
    ASSERT_FALSE(r.ok()) << expected;
    EXPECT_EQ(r.error().code, kInvalidSdp);
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace roomgate::media::sdp
