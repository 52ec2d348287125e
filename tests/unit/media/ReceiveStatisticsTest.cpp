// The receiver-report figures of one incoming stream (RFC 3550 A.3, A.8): loss in all and per interval,
// the extended highest sequence number across a wrap, jitter, and the last-SR timing.
#include "media/ReceiveStatistics.hpp"

#include <gtest/gtest.h>

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
using Clock = ReceiveStatistics::Clock;

constexpr uint32_t kVideoRate = 90000;
constexpr uint32_t kFrameTicks = 3000;  // 30 fps at 90 kHz

TEST(ReceiveStatistics, NothingToReportBeforeTheFirstPacket) {
  ReceiveStatistics stats(kVideoRate);
  EXPECT_FALSE(stats.due(Clock::now()));
  EXPECT_FALSE(stats.report(1, Clock::now()));
}

TEST(ReceiveStatistics, CountsLossInAllAndSinceTheLastReport) {
  ReceiveStatistics stats(kVideoRate);
  auto t = Clock::time_point{} + 10s;
  for (uint16_t seq = 100; seq < 110; ++seq) {
    if (seq != 103) stats.onPacket(seq, seq * kFrameTicks, t);
    t += 33333us;
  }
  ASSERT_TRUE(stats.due(t));
  auto first = stats.report(0xABCD, t);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->ssrc, 0xABCDu);
  EXPECT_EQ(first->highestSequence, 109u);
  EXPECT_EQ(first->cumulativeLost, 1);
  EXPECT_EQ(first->fractionLost, 256 / 10);  // 1 of 10 expected
  EXPECT_FALSE(stats.due(t + 999ms));
  EXPECT_TRUE(stats.due(t + kReceiverReportInterval));

  for (uint16_t seq = 110; seq < 120; ++seq) stats.onPacket(seq, seq * kFrameTicks, t += 33333us);
  auto second = stats.report(0xABCD, t);
  EXPECT_EQ(second->fractionLost, 0) << "none lost in this interval";
  EXPECT_EQ(second->cumulativeLost, 1);
  EXPECT_EQ(second->highestSequence, 119u);
}

TEST(ReceiveStatistics, ExtendsTheSequenceNumberAcrossAWrapAndIgnoresLateDuplicates) {
  ReceiveStatistics stats(kVideoRate);
  auto t = Clock::time_point{} + 1s;
  for (uint32_t i = 0; i < 10; ++i) stats.onPacket(static_cast<uint16_t>(65530 + i), i * kFrameTicks, t);
  stats.onPacket(65533, 3 * kFrameTicks, t);  // a late duplicate: no jump backwards
  auto r = stats.report(1, t);
  EXPECT_EQ(r->highestSequence, 65536u + 3u);
  EXPECT_LE(r->cumulativeLost, 0) << "a duplicate is not a loss";
  EXPECT_EQ(r->fractionLost, 0);
}

TEST(ReceiveStatistics, JitterIsZeroForEvenArrivalsAndGrowsWithUnevenOnes) {
  ReceiveStatistics even(kVideoRate), uneven(kVideoRate);
  auto t = Clock::time_point{} + 1s;
  for (uint16_t seq = 0; seq < 50; ++seq) {
    even.onPacket(seq, seq * kFrameTicks, t + seq * 33333us);
    uneven.onPacket(seq, seq * kFrameTicks, t + seq * 33333us + (seq % 2 ? 20ms : 0ms));
  }
  EXPECT_LE(even.report(1, t + 2s)->jitter, 1u);
  EXPECT_GT(uneven.report(1, t + 2s)->jitter, 900u) << "20 ms swings are 1800 ticks at 90 kHz";
}

TEST(ReceiveStatistics, ReportsTheLastSenderReportAndTheDelaySinceIt) {
  ReceiveStatistics stats(kVideoRate);
  const auto t = Clock::time_point{} + 5s;
  stats.onPacket(1, 0, t);
  auto before = stats.report(1, t);
  EXPECT_EQ(before->lastSr, 0u);
  EXPECT_EQ(before->delaySinceLastSr, 0u);
  stats.onSenderReport(0x1122334455667788ull, t);
  auto r = stats.report(1, t + 500ms);
  EXPECT_EQ(r->lastSr, 0x33445566u) << "the middle 32 bits of the NTP timestamp";
  EXPECT_EQ(r->delaySinceLastSr, 32768u) << "half a second in 1/65536 s";
}

TEST(ReceiveStatistics, ARestartedNumberingStartsTheCountAfresh) {
  ReceiveStatistics stats(kVideoRate);
  auto t = Clock::time_point{} + 1s;
  for (uint16_t seq = 100; seq < 110; ++seq) stats.onPacket(seq, 0, t);
  for (uint16_t seq = 40000; seq < 40010; ++seq) stats.onPacket(seq, 0, t);
  auto r = stats.report(1, t);
  EXPECT_EQ(r->highestSequence, 40009u);
  EXPECT_EQ(r->cumulativeLost, 0) << "not 39,900 lost";
}

}  // namespace
}  // namespace roomgate::media
