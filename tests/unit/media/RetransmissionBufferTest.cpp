#include "media/RetransmissionBuffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "media/Rtp.hpp"

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

constexpr RtxParameters kRtx{0x0A0B0C0D, 97};
constexpr uint32_t kSsrc = 0x01020304;
const auto kT0 = std::chrono::steady_clock::time_point{} + 1000s;

// An RTP packet: PT 96, marker, one one-byte extension element (id 3, 2 bytes), `payload`, and
// `padding` bytes of padding when nonzero.
Bytes rtpPacket(uint16_t seq, const Bytes& payload, uint8_t padding = 0) {
  constexpr std::array<uint8_t, 20> kHeader = {
      0x90, 0x80 | 96, 0x00, 0x00,   // V=2, X; marker, PT 96; seq (set below)
      0x00, 0x01,      0x5F, 0x90,   // timestamp 90000
      0x01, 0x02,      0x03, 0x04,   // SSRC
      0xBE, 0xDE,      0x00, 0x01,   // one-byte extensions, one word
      0x31, 0xAA,      0xBB, 0x00};  // id 3, 2 bytes; one padding byte
  // Sized up front and filled in place (GCC 12's -Warray-bounds misfires on vector::insert at -O2).
  Bytes p(kHeader.size() + payload.size() + padding, 0);
  std::copy(kHeader.begin(), kHeader.end(), p.begin());
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  std::copy(payload.begin(), payload.end(), p.begin() + static_cast<std::ptrdiff_t>(kHeader.size()));
  if (padding) {
    p[0] |= 0x20;
    p.back() = padding;
  }
  return p;
}

Bytes held(const RetransmissionBuffer& buf, uint16_t seq, RetransmissionBuffer::Clock::time_point now,
           uint32_t ssrc = kSsrc) {
  const auto h = buf.find(ssrc, seq, now);
  return h ? Bytes(h->packet.begin(), h->packet.end()) : Bytes{};
}

// `p` as RTX with `rtxSeq`, through toRtx on a buffer with room for the OSN.
Bytes rtxOf(Bytes p, uint16_t rtxSeq) {
  const auto parsed = parseRtp(p);
  EXPECT_TRUE(parsed.ok());
  const std::size_t size = p.size();
  p.resize(size + kRtxHeaderSize);
  p.resize(toRtx(p, size, *parsed, kRtx, rtxSeq));
  return p;
}

TEST(RetransmissionBuffer, HoldsThePacketAsReceived) {
  RetransmissionBuffer buf;
  const Bytes p = rtpPacket(1000, {1, 2, 3, 4});
  ASSERT_TRUE(buf.store(p, kT0));
  const auto h = buf.find(kSsrc, 1000, kT0 + 30ms);
  ASSERT_TRUE(h);
  EXPECT_EQ(Bytes(h->packet.begin(), h->packet.end()), p);
  EXPECT_EQ(h->parsed.sequenceNumber, 1000);
  EXPECT_EQ(h->parsed.payloadSize, 4u);
  EXPECT_EQ(h->storedAt, kT0);
}

TEST(RetransmissionBuffer, UnknownSeqsAndOtherSsrcsAreNotFound) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(1000, {1}), kT0));
  EXPECT_FALSE(buf.find(kSsrc, 999, kT0));
  EXPECT_FALSE(buf.find(kSsrc, 1000 + kRetransmissionPackets, kT0));  // same slot, other seq
  EXPECT_FALSE(buf.find(kSsrc + 1, 1000, kT0));                       // same seq, other source
}

TEST(RetransmissionBuffer, RefusesWhatIsNotRtpOrTooLarge) {
  RetransmissionBuffer buf;
  EXPECT_FALSE(buf.store(Bytes{1, 2, 3}, kT0));
  Bytes big = rtpPacket(1, Bytes(kMaxRetransmitPacketSize, 0));
  EXPECT_FALSE(buf.store(big, kT0));
  big.resize(kMaxRetransmitPacketSize);
  EXPECT_TRUE(buf.store(big, kT0));
  EXPECT_EQ(held(buf, 1, kT0), big);
}

TEST(RetransmissionBuffer, ForgetsPacketsOlderThanTheMaxAge) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(5, {1}), kT0));
  EXPECT_FALSE(buf.find(kSsrc, 5, kT0 + kMaxRetransmissionAge + 1ms));
  EXPECT_TRUE(buf.find(kSsrc, 5, kT0 + kMaxRetransmissionAge));
}

TEST(RetransmissionBuffer, KeepsTheLastPacketsByCount) {
  RetransmissionBuffer buf;
  for (uint32_t i = 0; i < kRetransmissionPackets + 10; ++i) {
    ASSERT_TRUE(buf.store(rtpPacket(static_cast<uint16_t>(65530 + i), {static_cast<uint8_t>(i)}), kT0));
  }
  // 65530 .. 65535 and 0 .. 3 were overwritten by the last 512, 4 .. 515; the seq wrapped on the way.
  EXPECT_FALSE(buf.find(kSsrc, 65530, kT0));
  EXPECT_FALSE(buf.find(kSsrc, 3, kT0));
  EXPECT_TRUE(buf.find(kSsrc, 4, kT0));
  EXPECT_TRUE(buf.find(kSsrc, 515, kT0));
}

TEST(RetransmissionBuffer, ARestoredSeqReplacesTheOneHeld) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(7, {1}), kT0));
  ASSERT_TRUE(buf.store(rtpPacket(7, {2}), kT0 + 1ms));
  EXPECT_EQ(held(buf, 7, kT0 + 2ms), rtpPacket(7, {2}));
  EXPECT_EQ(buf.find(kSsrc, 7, kT0 + 2ms)->storedAt, kT0 + 1ms);
}

TEST(RetransmissionBuffer, ItsMemoryIsTheSlotsPreallocated) {
  RetransmissionBuffer buf;
  EXPECT_GE(buf.memoryBytes(), kRetransmissionPackets * kMaxRetransmitPacketSize);
  EXPECT_LT(buf.memoryBytes(), kRetransmissionPackets * (kMaxRetransmitPacketSize + 64));
}

TEST(ResendThrottle, ThrottlesRepeatedResendsOfOneSeq) {
  ResendThrottle throttle;
  EXPECT_TRUE(throttle.allow(7, kT0, kT0 + 1ms));  // the first NACK comes right after the send
  EXPECT_FALSE(throttle.allow(7, kT0, kT0 + 1ms + kMinResendInterval - 1ms));
  EXPECT_TRUE(throttle.allow(8, kT0, kT0 + 2ms));  // per seq
  EXPECT_TRUE(throttle.allow(7, kT0, kT0 + 1ms + kMinResendInterval));
  EXPECT_EQ(throttle.throttled(), 1u);
}

TEST(ResendThrottle, ALongerRttWidensTheResendInterval) {
  ResendThrottle throttle;
  throttle.setRtt(200ms);
  EXPECT_TRUE(throttle.allow(7, kT0, kT0));
  EXPECT_FALSE(throttle.allow(7, kT0, kT0 + 150ms));
  EXPECT_TRUE(throttle.allow(7, kT0, kT0 + 200ms));
}

TEST(ResendThrottle, ARestoredSeqIsAnsweredAfresh) {
  ResendThrottle throttle;
  EXPECT_TRUE(throttle.allow(7, kT0, kT0));
  EXPECT_TRUE(throttle.allow(7, kT0 + 1ms, kT0 + 2ms)) << "stored again after the resend";
}

TEST(ResendThrottle, ASeqOfTheSameSlotTakesItsRecordOver) {
  ResendThrottle throttle;
  EXPECT_TRUE(throttle.allow(7, kT0, kT0));
  EXPECT_TRUE(throttle.allow(7 + kResendThrottleSlots, kT0, kT0));
  EXPECT_TRUE(throttle.allow(7, kT0, kT0 + 1ms)) << "forgotten: one resend too many, never one too few";
  EXPECT_EQ(throttle.throttled(), 0u);
}

TEST(Rtx, CarriesTheOriginalSeqAndPayload) {
  const Bytes rtx = rtxOf(rtpPacket(0xBEEF, {9, 8, 7}, 4), 40000);
  const auto p = parseRtp(rtx);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payloadType, kRtx.payloadType);
  EXPECT_EQ(p->ssrc, kRtx.ssrc);
  EXPECT_EQ(p->sequenceNumber, 40000);
  EXPECT_EQ(p->timestamp, 90000u);
  EXPECT_TRUE(p->marker);
  EXPECT_FALSE(p->padding);
  ASSERT_EQ(p->elementCount, 1u);
  EXPECT_EQ(readExtension(rtx, *p, 3).value()[0], 0xAA);
  EXPECT_EQ(Bytes(rtx.begin() + static_cast<std::ptrdiff_t>(p->payloadOffset), rtx.end()),
            (Bytes{0xBE, 0xEF, 9, 8, 7}));
}

TEST(Rtx, OfAFullSizePacketFits) {
  Bytes big = rtpPacket(3, Bytes(kMaxRetransmitPacketSize, 0x55));
  big.resize(kMaxRetransmitPacketSize);
  const Bytes rtx = rtxOf(big, 1);
  EXPECT_EQ(rtx.size(), kMaxRetransmitPacketSize + kRtxHeaderSize);
  EXPECT_TRUE(parseRtp(rtx).ok());
}

}  // namespace
}  // namespace roomgate::media
