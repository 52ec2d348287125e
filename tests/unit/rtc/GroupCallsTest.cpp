// The signaling side of group rooms, with a fake media thread: who publishes, who is offered what, and
// what the media thread is asked to do as people publish, answer, leave and lose their connections.
#include "rtc/GroupCalls.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/FakePeer.hpp"
#include "support/SdpFixtures.hpp"

namespace roomgate::rtc {
namespace {

using testing::FakePeer;

// Records the calls the media thread would get.
class FakeSfu final : public media::SfuControl {
 public:
  struct Published {
    std::string room, sid;
    media::TransportParams params;
    std::vector<media::TrackSpec> tracks;
  };
  void publish(const std::string& room, const std::string& sid, media::TransportParams params,
               std::vector<media::TrackSpec> tracks) override {
    published.push_back({room, sid, std::move(params), std::move(tracks)});
  }
  void openSubscriber(const std::string&, const std::string& sid, media::TransportParams params) override {
    subscribers.emplace_back(sid, std::move(params));
  }
  void subscribe(const std::string&, const std::string& sid, const std::string& trackId,
                 media::SubscriptionSpec spec) override {
    subscriptions.push_back({sid, trackId, spec.ssrc});
  }
  void leave(const std::string&, const std::string& sid) override { left.push_back(sid); }

  struct Subscribed {
    std::string sid, trackId;
    uint32_t ssrc;
  };
  std::vector<Published> published;
  std::vector<std::pair<std::string, media::TransportParams>> subscribers;
  std::vector<Subscribed> subscriptions;
  std::vector<std::string> left;
};

class CountingRandom final : public Random {
 public:
  void fill(std::span<std::byte> out) override {
    for (auto& b : out) b = static_cast<std::byte>(++n);
  }
  uint8_t n = 0;
};

std::string chromiumOffer() {
  std::ifstream in(std::string(ROOMGATE_SOURCE_DIR) + "/tests/unit/media/fixtures/chromium-offer.sdp",
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class GroupCallsTest : public ::testing::Test {
 protected:
  // The page's answer to its latest subscribeOffer.
  std::string answerOf(const FakePeer& peer) {
    const auto offers = peer.ofType("subscribeOffer");
    EXPECT_FALSE(offers.empty());
    auto offer = media::sdp::parse(offers.empty() ? "" : offers.back()["sdp"].get<std::string>());
    EXPECT_TRUE(offer.ok());
    return media::sdp::serialize(testing::browserAnswer(*offer, /*everything=*/true));
  }

  FakeSfu sfu;
  CountingRandom random;
  GroupCalls calls{sfu, random, {std::string(95, 'A'), "203.0.113.7", 40000}};
  FakePeer ann, bob, cat;
};

TEST_F(GroupCallsTest, APublishIsAnsweredAndOfferedToEveryoneElse) {
  calls.joined("RM1", "PAann", &ann);
  calls.joined("RM1", "PAbob", &bob);
  EXPECT_TRUE(ann.ofType("subscribeOffer").empty()) << "nothing to receive yet";

  calls.publish("PAann", chromiumOffer());
  ASSERT_EQ(ann.ofType("publishAnswer").size(), 1u)
      << (ann.received.empty() ? "" : ann.received.back().dump());
  auto answer = media::sdp::parse(ann.ofType("publishAnswer")[0]["sdp"].get<std::string>());
  ASSERT_TRUE(answer.ok());
  for (const auto& m : answer->media)
    if (m.port != 0) {
      EXPECT_EQ(answer->directionOf(m), media::sdp::Direction::kRecvOnly);
    }
  ASSERT_EQ(sfu.published.size(), 1u);
  EXPECT_EQ(sfu.published[0].sid, "PAann");
  ASSERT_EQ(sfu.published[0].tracks.size(), 2u) << "audio and video";
  EXPECT_FALSE(sfu.published[0].params.remoteFingerprint.empty());

  // Bob is offered ann's two tracks; ann is offered nothing of her own.
  ASSERT_EQ(bob.ofType("subscribeOffer").size(), 1u);
  EXPECT_TRUE(ann.ofType("subscribeOffer").empty());
  const auto offer = bob.ofType("subscribeOffer")[0];
  EXPECT_EQ(offer["connection"], 1);
  calls.subscribeAnswer("PAbob", answerOf(bob));
  ASSERT_EQ(sfu.subscribers.size(), 1u) << "the first answer opens bob's subscriber transport";
  EXPECT_EQ(sfu.subscribers[0].first, "PAbob");
  EXPECT_EQ(sfu.subscribers[0].second.remoteUfrag, "brws");
  ASSERT_EQ(sfu.subscriptions.size(), 2u);
  for (const auto& s : sfu.subscriptions) {
    EXPECT_EQ(s.sid, "PAbob");
    EXPECT_TRUE(s.trackId.starts_with("PAann:"));
  }

  // A newcomer is offered what is there at once.
  calls.joined("RM1", "PAcat", &cat);
  ASSERT_EQ(cat.ofType("subscribeOffer").size(), 1u);
}

TEST_F(GroupCallsTest, ALeaverIsWithdrawnFromEveryoneAndItsMediaClosed) {
  calls.joined("RM1", "PAann", &ann);
  calls.joined("RM1", "PAbob", &bob);
  calls.publish("PAann", chromiumOffer());
  calls.subscribeAnswer("PAbob", answerOf(bob));

  calls.left("PAann");
  EXPECT_EQ(sfu.left, std::vector<std::string>{"PAann"});
  ASSERT_EQ(bob.ofType("subscribeOffer").size(), 2u) << "the renegotiation that takes ann's tracks away";
  auto offer = media::sdp::parse(bob.ofType("subscribeOffer")[1]["sdp"].get<std::string>());
  ASSERT_TRUE(offer.ok());
  for (const auto& m : offer->media) EXPECT_EQ(m.direction, media::sdp::Direction::kInactive);
  calls.left("PAann");  // idempotent
  EXPECT_EQ(sfu.left.size(), 1u);
  EXPECT_EQ(calls.participantCount(), 1u);
}

TEST_F(GroupCallsTest, RepublishingReplacesTheTracksEverywhere) {
  calls.joined("RM1", "PAann", &ann);
  calls.joined("RM1", "PAbob", &bob);
  calls.publish("PAann", chromiumOffer());
  calls.subscribeAnswer("PAbob", answerOf(bob));
  calls.publish("PAann", chromiumOffer());
  ASSERT_EQ(sfu.published.size(), 2u);
  EXPECT_NE(sfu.published[0].tracks[0].id, sfu.published[1].tracks[0].id) << "new track ids";
  // Bob's offer: the old sections inactive; the new tracks follow once he answers.
  calls.subscribeAnswer("PAbob", answerOf(bob));
  calls.subscribeAnswer("PAbob", answerOf(bob));
  std::size_t newOnes = 0;
  for (const auto& s : sfu.subscriptions)
    if (s.trackId.starts_with("PAann:2:")) ++newOnes;
  EXPECT_EQ(newOnes, 2u);
}

TEST_F(GroupCallsTest, BadOffersAndAnswersAreAnsweredWithErrorsAndChangeNothing) {
  calls.joined("RM1", "PAann", &ann);
  calls.publish("PAann", "v=0\r\nnonsense");
  calls.subscribeAnswer("PAann", "v=0");
  const auto errors = ann.ofType("error");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["code"], "invalid_sdp");
  EXPECT_EQ(errors[1]["code"], "no_offer");
  EXPECT_TRUE(sfu.published.empty());
  EXPECT_FALSE(ann.closed) << "the socket stays open";
}

TEST_F(GroupCallsTest, ALostSubscriberConnectionIsOfferedAgainOnANewOne) {
  calls.joined("RM1", "PAann", &ann);
  calls.joined("RM1", "PAbob", &bob);
  calls.publish("PAann", chromiumOffer());
  calls.subscribeAnswer("PAbob", answerOf(bob));

  calls.mediaClosed("PAbob", media::TransportRole::kSubscriber, "ICE consent expired");
  ASSERT_EQ(bob.ofType("mediaClosed").size(), 1u);
  EXPECT_EQ(bob.ofType("mediaClosed")[0]["role"], "subscriber");
  const auto offers = bob.ofType("subscribeOffer");
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[1]["connection"], 2) << "for a new RTCPeerConnection";
  calls.subscribeAnswer("PAbob", answerOf(bob));
  EXPECT_EQ(sfu.subscribers.size(), 2u) << "a new subscriber transport";

  // A lost publisher: its tracks leave bob; ann is told to publish again.
  calls.mediaClosed("PAann", media::TransportRole::kPublisher, "ICE consent expired");
  EXPECT_EQ(ann.ofType("mediaClosed")[0]["role"], "publisher");
  EXPECT_EQ(bob.ofType("subscribeOffer").size(), 3u);
}

}  // namespace
}  // namespace roomgate::rtc
