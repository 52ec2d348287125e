#include "media/TwccFeedback.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "media/Rtcp.hpp"

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kSender = 1;
constexpr uint32_t kMedia = 0x55667788;
constexpr size_t kPrefix = 12;  // RTCP header, sender SSRC, media SSRC: where the FCI starts
constexpr int64_t kWrapUs = (int64_t{1} << 24) * kTwccReferenceUnitUs;  // the reference time's period
const auto kT0 = Clock::time_point{} + 1000s;  // 10^9 us: reference time 15625 exactly
constexpr int64_t kT0Us = 1'000'000'000;

TwccArrival got(uint16_t seq, int64_t us) {
  return {seq, us};
}
TwccArrival lost(uint16_t seq) {
  return {seq, std::nullopt};
}
int64_t floorTo(int64_t us, int64_t unit) {
  const int64_t q = us / unit;
  return (us % unit != 0 && us < 0 ? q - 1 : q) * unit;
}
int64_t modWrap(int64_t us) {
  return ((us % kWrapUs) + kWrapUs) % kWrapUs;
}

// The packet's FCI, found as the SFU finds it: splitRtcpCompound, then parseTransportCc.
Bytes fciOf(const Bytes& packet) {
  auto packets = splitRtcpCompound(packet);
  EXPECT_TRUE(packets.ok());
  if (!packets.ok() || packets->size() != 1) {
    ADD_FAILURE() << "not one RTCP packet";
    return {};
  }
  const auto tcc = parseTransportCc(packets->front());
  EXPECT_TRUE(tcc.ok());
  if (!tcc.ok()) return {};
  EXPECT_EQ(tcc->senderSsrc, kSender);
  EXPECT_EQ(tcc->mediaSsrc, kMedia);
  return Bytes(tcc->feedback.begin(), tcc->feedback.end());
}

TwccFeedback parsed(const Bytes& packet) {
  auto fb = parseTwccFci(fciOf(packet));
  EXPECT_TRUE(fb.ok()) << (fb.ok() ? "" : fb.error().message);
  return fb.ok() ? *fb : TwccFeedback{};
}

TwccBuilt build(std::vector<TwccArrival> arrivals, uint8_t count = 0) {
  return buildTwccFeedback(kSender, kMedia, count, arrivals);
}

std::optional<int64_t> us(int64_t v) {
  return v;
}

// --- hand-computed packets ---------------------------------------------------------------------------

TEST(TwccFeedback, RunLengthChunk) {
  // Reference 321000 / 64000 = 5 (320000 us). Ticks of 250 us: 1284, 1288, 1290 -> deltas 4, 4, 2.
  const auto b = build({got(100, 321'000), got(101, 322'000), got(102, 322'500)}, 7);
  const Bytes expected = {0xaf, 0xcd, 0x00, 0x06,                          // P, FMT 15, PT 205, 7 words
                          0x00, 0x00, 0x00, 0x01, 0x55, 0x66, 0x77, 0x88,  // SSRCs
                          0x00, 0x64, 0x00, 0x03,                          // base 100, 3 packets
                          0x00, 0x00, 0x05, 0x07,                          // reference 5, fb count 7
                          0x20, 0x03,                                      // run: small delta x3
                          0x04, 0x04, 0x02,                                // deltas
                          0x00, 0x00, 0x03};                               // padding, counted
  EXPECT_EQ(b.packet, expected);
  EXPECT_EQ(b.taken, 3u);
  const auto fb = parsed(b.packet);
  EXPECT_EQ(fb.baseSeq, 100);
  EXPECT_EQ(fb.referenceTime, 5);
  EXPECT_EQ(fb.feedbackCount, 7);
  const std::vector<TwccPacketStatus> want = {{100, us(1000)}, {101, us(2000)}, {102, us(2500)}};
  EXPECT_EQ(fb.packets, want);
}

TEST(TwccFeedback, OneBitStatusVector) {
  // 14 packets, received: 1 0 1 1 0 0 0 1 1 1 1 0 1 1, each 1 ms after the previous received one.
  const std::vector<bool> pattern = {1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1};
  std::vector<TwccArrival> arrivals;
  int64_t t = 64'000;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const auto seq = static_cast<uint16_t>(200 + i);
    if (pattern[i]) {
      arrivals.push_back(got(seq, t));
      t += 1000;
    } else {
      arrivals.push_back(lost(seq));
    }
  }
  const auto b = build(arrivals);
  const Bytes expected = {0xaf, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x55,
                          0x66, 0x77, 0x88, 0x00, 0xc8, 0x00, 0x0e,              // base 200, 14 packets
                          0x00, 0x00, 0x01, 0x00,                                // reference 1, fb count 0
                          0xac, 0x7b,                                            // 1 0 | 10110001111011
                          0x00, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04,  // 9 deltas
                          0x01};                                                 // padding
  EXPECT_EQ(b.packet, expected);
  const auto fb = parsed(b.packet);
  ASSERT_EQ(fb.packets.size(), 14u);
  int64_t offset = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    EXPECT_EQ(fb.packets[i].seq, 200 + i);
    if (pattern[i]) {
      EXPECT_EQ(fb.packets[i].offsetUs, us(offset));
      offset += 1000;
    } else {
      EXPECT_EQ(fb.packets[i].offsetUs, std::nullopt);
    }
  }
}

TEST(TwccFeedback, TwoBitStatusVectorWithLargeAndNegativeDeltas) {
  // Reference 2 (128000 us). Ticks: 513 (delta 1), lost, 913 (+400: large), 905 (-8: large, negative),
  // 908 (+3), lost, 227100 us rounds down to 908 (+0).
  const auto b = build({got(300, 128'250), lost(301), got(302, 228'250), got(303, 226'250), got(304, 227'000),
                        lost(305), got(306, 227'100)},
                       0xfe);
  const Bytes expected = {0xaf, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,
                          0x55, 0x66, 0x77, 0x88, 0x01, 0x2c, 0x00, 0x07,  // base 300, 7 packets
                          0x00, 0x00, 0x02, 0xfe,                          // reference 2, fb count 254
                          0xd2, 0x91,                                      // 1 1 | 01 00 10 10 01 00 01
                          0x01, 0x01, 0x90, 0xff, 0xf8, 0x03, 0x00,        // 1, 400, -8, 3, 0
                          0x00, 0x00, 0x03};
  EXPECT_EQ(b.packet, expected);
  const auto fb = parsed(b.packet);
  const std::vector<TwccPacketStatus> want = {{300, us(250)},    {301, std::nullopt}, {302, us(100'250)},
                                              {303, us(98'250)}, {304, us(99'000)},   {305, std::nullopt},
                                              {306, us(99'000)}};
  EXPECT_EQ(fb.packets, want);
  EXPECT_EQ(fb.feedbackCount, 0xfe);
}

TEST(TwccFeedback, LostPacketsAsVectorAndRunLength) {
  // 400 received, 401..430 lost, 431 received 5 ms later: a 1-bit vector (400 and 13 lost), a run of 17
  // lost, a run of one received. 28 bytes: no padding, P clear.
  std::vector<TwccArrival> arrivals = {got(400, 192'000)};
  for (uint16_t s = 401; s <= 430; ++s) arrivals.push_back(lost(s));
  arrivals.push_back(got(431, 197'000));
  const auto b = build(arrivals);
  const Bytes expected = {0x8f, 0xcd, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01,
                          0x55, 0x66, 0x77, 0x88, 0x01, 0x90, 0x00, 0x20,  // base 400, 32 packets
                          0x00, 0x00, 0x03, 0x00,                          // reference 3
                          0xa0, 0x00, 0x00, 0x11, 0x20, 0x01,              // chunks
                          0x00, 0x14};                                     // deltas 0, 20
  EXPECT_EQ(b.packet, expected);
  const auto fb = parsed(b.packet);
  ASSERT_EQ(fb.packets.size(), 32u);
  EXPECT_EQ(fb.packets.front().offsetUs, us(0));
  EXPECT_EQ(fb.packets.back().offsetUs, us(5000));
  for (size_t i = 1; i < 31; ++i) EXPECT_EQ(fb.packets[i].offsetUs, std::nullopt) << i;
}

TEST(TwccFeedback, BaseSequenceWraps) {
  const auto b = build({got(65534, 0), got(65535, 250), got(0, 500), got(1, 750)});
  const Bytes expected = {0xaf, 0xcd, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x55, 0x66, 0x77, 0x88,
                          0xff, 0xfe, 0x00, 0x04,  // base 65534, 4 packets
                          0x00, 0x00, 0x00, 0x00, 0x20, 0x04, 0x00, 0x01, 0x01, 0x01, 0x00, 0x02};
  EXPECT_EQ(b.packet, expected);
  const auto fb = parsed(b.packet);
  const std::vector<TwccPacketStatus> want = {{65534, us(0)}, {65535, us(250)}, {0, us(500)}, {1, us(750)}};
  EXPECT_EQ(fb.packets, want);
}

TEST(TwccFeedback, ReferenceTimeAndFeedbackCountFields) {
  {  // 24 bits of 64 ms, the rest wraps away: 3 wraps + 0x123456 units + 1250 us.
    const auto b = build({got(9, (3 * (int64_t{1} << 24) + 0x123456) * kTwccReferenceUnitUs + 1250)}, 0xab);
    EXPECT_EQ(Bytes(b.packet.begin() + 16, b.packet.begin() + 20), (Bytes{0x12, 0x34, 0x56, 0xab}));
    const auto fb = parsed(b.packet);
    EXPECT_EQ(fb.referenceTime, 0x123456);
    EXPECT_EQ(fb.feedbackCount, 0xab);
    ASSERT_EQ(fb.packets.size(), 1u);
    EXPECT_EQ(fb.packets[0].offsetUs, us(1250));
  }
  {  // the top bit set reads as negative (the draft's field is signed)
    const auto b = build({got(9, int64_t{0x800001} * kTwccReferenceUnitUs)});
    EXPECT_EQ(Bytes(b.packet.begin() + 16, b.packet.begin() + 19), (Bytes{0x80, 0x00, 0x01}));
    EXPECT_EQ(parsed(b.packet).referenceTime, 0x800001 - 0x1000000);
  }
  {  // a negative arrival: reference -1 (all ones), tick -1, so the delta is 255
    const auto b = build({got(9, -1)});
    EXPECT_EQ(Bytes(b.packet.begin() + 16, b.packet.begin() + 21), (Bytes{0xff, 0xff, 0xff, 0x00, 0x20}));
    const auto fb = parsed(b.packet);
    EXPECT_EQ(fb.referenceTime, -1);
    ASSERT_EQ(fb.packets.size(), 1u);
    EXPECT_EQ(fb.referenceTimeUs() + *fb.packets[0].offsetUs, -250);
  }
}

TEST(TwccFeedback, ExistingRtcpReaderAcceptsWhatTheWriterWrites) {
  const auto twcc = build({got(7, 1000), lost(8), got(9, 90'000)}).packet;
  Bytes compound = buildReceiverReport(kSender, {});
  compound.insert(compound.end(), twcc.begin(), twcc.end());
  const auto packets = splitRtcpCompound(compound);
  ASSERT_TRUE(packets.ok());
  ASSERT_EQ(packets->size(), 2u);
  const auto& p = (*packets)[1];
  EXPECT_EQ(p.type, rtcp_type::kRtpFeedback);
  EXPECT_EQ(p.count, rtcp_fmt::kTransportCc);
  const auto tcc = parseTransportCc(p);
  ASSERT_TRUE(tcc.ok());
  EXPECT_EQ(tcc->senderSsrc, kSender);
  EXPECT_EQ(tcc->mediaSsrc, kMedia);
  // The padding (P bit) is stripped by the RTCP reader: the FCI ends at the last delta.
  const size_t padding = twcc.back();
  ASSERT_TRUE(twcc[0] & 0x20);
  EXPECT_EQ(Bytes(tcc->feedback.begin(), tcc->feedback.end()),
            Bytes(twcc.begin() + kPrefix, twcc.end() - static_cast<std::ptrdiff_t>(padding)));
  EXPECT_TRUE(parseTwccFci(tcc->feedback).ok());
}

// --- the reader on hand-written FCIs ---------------------------------------------------------------------

std::string errorOf(const Bytes& fci) {
  const auto fb = parseTwccFci(fci);
  return fb.ok() ? "ok" : fb.error().code;
}

TEST(TwccFeedback, ReaderRejectsMalformedFci) {
  EXPECT_EQ(errorOf({}), "rtcp_malformed");
  EXPECT_EQ(errorOf({0, 1, 0, 1, 0, 0, 0}), "rtcp_malformed");     // fixed fields cut
  EXPECT_EQ(errorOf({0, 1, 0, 0, 0, 0, 0, 0}), "rtcp_malformed");  // status count 0
  EXPECT_EQ(errorOf({0, 1, 0, 0, 0, 0, 0, 0, 0x20, 0x01, 0x00}), "rtcp_malformed");
  EXPECT_EQ(errorOf({0, 1, 0, 20, 0, 0, 0, 0, 0x20, 0x0a}), "rtcp_malformed");             // 10 of 20 covered
  EXPECT_EQ(errorOf({0, 1, 0, 20, 0, 0, 0, 0, 0x20, 0x0a, 0x20}), "rtcp_malformed");       // half a chunk
  EXPECT_EQ(errorOf({0, 1, 0, 3, 0, 0, 0, 0, 0x20, 0x03, 0x01, 0x02}), "rtcp_malformed");  // 2 of 3 deltas
  EXPECT_EQ(errorOf({0, 1, 0, 1, 0, 0, 0, 0, 0x40, 0x01, 0x01}), "rtcp_malformed");  // half a large delta
  EXPECT_EQ(errorOf({0, 1, 0, 1, 0, 0, 0, 0, 0x60, 0x01}), "rtcp_malformed");        // run of symbol 3
  EXPECT_EQ(errorOf({0, 1, 0, 2, 0, 0, 0, 0, 0xdc, 0x00, 0x01}), "rtcp_malformed");  // 2-bit: 01 11
  EXPECT_EQ(errorOf({0, 1, 0, 1, 0, 0, 0, 0, 0x20, 0x01, 0x00, 0, 0, 0, 0}), "rtcp_malformed");  // 4 extra
  // Status count without any delta: libwebrtc's timestamp-less variant, outside the draft.
  EXPECT_EQ(errorOf({0, 1, 0, 2, 0, 0, 0, 0, 0x20, 0x02}), "rtcp_malformed");
}

TEST(TwccFeedback, ReaderIsLenientWhereLibwebrtcIs) {
  // Up to 3 bytes of zero padding inside the FCI (P bit clear, the draft's figure).
  EXPECT_EQ(errorOf({0, 1, 0, 1, 0, 0, 0, 0, 0x20, 0x01, 0x00, 0, 0, 0}), "ok");
  {  // a run longer than the status count is cut to it
    const auto fb = parseTwccFci(Bytes{0, 1, 0, 2, 0, 0, 0, 0, 0x20, 0x64, 0x01, 0x02});
    ASSERT_TRUE(fb.ok());
    const std::vector<TwccPacketStatus> want = {{1, us(250)}, {2, us(750)}};
    EXPECT_EQ(fb->packets, want);
  }
  {  // 1-bit vector: bits past the status count are not packets (and need no deltas)
    const auto fb = parseTwccFci(Bytes{0, 1, 0, 2, 0, 0, 0, 0, 0xbf, 0xff, 0x01, 0x01});
    ASSERT_TRUE(fb.ok());
    EXPECT_EQ(fb->packets.size(), 2u);
  }
  {  // 2-bit vector: a reserved symbol past the status count is ignored
    const auto fb = parseTwccFci(Bytes{0, 1, 0, 1, 0, 0, 0, 0, 0xdc, 0x00, 0x05});
    ASSERT_TRUE(fb.ok());
    const std::vector<TwccPacketStatus> want = {{1, us(1250)}};
    EXPECT_EQ(fb->packets, want);
  }
  {  // a zero-length run adds nothing
    const auto fb = parseTwccFci(Bytes{0, 1, 0, 1, 0, 0, 0, 0, 0x00, 0x00, 0x20, 0x01, 0x04});
    ASSERT_TRUE(fb.ok());
    const std::vector<TwccPacketStatus> want = {{1, us(1000)}};
    EXPECT_EQ(fb->packets, want);
  }
}

// --- writer -> reader round trips ----------------------------------------------------------------------

// Writes all of `arrivals` into as many packets as it takes, reads each back and checks it against the
// input: seqs, statuses, and each arrival rounded down to 250 us (modulo the reference time's wrap).
// Also checks why each packet ended early: it is full, or the next received packet's delta does not fit.
// Returns the number of packets.
size_t roundTrip(const std::vector<TwccArrival>& arrivals) {
  size_t packets = 0;
  for (size_t at = 0; at < arrivals.size(); ++packets) {
    const auto count = static_cast<uint8_t>(packets);
    const auto b = buildTwccFeedback(kSender, kMedia, count, std::span(arrivals).subspan(at));
    EXPECT_GE(b.taken, 1u);
    EXPECT_LE(b.taken, arrivals.size() - at);
    EXPECT_LE(b.packet.size(), kTwccMaxPacketSize);
    EXPECT_EQ(b.packet.size() % 4, 0u);
    const auto fb = parsed(b.packet);
    EXPECT_EQ(fb.baseSeq, arrivals[at].seq);
    EXPECT_EQ(fb.feedbackCount, count);
    if (fb.packets.size() != b.taken) {
      ADD_FAILURE() << "status count " << fb.packets.size() << " != taken " << b.taken;
      return packets;
    }
    std::optional<int64_t> lastReceived;
    for (size_t i = 0; i < b.taken; ++i) {
      const auto& in = arrivals[at + i];
      const auto& out = fb.packets[i];
      EXPECT_EQ(out.seq, in.seq);
      EXPECT_EQ(out.offsetUs.has_value(), in.arrivalUs.has_value()) << "seq " << in.seq;
      if (!in.arrivalUs || !out.offsetUs) continue;
      EXPECT_EQ(modWrap(fb.referenceTimeUs() + *out.offsetUs), modWrap(floorTo(*in.arrivalUs, 250)))
          << "seq " << in.seq;
      lastReceived = *in.arrivalUs;
    }
    at += b.taken;
    if (at < arrivals.size() && b.packet.size() < kTwccMaxPacketSize && b.taken < 0xffff) {
      // Not full: the next must be a received packet whose delta is out of 16-bit range.
      EXPECT_TRUE(arrivals[at].arrivalUs.has_value());
      EXPECT_TRUE(lastReceived.has_value());
      if (arrivals[at].arrivalUs && lastReceived) {
        const int64_t delta = (floorTo(*arrivals[at].arrivalUs, 250) - floorTo(*lastReceived, 250)) / 250;
        EXPECT_TRUE(delta < -32768 || delta > 32767) << delta;
      }
    }
  }
  return packets;
}

TEST(TwccFeedback, RandomArrivalPatternsRoundTrip) {
  size_t splits = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(seed);
    const size_t n = std::uniform_int_distribution<size_t>(1, 2500)(rng);
    const double lossRate = std::vector<double>{0.0, 0.02, 0.3, 0.9}[seed % 4];
    std::bernoulli_distribution isLost(lossRate);
    std::uniform_int_distribution<int> kind(0, 99);
    auto seq = static_cast<uint16_t>(std::uniform_int_distribution<int>(0, 65535)(rng));
    int64_t t = std::uniform_int_distribution<int64_t>(-(int64_t{1} << 42), int64_t{1} << 42)(rng);
    std::vector<TwccArrival> arrivals;
    for (size_t i = 0; i < n; ++i, ++seq) {
      const int k = kind(rng);
      if (k < 80) {
        t += std::uniform_int_distribution<int64_t>(0, 5'000)(rng);  // paced packets
      } else if (k < 90) {
        t -= std::uniform_int_distribution<int64_t>(0, 20'000)(rng);  // reordered
      } else if (k < 98) {
        t += std::uniform_int_distribution<int64_t>(0, 2'000'000)(rng);  // a pause
      } else {
        t += std::uniform_int_distribution<int64_t>(-10'000'000, 10'000'000)(rng);  // out of 16 bits
      }
      arrivals.push_back(isLost(rng) && i + 1 < n ? lost(seq) : got(seq, t));
    }
    const size_t packets = roundTrip(arrivals);
    splits += packets - 1;
    if (HasFailure()) {
      ADD_FAILURE() << "seed " << seed;
      return;
    }
  }
  EXPECT_GT(splits, 0u);  // the patterns do exercise both reasons to split
}

TEST(TwccFeedback, SplitsWhereADeltaDoesNotFit) {
  // +32767 ticks (8191.75 ms) fits, +32768 does not.
  const std::vector<TwccArrival> ahead = {got(10, 0), got(11, 1000), got(12, 1000 + 32767 * 250),
                                          got(13, 1000 + 32767 * 250 + 32768 * 250)};
  const auto first = buildTwccFeedback(kSender, kMedia, 0, ahead);
  EXPECT_EQ(first.taken, 3u);
  const auto second = buildTwccFeedback(kSender, kMedia, 1, std::span(ahead).subspan(3));
  EXPECT_EQ(second.taken, 1u);
  const auto fb = parsed(second.packet);
  EXPECT_EQ(fb.baseSeq, 13);
  EXPECT_EQ(fb.referenceTimeUs() + *fb.packets[0].offsetUs, 1000 + 32767 * 250 + 32768 * 250);

  // -32768 ticks fits; the lost packet after it is taken too, and -32769 does not fit.
  const int64_t t = 10'000'000;
  const std::vector<TwccArrival> back = {got(20, t), got(21, t - 32768 * 250), lost(22),
                                         got(23, t - 32768 * 250 - 32769 * 250)};
  EXPECT_EQ(buildTwccFeedback(kSender, kMedia, 0, back).taken, 3u);
  EXPECT_EQ(roundTrip(ahead), 2u);
  EXPECT_EQ(roundTrip(back), 2u);
}

TEST(TwccFeedback, SplitsAtThePacketSizeCap) {
  // Steps of +300 and -200 ticks: all deltas large but the first (from the reference, always small). A
  // 2-bit vector of 7 (2 + 1 + 6 * 2 bytes), then a run of large ones: 20 + 15 + 2 + 581 * 2 = 1199 bytes,
  // padded to the cap, 588 packets.
  std::vector<TwccArrival> arrivals;
  int64_t t = 0;
  for (uint16_t s = 0; s < 3000; ++s) {
    t += (s % 2 == 0 ? 300 : -200) * 250;
    arrivals.push_back(got(s, t));
  }
  const auto b = buildTwccFeedback(kSender, kMedia, 0, arrivals);
  EXPECT_EQ(b.taken, 588u);
  EXPECT_EQ(b.packet.size(), kTwccMaxPacketSize);
  EXPECT_EQ(roundTrip(arrivals), 6u);  // 5 x 588 + 60
}

TEST(TwccFeedback, SplitsAtTheStatusCountField) {
  // 70000 seqs, only the first and the last received: 65535 in the first packet (a 1-bit vector and
  // eight runs of lost), the rest in the second.
  std::vector<TwccArrival> arrivals;
  for (uint32_t i = 0; i < 70000; ++i) {
    const auto seq = static_cast<uint16_t>(60000 + i);
    arrivals.push_back(i == 0 || i == 69999 ? got(seq, i * 1000) : lost(seq));
  }
  const auto b = buildTwccFeedback(kSender, kMedia, 0, arrivals);
  EXPECT_EQ(b.taken, 65535u);
  EXPECT_EQ(b.packet.size(), 40u);  // 20 + 9 chunks + 1 delta, padded
  EXPECT_EQ(roundTrip(arrivals), 2u);
}

// --- TwccRecorder --------------------------------------------------------------------------------------

// The packets of a feedback, parsed; each must be a well-formed transport-cc packet.
std::vector<TwccFeedback> parsedAll(const std::vector<Bytes>& packets) {
  std::vector<TwccFeedback> out;
  for (const auto& p : packets) out.push_back(parsed(p));
  return out;
}

int64_t absoluteUs(const TwccFeedback& fb, size_t i) {
  return fb.referenceTimeUs() + fb.packets[i].offsetUs.value_or(-1);
}

TEST(TwccRecorder, DueEveryIntervalWhenSomethingIsPending) {
  TwccRecorder r;
  EXPECT_FALSE(r.due(kT0));  // nothing received
  r.onPacket(1, kT0);
  EXPECT_TRUE(r.due(kT0));  // the first feedback need not wait
  EXPECT_EQ(r.feedback(kT0, kSender, kMedia).size(), 1u);
  EXPECT_FALSE(r.due(kT0 + 60ms));  // nothing pending
  r.onPacket(2, kT0 + 10ms);
  EXPECT_FALSE(r.due(kT0 + 10ms));
  EXPECT_FALSE(r.due(kT0 + 49ms));
  EXPECT_TRUE(r.due(kT0 + TwccRecorder::kFeedbackInterval));
  EXPECT_EQ(TwccRecorder::kFeedbackInterval, 50ms);
}

TEST(TwccRecorder, FeedbackCoversEverythingSinceTheLastOneWithGapsAsLost) {
  TwccRecorder r;
  r.onPacket(10, kT0);
  r.onPacket(11, kT0 + 1ms);
  r.onPacket(14, kT0 + 3ms);
  auto fbs = parsedAll(r.feedback(kT0 + 5ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSeq, 10);
  EXPECT_EQ(fbs[0].feedbackCount, 0);
  ASSERT_EQ(fbs[0].packets.size(), 5u);
  EXPECT_EQ(absoluteUs(fbs[0], 0), kT0Us);
  EXPECT_EQ(absoluteUs(fbs[0], 1), kT0Us + 1000);
  EXPECT_EQ(fbs[0].packets[2].offsetUs, std::nullopt);
  EXPECT_EQ(fbs[0].packets[3].offsetUs, std::nullopt);
  EXPECT_EQ(absoluteUs(fbs[0], 4), kT0Us + 3000);
  EXPECT_EQ(r.pendingCount(), 0u);
  EXPECT_TRUE(r.feedback(kT0 + 6ms, kSender, kMedia).empty());  // nothing new: nothing sent

  r.onPacket(15, kT0 + 52ms);
  r.onPacket(17, kT0 + 54ms);
  fbs = parsedAll(r.feedback(kT0 + 55ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSeq, 15);  // right after the previous feedback's last
  EXPECT_EQ(fbs[0].feedbackCount, 1);
  ASSERT_EQ(fbs[0].packets.size(), 3u);
  EXPECT_EQ(fbs[0].packets[1].offsetUs, std::nullopt);
  EXPECT_EQ(absoluteUs(fbs[0], 2), kT0Us + 54'000);
}

TEST(TwccRecorder, FeedbackCountWraps) {
  TwccRecorder r;
  for (int i = 0; i < 300; ++i) {
    const auto now = kT0 + i * 50ms;
    r.onPacket(static_cast<uint16_t>(i), now);
    const auto fbs = parsedAll(r.feedback(now, kSender, kMedia));
    ASSERT_EQ(fbs.size(), 1u);
    EXPECT_EQ(fbs[0].feedbackCount, static_cast<uint8_t>(i));
  }
  EXPECT_EQ(r.nextFeedbackCount(), static_cast<uint8_t>(300));
}

TEST(TwccRecorder, DuplicatesKeepTheFirstArrival) {
  TwccRecorder r;
  r.onPacket(5, kT0);
  r.onPacket(5, kT0 + 3ms);
  r.onPacket(6, kT0 + 4ms);
  r.onPacket(6, kT0 + 5ms);
  EXPECT_EQ(r.duplicates(), 2u);
  const auto fbs = parsedAll(r.feedback(kT0 + 5ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  ASSERT_EQ(fbs[0].packets.size(), 2u);
  EXPECT_EQ(absoluteUs(fbs[0], 0), kT0Us);
  EXPECT_EQ(absoluteUs(fbs[0], 1), kT0Us + 4000);
}

TEST(TwccRecorder, ReorderingBeforeTheFeedbackIsReported) {
  TwccRecorder r;
  r.onPacket(1, kT0);
  r.onPacket(3, kT0 + 2ms);
  r.onPacket(2, kT0 + 3ms);  // fills the gap; seq 3's delta after it is negative
  const auto fbs = parsedAll(r.feedback(kT0 + 5ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  ASSERT_EQ(fbs[0].packets.size(), 3u);
  EXPECT_EQ(absoluteUs(fbs[0], 1), kT0Us + 3000);  // seq 2 arrived after seq 3
  EXPECT_EQ(absoluteUs(fbs[0], 2), kT0Us + 2000);
}

TEST(TwccRecorder, ReorderingAfterTheFeedbackIsDropped) {
  TwccRecorder r;
  r.onPacket(1, kT0);
  r.onPacket(3, kT0 + 2ms);
  auto fbs = parsedAll(r.feedback(kT0 + 5ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].packets[1].offsetUs, std::nullopt);  // 2 reported lost
  r.onPacket(2, kT0 + 6ms);                             // too late
  r.onPacket(1, kT0 + 6ms);                             // and a duplicate of a reported one
  EXPECT_EQ(r.late(), 2u);
  EXPECT_EQ(r.pendingCount(), 0u);
  EXPECT_FALSE(r.due(kT0 + 100ms));
  r.onPacket(4, kT0 + 60ms);
  fbs = parsedAll(r.feedback(kT0 + 100ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSeq, 4);
  EXPECT_EQ(fbs[0].packets.size(), 1u);
}

TEST(TwccRecorder, SeqsWrap) {
  TwccRecorder r;
  r.onPacket(65534, kT0);
  r.onPacket(65535, kT0 + 1ms);
  auto fbs = parsedAll(r.feedback(kT0 + 1ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSeq, 65534);
  r.onPacket(1, kT0 + 3ms);
  r.onPacket(0, kT0 + 4ms);
  fbs = parsedAll(r.feedback(kT0 + 60ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSeq, 0);
  ASSERT_EQ(fbs[0].packets.size(), 2u);
  EXPECT_EQ(absoluteUs(fbs[0], 0), kT0Us + 4000);
  EXPECT_EQ(absoluteUs(fbs[0], 1), kT0Us + 3000);
}

TEST(TwccRecorder, MemoryIsBounded) {
  TwccRecorder r;
  const size_t n = TwccRecorder::kMaxPending + 100;
  for (size_t i = 0; i < n; ++i)
    r.onPacket(static_cast<uint16_t>(i), kT0 + std::chrono::microseconds(i * 100));
  EXPECT_EQ(r.pendingCount(), TwccRecorder::kMaxPending);
  EXPECT_EQ(r.dropped(), 100u);
  const auto fbs = parsedAll(r.feedback(kT0 + 1s, kSender, kMedia));
  ASSERT_GE(fbs.size(), 2u);  // 4096 packets do not fit in 1200 bytes
  uint16_t next = 100;        // the oldest 100 went unreported
  size_t total = 0;
  for (size_t i = 0; i < fbs.size(); ++i) {
    EXPECT_EQ(fbs[i].baseSeq, next);
    EXPECT_EQ(fbs[i].feedbackCount, i);
    next = static_cast<uint16_t>(next + fbs[i].packets.size());
    total += fbs[i].packets.size();
    for (const auto& p : fbs[i].packets) EXPECT_TRUE(p.offsetUs.has_value());
  }
  EXPECT_EQ(total, TwccRecorder::kMaxPending);
  EXPECT_EQ(next, static_cast<uint16_t>(n));
}

TEST(TwccRecorder, AJumpAheadKeepsOnlyTheNewestWindow) {
  TwccRecorder r;
  r.onPacket(0, kT0);
  r.onPacket(30000, kT0 + 1ms);
  EXPECT_EQ(r.pendingCount(), TwccRecorder::kMaxPending);
  EXPECT_EQ(r.dropped(), 1u);
  const auto fbs = parsedAll(r.feedback(kT0 + 2ms, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 1u);  // 4095 lost cost a few run chunks
  EXPECT_EQ(fbs[0].baseSeq, 30000 - TwccRecorder::kMaxPending + 1);
  EXPECT_EQ(fbs[0].packets.size(), TwccRecorder::kMaxPending);
  EXPECT_EQ(absoluteUs(fbs[0], TwccRecorder::kMaxPending - 1), kT0Us + 1000);
}

TEST(TwccRecorder, SplitsWhenArrivalsAreTooFarApart) {
  TwccRecorder r;
  r.onPacket(1, kT0);
  r.onPacket(2, kT0 + 10s);  // more than 16 bits of 250 us after the first
  const auto fbs = parsedAll(r.feedback(kT0 + 10s, kSender, kMedia));
  ASSERT_EQ(fbs.size(), 2u);
  EXPECT_EQ(fbs[0].baseSeq, 1);
  EXPECT_EQ(fbs[0].packets.size(), 1u);
  EXPECT_EQ(fbs[1].baseSeq, 2);
  EXPECT_EQ(fbs[1].feedbackCount, 1);
  EXPECT_EQ(absoluteUs(fbs[1], 0), kT0Us + 10'000'000);
  EXPECT_EQ(r.nextFeedbackCount(), 2);
}

}  // namespace
}  // namespace roomgate::media
