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

constexpr RtxParameters kRtx{0x0A0B0C0D, 97, 40000};
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

Bytes copy(std::optional<std::span<const uint8_t>> s) {
  return s ? Bytes(s->begin(), s->end()) : Bytes{};
}

TEST(RetransmissionBuffer, AnswersANackWithThePacketAsSent) {
  RetransmissionBuffer buf;
  const Bytes p = rtpPacket(1000, {1, 2, 3, 4});
  ASSERT_TRUE(buf.store(p, kT0));
  EXPECT_EQ(copy(buf.retransmit(1000, kT0 + 30ms)), p);
  EXPECT_EQ(buf.retransmitted(), 1u);
}

TEST(RetransmissionBuffer, UnknownSeqsAreMissing) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(1000, {1}), kT0));
  EXPECT_FALSE(buf.retransmit(999, kT0));
  EXPECT_FALSE(buf.retransmit(1000 + kRetransmissionPackets, kT0));  // same slot, other seq
  EXPECT_EQ(buf.missing(), 2u);
}

TEST(RetransmissionBuffer, RefusesWhatIsNotRtpOrTooLarge) {
  RetransmissionBuffer buf;
  EXPECT_FALSE(buf.store(Bytes{1, 2, 3}, kT0));
  Bytes big = rtpPacket(1, Bytes(kMaxRetransmitPacketSize, 0));
  EXPECT_FALSE(buf.store(big, kT0));
  big.resize(kMaxRetransmitPacketSize);
  EXPECT_TRUE(buf.store(big, kT0));
  EXPECT_EQ(copy(buf.retransmit(1, kT0)), big);
}

TEST(RetransmissionBuffer, ForgetsPacketsOlderThanTheMaxAge) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(5, {1}), kT0));
  EXPECT_FALSE(buf.retransmit(5, kT0 + kMaxRetransmissionAge + 1ms));
  EXPECT_TRUE(buf.retransmit(5, kT0 + kMaxRetransmissionAge));
}

TEST(RetransmissionBuffer, KeepsTheLastPacketsByCount) {
  RetransmissionBuffer buf;
  for (uint32_t i = 0; i < kRetransmissionPackets + 10; ++i) {
    ASSERT_TRUE(buf.store(rtpPacket(static_cast<uint16_t>(65530 + i), {static_cast<uint8_t>(i)}), kT0));
  }
  // 65530 .. 65535 and 0 .. 3 were overwritten by the last 512, 4 .. 515; the seq wrapped on the way.
  EXPECT_FALSE(buf.retransmit(65530, kT0));
  EXPECT_FALSE(buf.retransmit(3, kT0));
  EXPECT_TRUE(buf.retransmit(4, kT0));
  EXPECT_TRUE(buf.retransmit(515, kT0));
}

TEST(RetransmissionBuffer, ThrottlesRepeatedResendsOfOneSeq) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(7, {1}), kT0));
  ASSERT_TRUE(buf.store(rtpPacket(8, {1}), kT0));
  EXPECT_TRUE(buf.retransmit(7, kT0 + 1ms));  // the first NACK comes right after the send
  EXPECT_FALSE(buf.retransmit(7, kT0 + 1ms + kMinResendInterval - 1ms));
  EXPECT_TRUE(buf.retransmit(8, kT0 + 2ms));  // per seq
  EXPECT_TRUE(buf.retransmit(7, kT0 + 1ms + kMinResendInterval));
  EXPECT_EQ(buf.throttled(), 1u);
}

TEST(RetransmissionBuffer, ALongerRttWidensTheResendInterval) {
  RetransmissionBuffer buf;
  buf.setRtt(200ms);
  ASSERT_TRUE(buf.store(rtpPacket(7, {1}), kT0));
  EXPECT_TRUE(buf.retransmit(7, kT0));
  EXPECT_FALSE(buf.retransmit(7, kT0 + 150ms));
  EXPECT_TRUE(buf.retransmit(7, kT0 + 200ms));
}

TEST(RetransmissionBuffer, ARestoredSeqIsAnsweredAfresh) {
  RetransmissionBuffer buf;
  ASSERT_TRUE(buf.store(rtpPacket(7, {1}), kT0));
  EXPECT_TRUE(buf.retransmit(7, kT0));
  ASSERT_TRUE(buf.store(rtpPacket(7, {2}), kT0 + 1ms));
  EXPECT_EQ(copy(buf.retransmit(7, kT0 + 2ms)), rtpPacket(7, {2}));
}

TEST(RetransmissionBuffer, RtxCarriesTheOriginalSeqAndPayload) {
  RetransmissionBuffer buf(kRtx);
  ASSERT_TRUE(buf.store(rtpPacket(0xBEEF, {9, 8, 7}, 4), kT0));
  ASSERT_TRUE(buf.store(rtpPacket(0xBEF0, {6}), kT0));
  const Bytes rtx = copy(buf.retransmit(0xBEEF, kT0));
  const auto p = parseRtp(rtx);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payloadType, kRtx.payloadType);
  EXPECT_EQ(p->ssrc, kRtx.ssrc);
  EXPECT_EQ(p->sequenceNumber, kRtx.firstSeq);
  EXPECT_EQ(p->timestamp, 90000u);
  EXPECT_TRUE(p->marker);
  EXPECT_FALSE(p->padding);
  ASSERT_EQ(p->elementCount, 1u);
  EXPECT_EQ(readExtension(rtx, *p, 3).value()[0], 0xAA);
  EXPECT_EQ(Bytes(rtx.begin() + static_cast<std::ptrdiff_t>(p->payloadOffset), rtx.end()),
            (Bytes{0xBE, 0xEF, 9, 8, 7}));
  // The RTX stream counts its own sequence numbers.
  const auto second = parseRtp(copy(buf.retransmit(0xBEF0, kT0)));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->sequenceNumber, kRtx.firstSeq + 1);
}

TEST(RetransmissionBuffer, RtxOfAFullSizePacketFits) {
  RetransmissionBuffer buf(kRtx);
  Bytes big = rtpPacket(3, Bytes(kMaxRetransmitPacketSize, 0x55));
  big.resize(kMaxRetransmitPacketSize);
  ASSERT_TRUE(buf.store(big, kT0));
  const Bytes rtx = copy(buf.retransmit(3, kT0));
  EXPECT_EQ(rtx.size(), kMaxRetransmitPacketSize + kRtxHeaderSize);
  EXPECT_TRUE(parseRtp(rtx).ok());
}

TEST(RetransmissionBuffer, RtxSeqWraps) {
  RetransmissionBuffer buf(RtxParameters{1, 97, 65535});
  ASSERT_TRUE(buf.store(rtpPacket(1, {1}), kT0));
  ASSERT_TRUE(buf.store(rtpPacket(2, {1}), kT0));
  EXPECT_EQ(parseRtp(copy(buf.retransmit(1, kT0)))->sequenceNumber, 65535);
  EXPECT_EQ(parseRtp(copy(buf.retransmit(2, kT0)))->sequenceNumber, 0);
}

}  // namespace
}  // namespace roomgate::media
