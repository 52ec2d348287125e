#include "media/Rtp.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "unit/media/StunVectors.hpp"

namespace roomgate::media {
namespace {

// An Opus packet as Chromium sends it: V=2, X=1, PT 111, seq 0x1234, timestamp 8000, SSRC 0x12345678,
// a one-byte extension block of 2 words: ssrc-audio-level (id 1, 1 byte: 0xff) and abs-send-time
// (id 2, 3 bytes: 12 34 56), 2 bytes of padding, then 4 payload bytes.
const std::vector<uint8_t> kOpusPacket = {
    0x90, 0x6f, 0x12, 0x34, 0x00, 0x00, 0x1f, 0x40, 0x12, 0x34, 0x56, 0x78,  // fixed header
    0xbe, 0xde, 0x00, 0x02,                                                  // one-byte extensions, 2 words
    0x10, 0xff, 0x22, 0x12, 0x34, 0x56, 0x00, 0x00,                          // id 1, id 2, padding
    0x78, 0x0b, 0xe4, 0xc1};                                                 // Opus TOC and data

TEST(Rtp, ParsesAChromiumOpusPacketWithOneByteExtensions) {
  const auto p = parseRtp(kOpusPacket);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->extension);
  EXPECT_FALSE(p->padding);
  EXPECT_FALSE(p->marker);
  EXPECT_EQ(p->payloadType, 111);
  EXPECT_EQ(p->sequenceNumber, 0x1234);
  EXPECT_EQ(p->timestamp, 8000u);
  EXPECT_EQ(p->ssrc, 0x12345678u);
  EXPECT_EQ(p->csrcCount, 0);
  EXPECT_EQ(p->extensionProfile, kRtpOneByteExtensionProfile);
  EXPECT_EQ(p->extensionOffset, 16u);
  EXPECT_EQ(p->extensionSize, 8u);
  ASSERT_EQ(p->elementCount, 2u);
  EXPECT_EQ(p->payloadOffset, 24u);
  EXPECT_EQ(p->payloadSize, 4u);
  EXPECT_EQ(p->paddingSize, 0u);

  const auto level = readExtension(kOpusPacket, *p, 1);
  ASSERT_TRUE(level);
  EXPECT_EQ(std::vector<uint8_t>(level->begin(), level->end()), std::vector<uint8_t>{0xff});
  const auto sendTime = readExtension(kOpusPacket, *p, 2);
  ASSERT_TRUE(sendTime);
  EXPECT_EQ(std::vector<uint8_t>(sendTime->begin(), sendTime->end()),
            (std::vector<uint8_t>{0x12, 0x34, 0x56}));
  EXPECT_FALSE(readExtension(kOpusPacket, *p, 3));
}

TEST(Rtp, ParsesTwoByteExtensionsCsrcsAndPadding) {
  const std::vector<uint8_t> packet = {
      0xb2, 0xe0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,  // P, X, CC=2, M, PT 96
      0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb,                          // CSRCs
      0x10, 0x00, 0x00, 0x02,                                                  // two-byte, 2 words
      0x05, 0x02, 0xab, 0xcd, 0x07, 0x00, 0x00, 0x00,                          // id 5 (2), id 7 (0), pad
      0x01, 0x02, 0x03, 0x00, 0x00, 0x03};                                     // payload, 3 of padding
  const auto p = parseRtp(packet);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->marker);
  EXPECT_EQ(p->payloadType, 96);
  EXPECT_EQ(p->csrcCount, 2);
  EXPECT_EQ(p->csrcs[0], 0xaaaaaaaau);
  EXPECT_EQ(p->csrcs[1], 0xbbbbbbbbu);
  ASSERT_EQ(p->elementCount, 2u);
  EXPECT_EQ(p->elements[0].id, 5);
  EXPECT_EQ(p->elements[0].size, 2u);
  EXPECT_EQ(p->elements[1].id, 7);
  EXPECT_EQ(p->elements[1].size, 0u);
  EXPECT_EQ(p->payloadOffset, 32u);
  EXPECT_EQ(p->payloadSize, 3u);
  EXPECT_EQ(p->paddingSize, 3u);
}

TEST(Rtp, PaddingAndIdFifteenInOneByteBlocksAndOtherProfilesStayOpaque) {
  auto packet = kOpusPacket;
  packet[22] = 0x05;  // ID 0 with length bits: still a single padding byte
  ASSERT_TRUE(parseRtp(packet).ok());
  EXPECT_EQ(parseRtp(packet)->elementCount, 2u);
  packet[18] = 0xf2;  // id 15 in place of abs-send-time
  auto p = parseRtp(packet);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->elementCount, 1u);
  packet[12] = 0x12;  // profile 0x12de: not RFC 8285
  p = parseRtp(packet);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->elementCount, 0u);
  EXPECT_EQ(p->extensionSize, 8u);
  EXPECT_EQ(p->payloadOffset, 24u);
}

TEST(Rtp, RewritesHeaderFieldsAndExtensionsInPlace) {
  auto packet = kOpusPacket;
  const auto before = parseRtp(packet);
  ASSERT_TRUE(before.ok());
  setSsrc(packet, 0xdeadbeef);
  setSequenceNumber(packet, 0xfffe);
  setTimestamp(packet, 0x01020304);
  setMarker(packet, true);
  setPayloadType(packet, 100);
  const std::vector<uint8_t> newSendTime = {0xab, 0xcd, 0xef};
  EXPECT_TRUE(rewriteExtension(packet, *before, 2, newSendTime));
  EXPECT_FALSE(rewriteExtension(packet, *before, 2, std::vector<uint8_t>{1, 2}));        // size differs
  EXPECT_FALSE(rewriteExtension(packet, *before, 9, newSendTime));                       // absent
  EXPECT_FALSE(rewriteExtension(std::span(packet).first(20), *before, 2, newSendTime));  // another packet

  const auto after = parseRtp(packet);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->ssrc, 0xdeadbeefu);
  EXPECT_EQ(after->sequenceNumber, 0xfffe);
  EXPECT_EQ(after->timestamp, 0x01020304u);
  EXPECT_TRUE(after->marker);
  EXPECT_EQ(after->payloadType, 100);
  const auto sendTime = readExtension(packet, *after, 2);
  ASSERT_TRUE(sendTime);
  EXPECT_EQ(std::vector<uint8_t>(sendTime->begin(), sendTime->end()), newSendTime);
  setPayloadType(packet, 111);
  EXPECT_TRUE(parseRtp(packet)->marker);  // the marker survives a payload type change
  setMarker(packet, false);
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + 2), (std::vector<uint8_t>{0x90, 0x6f}));
}

// A copy of `v` with the bytes at the given offsets replaced.
std::vector<uint8_t> edited(std::vector<uint8_t> v,
                            std::initializer_list<std::pair<size_t, uint8_t>> changes) {
  for (const auto& [at, value] : changes) v.at(at) = value;
  return v;
}

TEST(Rtp, RejectsMalformedPackets) {
  const auto& o = kOpusPacket;
  const size_t last = o.size() - 1;
  std::vector<uint8_t> manyElements = {0x90, 0x6f, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x09};
  for (size_t i = 0; i <= kRtpMaxExtensionElements; ++i) {
    manyElements.push_back(0x10);  // id 1, 1 byte
    manyElements.push_back(0x00);
  }
  manyElements.resize(16 + 36, 0);
  const std::vector<std::pair<const char*, std::vector<uint8_t>>> cases = {
      {"empty", {}},
      {"truncated header", {o.begin(), o.begin() + 11}},
      {"version 1", edited(o, {{0, 0x50}})},
      {"version 3", edited(o, {{0, 0xd0}})},
      {"CSRC count overruns", edited(o, {{0, 0x9f}})},
      {"extension header truncated", {o.begin(), o.begin() + 14}},
      {"extension length overruns", edited(o, {{15, 0x08}})},
      {"one-byte element overruns", edited(o, {{18, 0x2f}})},
      // two-byte profile; id 1 of 9 bytes in a block of 8
      {"two-byte element overruns", edited(o, {{12, 0x10}, {13, 0x00}, {16, 0x01}, {17, 0x09}})},
      {"padding count zero", edited(o, {{0, 0xb0}, {last, 0}})},
      {"padding larger than payload", edited(o, {{0, 0xb0}, {last, 5}})},
      {"padding bit and no payload", edited({o.begin(), o.begin() + 24}, {{0, 0xb0}})},
      {"too many extension elements", manyElements},
  };
  for (const auto& [name, bytes] : cases) {
    const auto p = parseRtp(bytes);
    EXPECT_FALSE(p.ok()) << name;
    if (!p.ok()) {
      EXPECT_EQ(p.error().code, "rtp_malformed") << name;
    }
  }
  // A padding count equal to everything after the header is fine: an all-padding packet.
  const auto allPadding = edited(o, {{0, 0xb0}, {last, 4}});
  const auto p = parseRtp(allPadding);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payloadSize, 0u);
}

TEST(Demux, ClassifiesByRfc7983FirstByteAndRfc5761PayloadType) {
  EXPECT_EQ(classify(test::kRfc5769Request), PacketKind::Stun);
  EXPECT_EQ(classify(kOpusPacket), PacketKind::Rtp);
  const std::vector<uint8_t> dtlsHandshake = {22, 0xfe, 0xfd, 0, 0};
  EXPECT_EQ(classify(dtlsHandshake), PacketKind::Dtls);
  const std::vector<uint8_t> sr = {0x80, 200, 0x00, 0x06};
  EXPECT_EQ(classify(sr), PacketKind::Rtcp);
  EXPECT_TRUE(isRtcp(sr));
  EXPECT_FALSE(isRtcp(kOpusPacket));
  EXPECT_FALSE(isRtcp(std::span(sr).first(3)));
  const std::vector<uint8_t> psfb = {0x81, 206, 0, 2};
  EXPECT_EQ(classify(psfb), PacketKind::Rtcp);
  const std::vector<uint8_t> rtpMarkerPt96 = {0x80, 0xe0, 0, 0};  // 224: above RTCP's range
  EXPECT_EQ(classify(rtpMarkerPt96), PacketKind::Rtp);
  EXPECT_EQ(classify(std::vector<uint8_t>{}), PacketKind::Unknown);
  EXPECT_EQ(classify(std::vector<uint8_t>{0x80}), PacketKind::Unknown);
  EXPECT_EQ(classify(std::vector<uint8_t>{64, 0}), PacketKind::Unknown);   // TURN channel
  EXPECT_EQ(classify(std::vector<uint8_t>{16, 0}), PacketKind::Unknown);   // ZRTP
  EXPECT_EQ(classify(std::vector<uint8_t>{192, 0}), PacketKind::Unknown);  // above RTP's range
}

}  // namespace
}  // namespace roomgate::media
