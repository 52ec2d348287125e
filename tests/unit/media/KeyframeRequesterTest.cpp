#include "media/KeyframeRequester.hpp"

#include <gtest/gtest.h>

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
const auto kT0 = std::chrono::steady_clock::time_point{} + 1000s;
constexpr KeyframeRequest kPli{KeyframeRequestKind::Pli, 0};

KeyframeRequest fir(uint8_t sequence) {
  return {KeyframeRequestKind::Fir, sequence};
}

TEST(KeyframeRequester, NothingIsSentUnasked) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  EXPECT_FALSE(k.tick(kT0));
  EXPECT_FALSE(k.tick(kT0 + 10s));
  EXPECT_FALSE(k.wanted());
}

TEST(KeyframeRequester, FirstSubscriberRequestGoesAtOnce) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  EXPECT_EQ(k.onSubscriberRequest(kT0), kPli);
  EXPECT_TRUE(k.wanted());
  EXPECT_EQ(k.requestsSent(), 1u);
}

TEST(KeyframeRequester, SubscribersRequestsMergeToOnePerInterval) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  ASSERT_TRUE(k.onSubscriberRequest(kT0));
  k.onKeyframe(kT0 + 100ms);
  // Other subscribers ask again soon after: the publisher makes at most one key frame per interval.
  EXPECT_FALSE(k.onSubscriberRequest(kT0 + 200ms));
  EXPECT_FALSE(k.onSubscriberRequest(kT0 + 300ms));
  EXPECT_FALSE(k.tick(kT0 + kKeyframeRequestInterval - 1ms));
  EXPECT_EQ(k.tick(kT0 + kKeyframeRequestInterval), kPli);  // the held-back request
  EXPECT_EQ(k.requestsSent(), 2u);
}

TEST(KeyframeRequester, KeyframeClearsAHeldBackRequest) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  ASSERT_TRUE(k.onSubscriberRequest(kT0));
  k.onKeyframe(kT0 + 100ms);
  EXPECT_FALSE(k.onSubscriberRequest(kT0 + 200ms));
  k.onKeyframe(kT0 + 500ms);  // a periodic key frame answered it
  EXPECT_FALSE(k.wanted());
  EXPECT_FALSE(k.tick(kT0 + 2s));
}

TEST(KeyframeRequester, UnansweredRequestIsRepeatedAfterTheRerequestDelay) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  ASSERT_TRUE(k.onSubscriberRequest(kT0));
  EXPECT_FALSE(k.tick(kT0 + kKeyframeRerequestDelay - 1ms));
  EXPECT_EQ(k.tick(kT0 + kKeyframeRerequestDelay), kPli);
  EXPECT_FALSE(k.onSubscriberRequest(kT0 + kKeyframeRerequestDelay + 1ms));  // still spaced
  k.onKeyframe(kT0 + kKeyframeRerequestDelay + 50ms);
  EXPECT_FALSE(k.tick(kT0 + 5s));
}

TEST(KeyframeRequester, ASilentPublisherIsAskedOncePerIntervalAfterAFewFastRetries) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  auto t = kT0;
  ASSERT_TRUE(k.onSubscriberRequest(t));
  for (int i = 0; i < kMaxFastRerequests; ++i) {
    t += kKeyframeRerequestDelay;
    ASSERT_TRUE(k.tick(t)) << i;
  }
  EXPECT_FALSE(k.tick(t + kKeyframeRerequestDelay));
  EXPECT_FALSE(k.tick(t + kKeyframeRequestInterval - 1ms));
  EXPECT_TRUE(k.tick(t + kKeyframeRequestInterval));
  EXPECT_FALSE(k.tick(t + kKeyframeRequestInterval + kKeyframeRerequestDelay));
  EXPECT_TRUE(k.tick(t + 2 * kKeyframeRequestInterval));
}

TEST(KeyframeRequester, NewSubscriberIsServedAtOnceWhenTheLastKeyFrameWentByBeforeIt) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  ASSERT_TRUE(k.onSubscriberRequest(kT0));
  k.onKeyframe(kT0 + 100ms);
  // A new subscriber's transport connects after that key frame went by: it needs its own, now (issue 12:
  // waiting out the re-request delay made a new viewer's first picture ~400 ms late).
  EXPECT_EQ(k.requestNow(kT0 + 200ms), kPli);
  EXPECT_EQ(k.requestsSent(), 2u);
  EXPECT_FALSE(k.tick(kT0 + 300ms)) << "one request, not a stream of them";
}

TEST(KeyframeRequester, NewSubscriberWhileAKeyFrameIsOnItsWayWaitsForThatOne) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  ASSERT_TRUE(k.onSubscriberRequest(kT0));  // unanswered: a key frame is coming
  EXPECT_FALSE(k.requestNow(kT0 + 50ms));
  k.onKeyframe(kT0 + 120ms);  // it serves the new subscriber too
  EXPECT_FALSE(k.tick(kT0 + kKeyframeRerequestDelay));
  EXPECT_EQ(k.requestsSent(), 1u);
  // Had it not come, the new subscriber's request goes as a re-request.
  KeyframeRequester lost(KeyframeRequestKind::Pli);
  ASSERT_TRUE(lost.onSubscriberRequest(kT0));
  EXPECT_FALSE(lost.requestNow(kT0 + 50ms));
  EXPECT_EQ(lost.tick(kT0 + kKeyframeRerequestDelay), kPli);
}

TEST(KeyframeRequester, NewSubscriberOnAQuietStreamGoesAtOnce) {
  KeyframeRequester k(KeyframeRequestKind::Pli);
  EXPECT_EQ(k.requestNow(kT0), kPli);
  // A second joiner while that request is in flight shares its key frame.
  EXPECT_FALSE(k.requestNow(kT0 + 50ms));
  k.onKeyframe(kT0 + 100ms);
  EXPECT_FALSE(k.tick(kT0 + 3s));
  EXPECT_EQ(k.requestsSent(), 1u);
}

TEST(KeyframeRequester, FirSequenceIncrementsPerNewRequestAndRepeatsKeepIt) {
  KeyframeRequester k(KeyframeRequestKind::Fir);
  EXPECT_EQ(k.onSubscriberRequest(kT0), fir(1));
  EXPECT_EQ(k.tick(kT0 + kKeyframeRerequestDelay), fir(1));  // a repeat of the same request
  k.onKeyframe(kT0 + 500ms);
  EXPECT_EQ(k.onSubscriberRequest(kT0 + 2s), fir(2));
}

TEST(KeyframeRequester, FirSequenceWraps) {
  KeyframeRequester k(KeyframeRequestKind::Fir);
  auto t = kT0;
  for (int i = 1; i <= 256; ++i) {
    ASSERT_EQ(k.onSubscriberRequest(t), fir(static_cast<uint8_t>(i)));
    k.onKeyframe(t);
    t += kKeyframeRequestInterval;
  }
  EXPECT_EQ(k.onSubscriberRequest(t), fir(1));
}

}  // namespace
}  // namespace roomgate::media
