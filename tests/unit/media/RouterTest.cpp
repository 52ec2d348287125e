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

// The packet an RTX packet retransmits (RFC 4588 4): the OSN as seq, the media SSRC and payload type.
std::vector<uint8_t> unwrapRtx(const std::vector<uint8_t>& rtx, uint32_t ssrc, uint8_t pt) {
  const auto p = parseRtp(rtx).value();
  const auto payload = rtx.begin() + static_cast<std::ptrdiff_t>(p.payloadOffset);
  std::vector<uint8_t> out(rtx.begin(), payload);
  out.insert(out.end(), payload + 2, payload + static_cast<std::ptrdiff_t>(p.payloadSize));
  setSsrc(out, ssrc);
  setSequenceNumber(out, static_cast<uint16_t>(payload[0] << 8 | payload[1]));
  setPayloadType(out, pt);
  return out;
}

uint16_t seqOf(const std::vector<uint8_t>& packet) {
  return parseRtp(packet).value().sequenceNumber;
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
  void publish(uint16_t from, uint16_t to) {
    for (uint16_t seq = from; seq != to; ++seq)
      ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(seq, seq * 3000u)));
    pumpAll();
  }
  void nack(MediaPair& sub, uint32_t ssrc, std::vector<uint16_t> seqs) {
    ASSERT_TRUE(sub.clientSendsRtcp(buildNack(0x5, ssrc, seqs)));
    pumpAll();
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

TEST_F(RouterTest, ThePublisherGetsAReceiverReportPerTrackEverySecond) {
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(300, 1000)));
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(302, 7000)));  // 301 lost on the way in
  ASSERT_TRUE(alice.clientSendsRtcp(buildSenderReport({kPubSsrc, 0x0000AAAABBBB0000ull, 7000, 2, 200, {}})));
  pumpAll();
  auto reports = [&] {
    std::vector<RtcpReportBlock> blocks;
    for (const auto& c : alice.clientRtcp) {
      RtcpCompoundReader reader(c);
      while (auto p = reader.next())
        if (p->type == rtcp_type::kReceiverReport) {
          const auto rr = parseReceiverReport(*p);
          if (rr) blocks.insert(blocks.end(), rr->reports.begin(), rr->reports.end());
        }
    }
    return blocks;
  };
  router.tick(now);
  pumpAll();
  auto blocks = reports();
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].ssrc, kPubSsrc);
  EXPECT_EQ(blocks[0].highestSequence, 302u);
  EXPECT_EQ(blocks[0].cumulativeLost, 1);
  EXPECT_GT(blocks[0].fractionLost, 0);
  EXPECT_EQ(blocks[0].lastSr, 0xAAAABBBBu) << "the publisher's browser computes its RTT from this";
  router.tick(now + milliseconds(500));
  pumpAll();
  EXPECT_EQ(reports().size(), 1u) << "not before a second has passed";
  router.tick(now + milliseconds(1000));
  pumpAll();
  EXPECT_EQ(reports().size(), 2u);
  EXPECT_EQ(router.counters().receiverReportsSent, 2u);
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

TEST_F(RouterTest, OneHeldPacketAnswersTwoSubscribersEachInItsOwnNumberingAsRtxOrPlain) {
  router.unsubscribe("alice:1", carol.transport);
  SubscriptionSpec plain = subscription(0xC100);
  plain.rtxSsrc.reset();
  ASSERT_TRUE(router.subscribe("alice:1", carol.transport, plain, now));
  publish(100, 102);
  bob.loseToClient(1);
  carol.loseToClient(1);
  publish(102, 105);  // 102 lost on the way to both
  ASSERT_EQ(bob.clientRtp.size(), 4u);
  ASSERT_EQ(carol.clientRtp.size(), 4u);
  const auto bobLost = static_cast<uint16_t>(seqOf(bob.clientRtp[1]) + 1);
  const auto carolLost = static_cast<uint16_t>(seqOf(carol.clientRtp[1]) + 1);
  ASSERT_NE(bobLost, carolLost) << "the two subscribers number the stream differently";
  ASSERT_EQ(seqOf(bob.clientRtp[2]), static_cast<uint16_t>(bobLost + 1));
  nack(bob, 0xB000, {bobLost});
  nack(carol, 0xC100, {carolLost});
  ASSERT_EQ(bob.clientRtp.size(), 5u);
  ASSERT_EQ(carol.clientRtp.size(), 5u) << "a plain retransmission: its seq never reached carol";
  const auto rtx = parseRtp(bob.clientRtp.back()).value();
  EXPECT_EQ(rtx.ssrc, 0xB001u);
  EXPECT_EQ(rtx.payloadType, sdp::kOfferVp8RtxPt);
  const auto bobGot = unwrapRtx(bob.clientRtp.back(), 0xB000, sdp::kOfferVp8Pt);
  const auto& carolGot = carol.clientRtp.back();
  const auto sent = vp8Packet(102, 0);
  for (const auto* sub : {&bob, &carol}) {
    const auto& got = sub == &bob ? bobGot : carolGot;
    const auto p = parseRtp(got).value();
    const auto before = parseRtp(sub->clientRtp[1]).value();
    EXPECT_EQ(p.ssrc, sub == &bob ? 0xB000u : 0xC100u);
    EXPECT_EQ(p.sequenceNumber, sub == &bob ? bobLost : carolLost);
    EXPECT_EQ(p.payloadType, sdp::kOfferVp8Pt);
    EXPECT_EQ(p.timestamp, before.timestamp + 3000) << "the timestamp it would have been forwarded with";
    EXPECT_TRUE(readExtension(got, p, 2).has_value()) << "abs-send-time under the subscriber's id";
    EXPECT_FALSE(readExtension(got, p, kPubMidId).has_value());
    EXPECT_EQ(std::vector<uint8_t>(got.end() - 107, got.end()),
              std::vector<uint8_t>(sent.end() - 107, sent.end()));
  }
  // Byte for byte the same packet but for the subscriber's SSRC, seq and timestamp.
  auto asBob = carolGot;
  const auto b = parseRtp(bobGot).value();
  setSsrc(asBob, b.ssrc);
  setSequenceNumber(asBob, b.sequenceNumber);
  setTimestamp(asBob, b.timestamp);
  EXPECT_EQ(asBob, bobGot);
  EXPECT_EQ(router.counters().nacksReceived, 2u);
  EXPECT_EQ(router.counters().retransmissionsSent, 2u);
}

TEST_F(RouterTest, ANackForAPacketSentBeforeTheSubscriberJoinedIsNotAnswered) {
  publish(100, 105);
  router.unsubscribe("alice:1", carol.transport);
  ASSERT_TRUE(router.subscribe("alice:1", carol.transport, subscription(0xC100), now));
  publish(105, 107);
  ASSERT_EQ(carol.clientRtp.size(), 7u);
  const uint16_t first = seqOf(carol.clientRtp[5]);
  // Where 104, 103 and 100 would have been in carol's new numbering: held, but never sent to her.
  nack(
      carol, 0xC100,
      {static_cast<uint16_t>(first - 1), static_cast<uint16_t>(first - 2), static_cast<uint16_t>(first - 5)});
  EXPECT_EQ(carol.clientRtp.size(), 7u);
  EXPECT_EQ(router.counters().nacksReceived, 3u);
  EXPECT_EQ(router.counters().retransmissionsSent, 0u);
  nack(bob, 0xB000, {seqOf(bob.clientRtp[4])});  // 104 is held: bob, who got it, gets it again
  EXPECT_EQ(router.counters().retransmissionsSent, 1u);
}

TEST_F(RouterTest, AfterAPublisherRestartANackMapsToThePacketItWasOrIsRefused) {
  publish(100, 105);
  now += milliseconds(33);
  publish(2150, 2155);  // a jump over kMaxSeqJump: a new run; 2150..2154 take the slots of 102..106
  ASSERT_EQ(bob.clientRtp.size(), 10u);
  ASSERT_EQ(seqOf(bob.clientRtp[5]), static_cast<uint16_t>(seqOf(bob.clientRtp[4]) + 1)) << "continuous";
  nack(bob, 0xB000, {seqOf(bob.clientRtp[1]), seqOf(bob.clientRtp[3]), seqOf(bob.clientRtp[6])});
  ASSERT_EQ(bob.clientRtp.size(), 12u) << "101 (still held) and 2151; 103 was overwritten by 2151";
  std::vector<std::vector<uint8_t>> answered;
  for (std::size_t i = 10; i < 12; ++i)
    answered.push_back(unwrapRtx(bob.clientRtp[i], 0xB000, sdp::kOfferVp8Pt));
  std::sort(answered.begin(), answered.end(),
            [](const auto& x, const auto& y) { return seqOf(x) < seqOf(y); });
  std::vector<std::vector<uint8_t>> expected{bob.clientRtp[1], bob.clientRtp[6]};
  std::sort(expected.begin(), expected.end(),
            [](const auto& x, const auto& y) { return seqOf(x) < seqOf(y); });
  EXPECT_EQ(answered, expected) << "each exactly as it was forwarded, timestamp of its own run included";
  EXPECT_EQ(router.counters().nacksReceived, 3u);
  EXPECT_EQ(router.counters().retransmissionsSent, 2u);
}

TEST_F(RouterTest, EachSubscriberHasItsOwnResendThrottle) {
  publish(100, 105);
  nack(bob, 0xB000, {seqOf(bob.clientRtp[2])});
  EXPECT_EQ(router.counters().retransmissionsSent, 1u);
  now += milliseconds(10);
  nack(bob, 0xB000, {seqOf(bob.clientRtp[2])});
  EXPECT_EQ(router.counters().retransmissionsSent, 1u) << "bob asked again too soon";
  nack(carol, 0xC000, {seqOf(carol.clientRtp[2])});
  EXPECT_EQ(router.counters().retransmissionsSent, 2u) << "carol's first ask for the same packet";
  now += kMinResendInterval;
  nack(bob, 0xB000, {seqOf(bob.clientRtp[2])});
  EXPECT_EQ(router.counters().retransmissionsSent, 3u);
  EXPECT_EQ(router.counters().nacksReceived, 4u);
  EXPECT_EQ(bob.clientRtp.size(), 7u);
  EXPECT_EQ(carol.clientRtp.size(), 6u);
}

TEST_F(RouterTest, PacketsAreHeldOncePerTrackNotPerSubscription) {
  const auto m = router.memoryUse();
  EXPECT_GE(m.tracks, kRetransmissionPackets * kMaxRetransmitPacketSize);
  EXPECT_LT(m.subscriptions, 2 * 32 * 1024u) << "two subscriptions, no packet buffer in either";
}

// A VP8 packet of a publisher that negotiated transport-cc: the mid and the transport-wide seq.
constexpr uint8_t kPubTransportCcId = 6;
std::vector<uint8_t> vp8PacketWithTransportSeq(uint32_t ssrc, uint16_t seq, uint16_t transportSeq) {
  std::vector<uint8_t> p = {
      0x90, kPubVp8, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0,
      static_cast<uint8_t>(seq), static_cast<uint8_t>(ssrc >> 24), static_cast<uint8_t>(ssrc >> 16),
      static_cast<uint8_t>(ssrc >> 8), static_cast<uint8_t>(ssrc),
      // extension block: 0xBEDE, 2 words: mid "2" (id 3), transport seq (id 6, 2 bytes)
      0xBE, 0xDE, 0x00, 0x02, static_cast<uint8_t>(kPubMidId << 4), '2',
      static_cast<uint8_t>(kPubTransportCcId << 4 | 1), static_cast<uint8_t>(transportSeq >> 8),
      static_cast<uint8_t>(transportSeq), 0x00, 0x00, 0x00};
  p.insert(p.end(), {0x10, 0x01, 0x00, 0x00, 0x9d, 0x01, 0x2a});
  for (int i = 0; i < 50; ++i) p.push_back(static_cast<uint8_t>(i));
  return p;
}

// Calls `f` with every RTCP packet `pair`'s browser received so far, in order.
template <class F>
void forEachRtcpAt(const MediaPair& pair, F&& f) {
  for (const auto& c : pair.clientRtcp) {
    RtcpCompoundReader reader(c);
    while (auto p = reader.next()) f(*p);
  }
}

// The transport-cc feedback (parsed) that `pair`'s browser received so far.
std::vector<TwccFeedback> transportFeedbackAt(const MediaPair& pair) {
  std::vector<TwccFeedback> out;
  forEachRtcpAt(pair, [&](const RtcpPacket& p) {
    if (p.type == rtcp_type::kRtpFeedback && p.count == rtcp_fmt::kTransportCc)
      out.push_back(parseTwccFci(parseTransportCc(p).value().feedback).value());
  });
  return out;
}

// A publisher video track that negotiated transport-cc (the transport-wide seq as id kPubTransportCcId).
TrackSpec transportCcVideo(std::string id, uint32_t ssrc) {
  TrackSpec spec = publisherVideo();
  spec.id = std::move(id);
  spec.ssrc = ssrc;
  spec.rtxSsrc = std::nullopt;
  spec.codecs[0].codec.rtcpFeedback.push_back("transport-cc");
  spec.extensions.push_back({kPubTransportCcId, std::string(sdp::kExtTransportCc), std::nullopt, ""});
  return spec;
}

TEST_F(RouterTest, APublisherThatNegotiatedTransportCcGetsTheArrivalOfEveryPacket) {
  ASSERT_TRUE(router.addTrack(bob.transport, transportCcVideo("bob:1", 0x2000)));

  for (uint16_t i = 0; i < 10; ++i) {
    now += milliseconds(2);
    if (i == 5) continue;  // transport seq 505 lost on the way in
    ASSERT_TRUE(
        bob.clientSendsRtp(vp8PacketWithTransportSeq(0x2000, 40 + i, static_cast<uint16_t>(500 + i))));
    pumpAll();
  }
  router.tick(now);
  pumpAll();
  auto feedback = transportFeedbackAt(bob);
  ASSERT_EQ(feedback.size(), 1u);
  EXPECT_EQ(feedback[0].baseSeq, 500);
  EXPECT_EQ(feedback[0].feedbackCount, 0);
  ASSERT_EQ(feedback[0].packets.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(feedback[0].packets[i].offsetUs.has_value(), i != 5) << i;
  // Arrivals 2 ms apart, as they were recorded.
  EXPECT_EQ(*feedback[0].packets[1].offsetUs - *feedback[0].packets[0].offsetUs, 2000);
  EXPECT_EQ(*feedback[0].packets[6].offsetUs - *feedback[0].packets[4].offsetUs, 4000);
  EXPECT_TRUE(transportFeedbackAt(alice).empty()) << "alice's track did not negotiate transport-cc";

  ASSERT_TRUE(bob.clientSendsRtp(vp8PacketWithTransportSeq(0x2000, 50, 510)));
  pumpAll();
  router.tick(now + milliseconds(10));
  pumpAll();
  EXPECT_EQ(transportFeedbackAt(bob).size(), 1u) << "not before the feedback interval has passed";
  router.tick(now + TwccRecorder::kFeedbackInterval);
  pumpAll();
  feedback = transportFeedbackAt(bob);
  ASSERT_EQ(feedback.size(), 2u);
  EXPECT_EQ(feedback[1].baseSeq, 510);
  EXPECT_EQ(feedback[1].feedbackCount, 1);
  EXPECT_EQ(router.counters().transportFeedbackSent, 2u);

  router.removeTrack("bob:1");  // its feedback goes with its last track
  ASSERT_TRUE(bob.clientSendsRtp(vp8PacketWithTransportSeq(0x2000, 51, 511)));
  pumpAll();
  router.tick(now + 2 * TwccRecorder::kFeedbackInterval);
  pumpAll();
  EXPECT_EQ(transportFeedbackAt(bob).size(), 2u);
}

// Issue 12: a new viewer's key frame was asked for when it subscribed, ~100 ms before its DTLS was done,
// so it reached nobody, and the request its connection then made waited out the requester's spacing.
TEST_F(RouterTest, ANewViewersKeyFrameIsAskedForWhenItsTransportConnectsNotBefore) {
  publish(1, 3);
  ASSERT_TRUE(alice.clientSendsRtp(vp8Packet(3, 9000, /*keyframe=*/true)));  // answers the setup's requests
  pumpAll();
  const int before = plisAtAlice();
  MediaPair dave{"dave"};  // its browser has not finished ICE and DTLS yet
  ASSERT_TRUE(router.subscribe("alice:1", dave.transport, subscription(0xD000), now));
  pumpAll();
  EXPECT_EQ(plisAtAlice(), before) << "nothing asked for while dave cannot receive";
  now += milliseconds(100);
  ASSERT_TRUE(dave.connect());
  router.requestKeyframes(dave.transport, now);  // what the Sfu does when dave's transport connects
  pumpAll();
  EXPECT_EQ(plisAtAlice(), before + 1)
      << "asked for at once: the last key frame came before dave could receive";
}

// The REMB each publisher's browser received so far, newest last.
std::vector<uint64_t> rembsAt(const MediaPair& pair) {
  std::vector<uint64_t> out;
  forEachRtcpAt(pair, [&](const RtcpPacket& p) {
    if (p.type == rtcp_type::kPayloadFeedback && p.count == rtcp_fmt::kAfb)
      if (auto remb = parseRemb(p)) out.push_back(remb->bitrateBps);
  });
  return out;
}

TEST_F(RouterTest, AViewersRembCapsAPublisherWithoutTransportCcOnly) {
  // carol publishes with transport-cc; alice (the fixture's) without
  ASSERT_TRUE(router.addTrack(carol.transport, transportCcVideo("carol:1", 0x3000)));
  ASSERT_TRUE(router.subscribe("carol:1", bob.transport, subscription(0xB100), now));
  pumpAll();
  constexpr uint64_t kLow = 150'000;  // bob's receive-side estimate: ~1.5x of what reaches him
  RtcpReportBlock clean;              // bob loses nothing of carol's stream
  clean.ssrc = 0xB100;
  ASSERT_TRUE(bob.clientSendsRtcp(buildReceiverReport(0x5, std::array{clean})));
  ASSERT_TRUE(bob.clientSendsRtcp(buildRemb(0x5, kLow, std::array<uint32_t, 2>{0xB000, 0xB100})));
  pumpAll();
  router.tick(now + std::chrono::seconds(1));
  pumpAll();
  ASSERT_FALSE(rembsAt(alice).empty());
  EXPECT_LE(rembsAt(alice).back(), kLow) << "alice estimates nothing herself: bob's REMB caps her";
  ASSERT_FALSE(rembsAt(carol).empty());
  EXPECT_GE(rembsAt(carol).back(), kInitialVideoBitrateBps)
      << "carol estimates her own uplink; only her viewers' loss caps her";
}

}  // namespace
}  // namespace roomgate::media
