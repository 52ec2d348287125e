// The forwarding of a group room end to end in memory: a publisher's transport, the Router, and
// subscribers' transports, each with a WebRtcClient at the far end playing the browser.
#include "media/Router.hpp"

#include <gtest/gtest.h>

#include "media/Rtcp.hpp"
#include "media/Rtp.hpp"
#include "media/SdpOffer.hpp"
#include "support/Fakes.hpp"
#include "support/MediaPair.hpp"

namespace roomgate::media {
namespace {

using testing::MediaPair;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr uint32_t kPubSsrc = 0x1000, kPubRtx = 0x1001;
constexpr uint8_t kPubVp8 = 100, kPubRtxPt = 101;  // not the numbers we offer subscribers
constexpr uint8_t kPubMidId = 3, kPubAbsSendTimeId = 5;

sdp::Codec codec(uint8_t pt, std::string name, std::vector<std::string> feedback = {}) {
  sdp::Codec c;
  c.payloadType = pt;
  c.name = std::move(name);
  c.clockRate = 90000;
  c.rtcpFeedback = std::move(feedback);
  return c;
}

TrackSpec publisherVideo() {
  return {"alice:1",
          sdp::MediaKind::kVideo,
          kPubSsrc,
          kPubRtx,
          {{codec(kPubVp8, "VP8", {"nack", "nack pli", "goog-remb"}), kPubRtxPt}},
          {{kPubMidId, std::string(sdp::kExtMid), std::nullopt, ""},
           {kPubAbsSendTimeId, std::string(sdp::kExtAbsSendTime), std::nullopt, ""}}};
}

SubscriptionSpec subscription(uint32_t ssrc) {
  return {ssrc, ssrc + 1, sdp::subscriberCodecs(sdp::MediaKind::kVideo),
          sdp::subscriberExtensions(sdp::MediaKind::kVideo)};
}

// A VP8 packet of the publisher with the mid and abs-send-time extensions (one-byte form).
std::vector<uint8_t> vp8Packet(uint16_t seq, uint32_t ts, bool keyframe = false, uint32_t ssrc = kPubSsrc,
                               uint8_t pt = kPubVp8) {
  std::vector<uint8_t> p = {
      0x90, pt, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), static_cast<uint8_t>(ts >> 24),
      static_cast<uint8_t>(ts >> 16), static_cast<uint8_t>(ts >> 8), static_cast<uint8_t>(ts),
      static_cast<uint8_t>(ssrc >> 24), static_cast<uint8_t>(ssrc >> 16), static_cast<uint8_t>(ssrc >> 8),
      static_cast<uint8_t>(ssrc),
      // extension block: 0xBEDE, 2 words: mid "1" (id 3, 1 byte), abs-send-time (id 5, 3 bytes)
      0xBE, 0xDE, 0x00, 0x02, static_cast<uint8_t>(kPubMidId << 4), '1',
      static_cast<uint8_t>(kPubAbsSendTimeId << 4 | 2), 0x01, 0x02, 0x03, 0x00, 0x00};
  // VP8 descriptor: S=1, PID 0; then a frame header whose P bit says key frame or not, and a start code.
  p.push_back(0x10);
  p.insert(p.end(), {static_cast<uint8_t>(keyframe ? 0x00 : 0x01), 0x00, 0x00, 0x9d, 0x01, 0x2a});
  for (int i = 0; i < 100; ++i) p.push_back(static_cast<uint8_t>(seq + i));
  return p;
}

class RouterTest : public ::testing::Test {
 protected:
  testing::FakeRandom random;
  Router router{random};
  MediaPair alice{"alice"}, bob{"bob"}, carol{"carol"};
  Clock::time_point now{};

  void SetUp() override {
    for (MediaPair* p : {&alice, &bob, &carol}) {
      ASSERT_TRUE(p->connect());
      p->onServerRtp = [this, p](std::span<uint8_t> b, std::size_t n) {
        router.onRtp(p->transport, b, n, now);
      };
      p->onServerRtcp = [this, p](std::span<uint8_t> b, std::size_t n) {
        router.onRtcp(p->transport, b.first(n), now);
      };
    }
    ASSERT_TRUE(router.addTrack(alice.transport, publisherVideo()));
    ASSERT_TRUE(router.subscribe("alice:1", bob.transport, subscription(0xB000), now));
    ASSERT_TRUE(router.subscribe("alice:1", carol.transport, subscription(0xC000), now));
    pumpAll();
  }
  void pumpAll() {
    for (MediaPair* p : {&alice, &bob, &carol}) p->pump(now);
    for (MediaPair* p : {&alice, &bob, &carol}) p->pump(now);
  }
  // The PLIs the publisher's browser received so far.
  int plisAtAlice() {
    int n = 0;
    for (const auto& c : alice.clientRtcp) {
      RtcpCompoundReader reader(c);
      while (auto p = reader.next())
        if (p->type == rtcp_type::kPayloadFeedback && p->count == rtcp_fmt::kPli &&
            parsePli(*p)->mediaSsrc == kPubSsrc)
          ++n;
    }
    return n;
  }
};

TEST_F(RouterTest, EachSubscriberGetsItsOwnContinuousCopy) {
  for (uint16_t seq = 100; seq < 110; ++seq)
    ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(seq, 9000 + seq * 3000)));
  pumpAll();
  for (MediaPair* sub : {&bob, &carol}) {
    ASSERT_EQ(sub->clientRtp.size(), 10u);
    const uint32_t ssrc = sub == &bob ? 0xB000 : 0xC000;
    std::optional<uint16_t> previous;
    for (const auto& bytes : sub->clientRtp) {
      auto p = parseRtp(bytes);
      ASSERT_TRUE(p.ok());
      EXPECT_EQ(p->ssrc, ssrc);
      EXPECT_EQ(p->payloadType, sdp::kOfferVp8Pt) << "the subscriber's payload type";
      if (previous) {
        EXPECT_EQ(p->sequenceNumber, static_cast<uint16_t>(*previous + 1));
      }
      previous = p->sequenceNumber;
      // abs-send-time under the subscriber's id (2), the publisher's mid under an id it never negotiated.
      EXPECT_TRUE(readExtension(bytes, *p, 2).has_value());
      EXPECT_FALSE(readExtension(bytes, *p, kPubMidId).has_value());
    }
  }
  // Payloads are untouched.
  const auto sent = vp8Packet(105, 0);
  const auto& got = bob.clientRtp[5];
  EXPECT_EQ(std::vector<uint8_t>(got.end() - 107, got.end()),
            std::vector<uint8_t>(sent.end() - 107, sent.end()));
  EXPECT_EQ(router.counters().packetsForwarded, 20u);
}

TEST_F(RouterTest, ASubscribersNackIsAnsweredWithRtx) {
  for (uint16_t seq = 100; seq < 105; ++seq) ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(seq, seq * 3000)));
  pumpAll();
  ASSERT_EQ(bob.clientRtp.size(), 5u);
  const auto lost = parseRtp(bob.clientRtp[2]).value();
  const std::array<uint16_t, 1> seqs{lost.sequenceNumber};
  ASSERT_TRUE(bob.clientSendsRtcp(buildNack(0xB0B, 0xB000, seqs)));
  pumpAll();
  ASSERT_EQ(bob.clientRtp.size(), 6u);
  const auto& rtxBytes = bob.clientRtp.back();
  const auto rtx = parseRtp(rtxBytes).value();
  EXPECT_EQ(rtx.ssrc, 0xB001u);
  EXPECT_EQ(rtx.payloadType, sdp::kOfferVp8RtxPt);
  EXPECT_EQ(rtxBytes[rtx.payloadOffset] << 8 | rtxBytes[rtx.payloadOffset + 1], lost.sequenceNumber) << "OSN";
  EXPECT_EQ(router.counters().nacksReceived, 1u);
  EXPECT_EQ(router.counters().retransmissionsSent, 1u);
  EXPECT_TRUE(carol.clientRtp.size() == 5u) << "only the one who asked gets it";
}

TEST_F(RouterTest, SubscribersPlisBecomeAtMostOneRequestPerSecondUntilAKeyFrame) {
  EXPECT_EQ(plisAtAlice(), 1) << "a new subscriber's first picture was asked for at once";
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(1, 3000, /*keyframe=*/true)));
  pumpAll();
  now += milliseconds(1100);
  for (MediaPair* sub : {&bob, &carol})
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(sub->clientSendsRtcp(buildPli(0x5, sub == &bob ? 0xB000 : 0xC000)));
  pumpAll();
  EXPECT_EQ(plisAtAlice(), 2) << "six PLIs, one request";
  EXPECT_EQ(router.counters().plisReceived, 6u);
  now += milliseconds(100);
  ASSERT_TRUE(bob.clientSendsRtcp(buildPli(0x5, 0xB000)));
  pumpAll();
  EXPECT_EQ(plisAtAlice(), 2) << "throttled";
}

TEST_F(RouterTest, PublisherRtxIsRestoredAndLossIsNackedToThePublisher) {
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(200, 1000)));
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(202, 7000)));  // 201 lost on the way in
  pumpAll();
  now += milliseconds(30);
  router.tick(now);
  pumpAll();
  bool nacked = false;
  for (const auto& c : alice.clientRtcp) {
    RtcpCompoundReader reader(c);
    while (auto p = reader.next())
      if (p->type == rtcp_type::kRtpFeedback && p->count == rtcp_fmt::kNack) {
        auto nack = parseNack(*p);
        nacked = nack && nack->mediaSsrc == kPubSsrc && nack->lost == std::vector<uint16_t>{201};
      }
  }
  EXPECT_TRUE(nacked);
  EXPECT_EQ(router.counters().nacksSent, 1u);
  // The publisher answers with RTX: OSN 201, then the original payload.
  auto original = vp8Packet(201, 4000);
  auto rtx = original;
  rtx[1] = kPubRtxPt;
  rtx[2] = 0;
  rtx[3] = 7;
  rtx[8] = kPubRtx >> 24, rtx[9] = (kPubRtx >> 16) & 0xFF, rtx[10] = (kPubRtx >> 8) & 0xFF,
  rtx[11] = kPubRtx & 0xFF;
  const std::size_t payload = 12 + 12;  // header + extension block
  rtx.insert(rtx.begin() + payload, {0, 201});
  ASSERT_TRUE(alice.clientSendsRtp(rtx));
  pumpAll();
  ASSERT_EQ(bob.clientRtp.size(), 3u);
  const auto a = parseRtp(bob.clientRtp[0]).value(), b = parseRtp(bob.clientRtp[1]).value(),
             c = parseRtp(bob.clientRtp[2]).value();
  EXPECT_EQ(c.ssrc, 0xB000u);
  EXPECT_EQ(c.sequenceNumber, static_cast<uint16_t>(a.sequenceNumber + 1))
      << "201 fills the gap between 200 and 202";
  EXPECT_EQ(b.sequenceNumber, static_cast<uint16_t>(a.sequenceNumber + 2));
  EXPECT_EQ(std::vector<uint8_t>(bob.clientRtp[2].end() - 107, bob.clientRtp[2].end()),
            std::vector<uint8_t>(original.end() - 107, original.end()));
  EXPECT_EQ(router.counters().rtxRecovered, 1u);
}

TEST_F(RouterTest, SenderReportsAreRelayedWithTheSubscribersSsrcAndTimestamp) {
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(100, 50'000)));
  pumpAll();
  const auto forwarded = parseRtp(bob.clientRtp.at(0)).value();
  ASSERT_TRUE(
      alice.clientSendsRtcp(buildSenderReport({kPubSsrc, 0x0123456789ABCDEFull, 53'000, 10, 1000, {}})));
  pumpAll();
  std::optional<RtcpSenderReport> relayed;
  for (const auto& c : bob.clientRtcp) {
    RtcpCompoundReader reader(c);
    while (auto p = reader.next())
      if (p->type == rtcp_type::kSenderReport) relayed = parseSenderReport(*p).value();
  }
  ASSERT_TRUE(relayed);
  EXPECT_EQ(relayed->senderSsrc, 0xB000u);
  EXPECT_EQ(relayed->ntpTimestamp, 0x0123456789ABCDEFull);
  EXPECT_EQ(relayed->rtpTimestamp, forwarded.timestamp + 3000) << "same offset as the media";
}

TEST_F(RouterTest, ALeavingPublisherTakesItsTracksAndSubscriptionsAlong) {
  EXPECT_EQ(router.trackCount(), 1u);
  EXPECT_EQ(router.subscriptionCount(), 2u);
  router.removeTransport(bob.transport);
  EXPECT_EQ(router.subscriptionCount(), 1u);
  router.removeTransport(alice.transport);
  EXPECT_EQ(router.trackCount(), 0u);
  EXPECT_EQ(router.subscriptionCount(), 0u);
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(1, 1)));
  pumpAll();
  EXPECT_TRUE(carol.clientRtp.empty());
  EXPECT_EQ(router.counters().dropped, 1u) << "an SSRC no track has";
}

}  // namespace
}  // namespace roomgate::media
