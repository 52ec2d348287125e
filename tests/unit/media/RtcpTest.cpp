#include "media/Rtcp.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace roomgate::media {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Written from the layouts of RFC 3550 6.4.1 / 6.4.2.
const Bytes kSr = {0x80, 0xc8, 0x00, 0x06,                          // RC 0, PT 200, 7 words
                   0x11, 0x22, 0x33, 0x44,                          // sender SSRC
                   0xe1, 0xa2, 0xb3, 0xc4, 0x5d, 0x6e, 0x7f, 0x80,  // NTP
                   0x00, 0x01, 0x23, 0x45,                          // RTP timestamp
                   0x00, 0x00, 0x00, 0x0a,                          // packets
                   0x00, 0x00, 0x03, 0xe8};                         // octets
const Bytes kRr = {0x81, 0xc9, 0x00, 0x07,                          // RC 1, PT 201, 8 words
                   0x55, 0x66, 0x77, 0x88,                          // sender SSRC
                   0x11, 0x22, 0x33, 0x44,                          // source
                   0x40, 0xff, 0xff, 0xfe,                          // fraction 64/256, cumulative -2
                   0x00, 0x01, 0x00, 0x10,                          // highest sequence
                   0x00, 0x00, 0x00, 0x20,                          // jitter
                   0xb3, 0xc4, 0x5d, 0x6e,                          // LSR
                   0x00, 0x01, 0x00, 0x00};                         // DLSR: 1 s
// RFC 4585 6.2.1: PID 100, BLP 0b101: 100, 101, 103 lost.
const Bytes kNack = {0x81, 0xcd, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
                     0x00, 0x00, 0x00, 0x02, 0x00, 0x64, 0x00, 0x05};
const Bytes kPli = {0x81, 0xce, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};
// RFC 5104 4.3.1: one entry, SSRC 0x11223344, seq 7.
const Bytes kFir = {0x84, 0xce, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                    0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x07, 0x00, 0x00, 0x00};
// REMB 1,000,000 bps = 250000 << 2: exponent 2, mantissa 0x3d090; one SSRC.
const Bytes kRemb = {0x8f, 0xce, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                     'R',  'E',  'M',  'B',  0x01, 0x0b, 0xd0, 0x90, 0x11, 0x22, 0x33, 0x44};
const Bytes kTransportCc = {0x8f, 0xcd, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                            0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x10, 0x01};
const Bytes kBye = {0x81, 0xcb, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x03, 'b', 'y', 'e'};
const Bytes kSdes = {0x81, 0xca, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                     0x01, 0x02, 'a',  'b',  0x00, 0x00, 0x00, 0x00};

RtcpPacket only(const Bytes& bytes) {
  auto packets = splitRtcpCompound(bytes);
  EXPECT_TRUE(packets.ok());
  EXPECT_EQ(packets.ok() ? packets->size() : 0u, 1u);
  return packets.ok() && !packets->empty() ? packets->front() : RtcpPacket{};
}

TEST(Rtcp, WalksACompoundPacket) {
  const Bytes compound = concat({kSr, kRr, kSdes, kNack, kPli, kFir, kRemb, kTransportCc, kBye});
  RtcpCompoundReader reader(compound);
  std::vector<std::pair<uint8_t, uint8_t>> seen;
  size_t total = 0;
  while (auto p = reader.next()) {
    seen.emplace_back(p->type, p->count);
    total += p->bytes.size();
    EXPECT_EQ(p->body.size() + kRtcpHeaderSize, p->bytes.size());
  }
  EXPECT_FALSE(reader.malformed());
  EXPECT_EQ(total, compound.size());
  const std::vector<std::pair<uint8_t, uint8_t>> expected = {
      {200, 0}, {201, 1}, {202, 1}, {205, 1}, {206, 1}, {206, 4}, {206, 15}, {205, 15}, {203, 1}};
  EXPECT_EQ(seen, expected);
}

TEST(Rtcp, ParsesHandWrittenPackets) {
  const auto sr = parseSenderReport(only(kSr));
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr->senderSsrc, 0x11223344u);
  EXPECT_EQ(sr->ntpTimestamp, 0xe1a2b3c45d6e7f80u);
  EXPECT_EQ(sr->rtpTimestamp, 0x12345u);
  EXPECT_EQ(sr->packetCount, 10u);
  EXPECT_EQ(sr->octetCount, 1000u);
  EXPECT_TRUE(sr->reports.empty());

  const auto rr = parseReceiverReport(only(kRr));
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->senderSsrc, 0x55667788u);
  ASSERT_EQ(rr->reports.size(), 1u);
  const RtcpReportBlock block{0x11223344, 0x40, -2, 0x10010, 0x20, 0xb3c45d6e, 0x10000};
  EXPECT_EQ(rr->reports[0], block);

  const auto nack = parseNack(only(kNack));
  ASSERT_TRUE(nack.ok());
  EXPECT_EQ(nack->senderSsrc, 1u);
  EXPECT_EQ(nack->mediaSsrc, 2u);
  EXPECT_EQ(nack->lost, (std::vector<uint16_t>{100, 101, 103}));

  const auto pli = parsePli(only(kPli));
  ASSERT_TRUE(pli.ok());
  EXPECT_EQ(pli->mediaSsrc, 2u);

  const auto fir = parseFir(only(kFir));
  ASSERT_TRUE(fir.ok());
  EXPECT_EQ(fir->entries, (std::vector<RtcpFirEntry>{{0x11223344, 7}}));

  const auto remb = parseRemb(only(kRemb));
  ASSERT_TRUE(remb.ok());
  EXPECT_EQ(remb->bitrateBps, 1000000u);
  EXPECT_EQ(remb->ssrcs, std::vector<uint32_t>{0x11223344});

  const auto tcc = parseTransportCc(only(kTransportCc));
  ASSERT_TRUE(tcc.ok());
  EXPECT_EQ(tcc->mediaSsrc, 2u);
  EXPECT_EQ(Bytes(tcc->feedback.begin(), tcc->feedback.end()),
            Bytes(kTransportCc.begin() + 12, kTransportCc.end()));

  const auto bye = parseBye(only(kBye));
  ASSERT_TRUE(bye.ok());
  EXPECT_EQ(bye->ssrcs, std::vector<uint32_t>{0x11223344});
  EXPECT_EQ(bye->reason, "bye");

  // Parsers refuse another type or FMT.
  EXPECT_FALSE(parseReceiverReport(only(kSr)).ok());
  EXPECT_FALSE(parsePli(only(kFir)).ok());
  EXPECT_FALSE(parseNack(only(kTransportCc)).ok());
  EXPECT_FALSE(parseFeedbackHeader(only(kSr)).ok());
  EXPECT_EQ(parseFeedbackHeader(only(kRemb))->senderSsrc, 1u);
}

TEST(Rtcp, BuildersMatchTheHandWrittenBytes) {
  EXPECT_EQ(buildNack(1, 2, std::vector<uint16_t>{100, 101, 103}), kNack);
  EXPECT_EQ(buildPli(1, 2), kPli);
  EXPECT_EQ(buildFir(1, std::vector<RtcpFirEntry>{{0x11223344, 7}}), kFir);
  EXPECT_EQ(buildRemb(1, 1000000, std::vector<uint32_t>{0x11223344}), kRemb);
  EXPECT_EQ(buildReceiverReport(0x55667788, std::vector<RtcpReportBlock>{{0x11223344, 0x40, -2, 0x10010, 0x20,
                                                                          0xb3c45d6e, 0x10000}}),
            kRr);
  RtcpSenderReport sr{0x11223344, 0xe1a2b3c45d6e7f80, 0x12345, 10, 1000, {}};
  EXPECT_EQ(buildSenderReport(sr), kSr);
}

TEST(Rtcp, EveryBuilderRoundTripsThroughItsParser) {
  const std::vector<RtcpReportBlock> blocks = {
      {1, 2, 3, 4, 5, 6, 7}, {8, 255, -0x800000, 9, 10, 11, 12}, {13, 0, 0x7fffff, 14, 15, 16, 17}};
  RtcpSenderReport sr{42, 0x0102030405060708, 99, 1234, 567890, blocks};
  const auto parsedSr = parseSenderReport(only(buildSenderReport(sr)));
  ASSERT_TRUE(parsedSr.ok());
  EXPECT_EQ(parsedSr->ntpTimestamp, sr.ntpTimestamp);
  EXPECT_EQ(parsedSr->octetCount, sr.octetCount);
  EXPECT_EQ(parsedSr->reports, blocks);

  const auto parsedRr = parseReceiverReport(only(buildReceiverReport(43, blocks)));
  ASSERT_TRUE(parsedRr.ok());
  EXPECT_EQ(parsedRr->senderSsrc, 43u);
  EXPECT_EQ(parsedRr->reports, blocks);

  // Clamped to 24 bits.
  const std::vector<RtcpReportBlock> huge = {{1, 0, 0x7fffffff, 0, 0, 0, 0}};
  EXPECT_EQ(parseReceiverReport(only(buildReceiverReport(1, huge)))->reports[0].cumulativeLost, 0x7fffff);

  // Ascending with a wrap, a gap over 16, a run of 17.
  std::vector<uint16_t> lost = {65530, 65535, 0, 3, 100};
  for (uint16_t s = 200; s <= 216; ++s) lost.push_back(s);
  const auto nack = parseNack(only(buildNack(5, 6, lost)));
  ASSERT_TRUE(nack.ok());
  EXPECT_EQ(nack->lost, lost);
  EXPECT_EQ(nack->mediaSsrc, 6u);

  const std::vector<RtcpFirEntry> entries = {{1, 0}, {2, 255}};
  const auto fir = parseFir(only(buildFir(7, entries)));
  ASSERT_TRUE(fir.ok());
  EXPECT_EQ(fir->senderSsrc, 7u);
  EXPECT_EQ(fir->entries, entries);

  const auto pli = parsePli(only(buildPli(8, 9)));
  ASSERT_TRUE(pli.ok());
  EXPECT_EQ(pli->senderSsrc, 8u);
  EXPECT_EQ(pli->mediaSsrc, 9u);

  for (uint64_t bitrate : {uint64_t{0}, uint64_t{30000}, uint64_t{262143}, uint64_t{262144},
                           uint64_t{2500000}, uint64_t{123456789}, ~uint64_t{0}}) {
    const std::vector<uint32_t> ssrcs = {1, 2, 3};
    const auto remb = parseRemb(only(buildRemb(10, bitrate, ssrcs)));
    ASSERT_TRUE(remb.ok()) << bitrate;
    EXPECT_EQ(remb->ssrcs, ssrcs);
    // Rounded down to 18 significant bits: never above, less than 2^-17 below.
    EXPECT_LE(remb->bitrateBps, bitrate);
    EXPECT_LE(bitrate - remb->bitrateBps, bitrate >> 17) << bitrate;
  }
  EXPECT_EQ(parseRemb(only(buildRemb(10, 262143, {})))->bitrateBps, 262143u);
}

TEST(Rtcp, RejectsMalformedCompounds) {
  auto with = [](Bytes v, size_t at, uint8_t value) {
    v[at] = value;
    return v;
  };
  const std::vector<std::pair<const char*, Bytes>> cases = {
      {"empty", {}},
      {"shorter than a header", {0x80, 0xc9, 0x00}},
      {"version 1", with(kPli, 0, 0x41)},
      {"length overruns", with(kPli, 3, 0x03)},
      {"second packet's length overruns", concat({kPli, with(kPli, 3, 0x03)})},
      {"trailing bytes", concat({kPli, {0x80, 0xc9}})},
      {"padding count zero", with(with(kPli, 0, 0xa1), 11, 0x00)},
      {"padding larger than the body", with(with(kPli, 0, 0xa1), 11, 0x09)},
  };
  for (const auto& [name, bytes] : cases) {
    EXPECT_FALSE(splitRtcpCompound(bytes).ok()) << name;
    RtcpCompoundReader reader(bytes);
    while (reader.next()) {
    }
    EXPECT_TRUE(reader.malformed()) << name;
  }
  // Padding is stripped from the body.
  const auto padded = only(with(with(kPli, 0, 0xa1), 11, 0x04));
  EXPECT_EQ(padded.body.size(), 4u);
}

TEST(Rtcp, RejectsSubPacketsTooShortForTheirKind) {
  const std::vector<std::pair<const char*, Bytes>> cases = {
      {"RR of zero length", {0x80, 0xc9, 0x00, 0x00}},
      {"RR announcing a block it lacks", {0x81, 0xc9, 0x00, 0x01, 0, 0, 0, 1}},
      {"SR without sender info", {0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1}},
      {"NACK without FCI", {0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2}},
      {"PLI without media SSRC", {0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1}},
      {"FIR without entry", {0x84, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0}},
      {"FIR entry of 4 bytes", {0x84, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4}},
      {"REMB counting 2 SSRCs with 1",
       [] {
         auto v = kRemb;
         v[16] = 2;
         return v;
       }()},
      {"REMB overflowing 64 bits",
       [] {
         auto v = kRemb;
         v[17] = 0xff;  // exponent 63, mantissa 0x3d090
         return v;
       }()},
      {"AFB other than REMB",
       [] {
         auto v = kRemb;
         v[15] = 'X';
         return v;
       }()},
      {"BYE reason overruns", {0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'b', 'y', 'e'}},
      {"BYE counting 2 SSRCs with 1", {0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1}},
  };
  for (const auto& [name, bytes] : cases) {
    const auto p = only(bytes);
    bool anyParsed = parseSenderReport(p).ok() || parseReceiverReport(p).ok() || parseNack(p).ok() ||
                     parsePli(p).ok() || parseFir(p).ok() || parseRemb(p).ok() || parseBye(p).ok();
    EXPECT_FALSE(anyParsed) << name;
  }
}

}  // namespace
}  // namespace roomgate::media
