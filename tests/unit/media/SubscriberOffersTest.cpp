// One subscriber's renegotiations: tracks added and removed become offers, one at a time; answers start
// the forwarding; sections are reused only once the browser has seen them inactive.
#include "media/SubscriberOffers.hpp"

#include <gtest/gtest.h>

#include "support/SdpFixtures.hpp"

namespace roomgate::media {
namespace {

using sdp::Direction;
using sdp::MediaKind;

sdp::LocalTransport transport() {
  sdp::LocalTransport t;
  testing::fillTestTransport(t);
  return t;
}

OfferedTrack track(std::string id, MediaKind kind, uint32_t ssrc) {
  return {std::move(id), "PAann", kind, ssrc, ssrc + 1};
}

sdp::SessionDescription parsed(const Result<std::string>& text) {
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : text.error().message);
  auto d = sdp::parse(text.ok() ? *text : "");
  EXPECT_TRUE(d.ok());
  return d.ok() ? *d : sdp::SessionDescription{};
}

// Answers the offer as a browser taking every codec and extension.
Result<AppliedAnswer> answer(SubscriberOffers& offers, const sdp::SessionDescription& offer,
                             const std::string& ufrag = "brws") {
  return offers.applyAnswer(sdp::serialize(testing::browserAnswer(offer, /*everything=*/true, ufrag)));
}

TEST(SubscriberOffers, NothingIsOfferedBeforeATrackComes) {
  SubscriberOffers offers(transport());
  EXPECT_FALSE(offers.changed());
  EXPECT_FALSE(offers.makeOffer().ok());
  EXPECT_EQ(offers.applyAnswer("v=0").error().code, "no_offer");
}

TEST(SubscriberOffers, OffersATrackUnderItsPublishersStreamAndStartsItWithTheAnswer) {
  SubscriberOffers offers(transport());
  ASSERT_TRUE(offers.add(track("PAann:1:0", MediaKind::kAudio, 1000)));
  ASSERT_TRUE(offers.add(track("PAann:1:1", MediaKind::kVideo, 2000)));
  EXPECT_FALSE(offers.add(track("PAann:1:1", MediaKind::kVideo, 3000))) << "offered already";
  const auto offer = parsed(offers.makeOffer());
  ASSERT_EQ(offer.media.size(), 2u);
  const auto& video = offer.media[1];
  EXPECT_EQ(video.direction, Direction::kSendOnly);
  ASSERT_EQ(video.msids.size(), 1u);
  EXPECT_EQ(video.msids[0].streamId, "PAann") << "the page finds the tile by the stream id";
  EXPECT_EQ(video.msids[0].trackId, "PAann:1:1");
  ASSERT_NE(video.findSsrc(2000), nullptr);
  ASSERT_NE(video.findSsrc(2001), nullptr) << "RTX";
  EXPECT_TRUE(offers.awaitingAnswer());

  auto applied = answer(offers, offer);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_TRUE(applied->first);
  EXPECT_EQ(applied->accepted.remoteIceUfrag, "brws");
  ASSERT_EQ(applied->subscribe.size(), 2u);
  const auto& v = applied->subscribe[1];
  EXPECT_EQ(v.trackId, "PAann:1:1");
  EXPECT_EQ(v.spec.ssrc, 2000u);
  EXPECT_EQ(v.spec.rtxSsrc, 2001u);
  ASSERT_FALSE(v.spec.codecs.empty());
  EXPECT_EQ(v.spec.codecs[0].codec.payloadType, sdp::kOfferVp8Pt);
  EXPECT_EQ(v.spec.codecs[0].rtxPayloadType, sdp::kOfferVp8RtxPt);
  EXPECT_EQ(v.spec.extensions, sdp::subscriberExtensions(MediaKind::kVideo));
  EXPECT_FALSE(applied->subscribe[0].spec.rtxSsrc) << "no RTX for audio";
  EXPECT_FALSE(offers.awaitingAnswer());
  EXPECT_FALSE(offers.changed());
}

TEST(SubscriberOffers, WithoutRtxInTheAnswerTheSubscriptionHasNone) {
  SubscriberOffers offers(transport());
  offers.add(track("PAann:1:1", MediaKind::kVideo, 2000));
  const auto offer = parsed(offers.makeOffer());
  auto applied = offers.applyAnswer(sdp::serialize(testing::browserAnswer(offer)));  // VP8 only
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->subscribe.size(), 1u);
  EXPECT_FALSE(applied->subscribe[0].spec.rtxSsrc);
  EXPECT_FALSE(applied->subscribe[0].spec.codecs[0].rtxPayloadType);
}

TEST(SubscriberOffers, ChangesWhileAnOfferIsOutGoIntoTheNextOne) {
  SubscriberOffers offers(transport());
  offers.add(track("a", MediaKind::kVideo, 10));
  const auto first = parsed(offers.makeOffer());
  offers.add(track("b", MediaKind::kVideo, 20));
  EXPECT_TRUE(offers.changed());
  EXPECT_FALSE(offers.makeOffer().ok()) << "one offer at a time";
  auto applied = answer(offers, first);
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->subscribe.size(), 1u);
  EXPECT_EQ(applied->subscribe[0].trackId, "a");
  ASSERT_TRUE(offers.changed());
  const auto second = parsed(offers.makeOffer());
  ASSERT_EQ(second.media.size(), 2u);
  EXPECT_GT(second.origin.sessionVersion, first.origin.sessionVersion);
  EXPECT_EQ(second.origin.sessionId, first.origin.sessionId);
  auto again = answer(offers, second);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->first);
  ASSERT_EQ(again->subscribe.size(), 1u) << "a is running already";
  EXPECT_EQ(again->subscribe[0].trackId, "b");
}

TEST(SubscriberOffers, ALeavingTrackGoesInactiveAndItsSectionIsReusedOnlyAfterTheBrowserSawThat) {
  SubscriberOffers offers(transport());
  offers.add(track("a", MediaKind::kVideo, 10));
  ASSERT_TRUE(answer(offers, parsed(offers.makeOffer())).ok());

  ASSERT_TRUE(offers.remove("a"));
  EXPECT_FALSE(offers.remove("a"));
  const auto removal = parsed(offers.makeOffer());
  ASSERT_EQ(removal.media.size(), 1u);
  EXPECT_EQ(removal.media[0].direction, Direction::kInactive);
  EXPECT_TRUE(removal.media[0].ssrcs.empty());

  // Before the answer, the section is not free yet: a new track gets a new one.
  offers.add(track("b", MediaKind::kVideo, 20));
  ASSERT_TRUE(answer(offers, removal).ok());
  const auto next = parsed(offers.makeOffer());
  ASSERT_EQ(next.media.size(), 2u);
  EXPECT_EQ(next.media[0].direction, Direction::kInactive);
  EXPECT_EQ(next.media[1].direction, Direction::kSendOnly);
  ASSERT_TRUE(answer(offers, next).ok());

  // Now it is free: the next video track takes it over with its own SSRCs; audio does not.
  offers.add(track("c", MediaKind::kAudio, 30));
  offers.add(track("d", MediaKind::kVideo, 40));
  const auto reuse = parsed(offers.makeOffer());
  ASSERT_EQ(reuse.media.size(), 3u);
  EXPECT_EQ(reuse.media[0].mid, "0");
  EXPECT_NE(reuse.media[0].findSsrc(40), nullptr);
  EXPECT_EQ(reuse.media[2].kind, MediaKind::kAudio);
}

TEST(SubscriberOffers, ATrackThatLeftWhileItsOfferWasOutIsNotStarted) {
  SubscriberOffers offers(transport());
  offers.add(track("a", MediaKind::kVideo, 10));
  const auto offer = parsed(offers.makeOffer());
  offers.remove("a");
  auto applied = answer(offers, offer);
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->subscribe.empty());
  EXPECT_TRUE(offers.changed()) << "the removal is still to be offered";
}

TEST(SubscriberOffers, RefusesAnAnswerThatChangesTheBrowsersTransportAndKeepsTheOfferOut) {
  SubscriberOffers offers(transport());
  offers.add(track("a", MediaKind::kVideo, 10));
  ASSERT_TRUE(answer(offers, parsed(offers.makeOffer())).ok());
  offers.add(track("b", MediaKind::kVideo, 20));
  const auto offer = parsed(offers.makeOffer());
  auto refused = answer(offers, offer, "othr");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, sdp::kInvalidSdp);
  EXPECT_TRUE(offers.awaitingAnswer());
  EXPECT_FALSE(offers.applyAnswer("not sdp").ok());
  EXPECT_TRUE(offers.awaitingAnswer());
  EXPECT_TRUE(answer(offers, offer).ok());
}

TEST(SubscriberOffers, StopsAtTheSectionLimit) {
  SubscriberOffers offers(transport());
  for (std::size_t i = 0; i < sdp::kMaxMediaSections; ++i)
    ASSERT_TRUE(offers.add(track("t" + std::to_string(i), MediaKind::kAudio, 100 + 2 * i)));
  EXPECT_FALSE(offers.add(track("one-more", MediaKind::kAudio, 1)));
  EXPECT_EQ(offers.sectionCount(), sdp::kMaxMediaSections);
  EXPECT_TRUE(offers.makeOffer().ok()) << "an offer at the limit still parses";
}

}  // namespace
}  // namespace roomgate::media
