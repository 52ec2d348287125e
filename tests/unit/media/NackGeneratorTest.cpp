#include "media/NackGenerator.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
using Seqs = std::vector<uint16_t>;
const auto kT0 = std::chrono::steady_clock::time_point{} + 1000s;

TEST(NackGenerator, InOrderStreamNacksNothing) {
  NackGenerator g;
  for (uint16_t s = 65530; s != 10; ++s) EXPECT_FALSE(g.onPacket(s, kT0));
  EXPECT_TRUE(g.tick(kT0).empty());
  EXPECT_EQ(g.missingCount(), 0u);
}

TEST(NackGenerator, GapIsNackedAtTheNextTickInOneBatch) {
  NackGenerator g;
  g.onPacket(100, kT0);
  g.onPacket(104, kT0);
  g.onPacket(106, kT0);
  EXPECT_EQ(g.tick(kT0 + 1ms), (Seqs{101, 102, 103, 105}));
  EXPECT_EQ(g.nacksSent(), 4u);
  EXPECT_TRUE(g.tick(kT0 + 2ms).empty());  // not due again yet
}

TEST(NackGenerator, GapAcrossTheWrapInOrder) {
  NackGenerator g;
  g.onPacket(65534, kT0);
  g.onPacket(1, kT0);
  EXPECT_EQ(g.tick(kT0), (Seqs{65535, 0}));
}

TEST(NackGenerator, ReNacksEveryRttUpToTheRetryLimit) {
  NackGenerator g;
  g.setRtt(50ms);
  g.onPacket(1, kT0);
  g.onPacket(3, kT0);
  auto t = kT0;
  for (int i = 0; i < NackGenerator::kMaxNackRetries; ++i) {
    EXPECT_EQ(g.tick(t), (Seqs{2})) << i;
    EXPECT_TRUE(g.tick(t + 49ms).empty()) << i;
    t += 50ms;
  }
  EXPECT_TRUE(g.tick(t).empty());
  EXPECT_EQ(g.missingCount(), 0u);
  EXPECT_EQ(g.lostForGood(), 1u);
  EXPECT_EQ(g.nacksSent(), static_cast<uint64_t>(NackGenerator::kMaxNackRetries));
}

// Seq 2 is missing; it is NACKed at once and again exactly `spacing` later.
void expectReNackSpacing(NackGenerator& g, std::chrono::milliseconds spacing) {
  g.onPacket(1, kT0);
  g.onPacket(3, kT0);
  EXPECT_EQ(g.tick(kT0), (Seqs{2}));
  EXPECT_TRUE(g.tick(kT0 + spacing - 1ms).empty());
  EXPECT_EQ(g.tick(kT0 + spacing), (Seqs{2}));
}

TEST(NackGenerator, RetrySpacingHasAFloorUnderTinyRtts) {
  NackGenerator g;
  g.setRtt(1ms);
  expectReNackSpacing(g, NackGenerator::kMinNackInterval);
}

TEST(NackGenerator, DefaultRttBeforeAMeasurement) {
  NackGenerator g;
  expectReNackSpacing(g, NackGenerator::kDefaultRtt);
}

TEST(NackGenerator, ArrivalsLeaveTheListAndCountAsRecoveredOnlyIfNacked) {
  NackGenerator g;
  g.onPacket(10, kT0);
  g.onPacket(14, kT0);
  g.onPacket(12, kT0);  // reordered before any NACK
  EXPECT_EQ(g.tick(kT0), (Seqs{11, 13}));
  g.onPacket(13, kT0 + 30ms);  // the retransmission
  g.onPacket(13, kT0 + 31ms);  // and a duplicate of it
  EXPECT_EQ(g.recovered(), 1u);
  EXPECT_EQ(g.tick(kT0 + 200ms), (Seqs{11}));
}

TEST(NackGenerator, GivesUpOnSeqsOlderThanTheMaxAge) {
  NackGenerator g;
  g.setRtt(400ms);
  g.onPacket(1, kT0);
  g.onPacket(3, kT0);
  EXPECT_EQ(g.tick(kT0), (Seqs{2}));
  g.onPacket(5, kT0 + 500ms);
  EXPECT_EQ(g.tick(kT0 + NackGenerator::kMaxNackAge + 1ms), (Seqs{4}));
  EXPECT_EQ(g.lostForGood(), 1u);
  EXPECT_EQ(g.missingCount(), 1u);
}

TEST(NackGenerator, ListIsBoundedOldestDroppedFirst) {
  NackGenerator g;
  g.onPacket(0, kT0);
  g.onPacket(NackGenerator::kMaxMissing + 1, kT0);  // the largest gap that is still NACKed
  EXPECT_EQ(g.missingCount(), NackGenerator::kMaxMissing);
  g.onPacket(NackGenerator::kMaxMissing + 3, kT0);  // one more missing: seq 1 goes
  EXPECT_EQ(g.missingCount(), NackGenerator::kMaxMissing);
  EXPECT_EQ(g.lostForGood(), 1u);
  const Seqs nacks = g.tick(kT0);
  ASSERT_EQ(nacks.size(), NackGenerator::kMaxMissing);
  EXPECT_EQ(nacks.front(), 2);
  EXPECT_EQ(nacks.back(), NackGenerator::kMaxMissing + 2);
}

TEST(NackGenerator, HugeJumpResetsWithoutANackStorm) {
  NackGenerator g;
  g.onPacket(100, kT0);
  g.onPacket(102, kT0);
  EXPECT_TRUE(g.onPacket(102 + NackGenerator::kMaxMissing + 2, kT0));
  EXPECT_TRUE(g.tick(kT0).empty());
  EXPECT_EQ(g.resets(), 1u);
  EXPECT_EQ(g.lostForGood(), 1u);  // 101 was dropped with the list
  // The stream goes on from the new seq.
  g.onPacket(102 + NackGenerator::kMaxMissing + 4, kT0);
  EXPECT_EQ(g.tick(kT0), (Seqs{static_cast<uint16_t>(102 + NackGenerator::kMaxMissing + 3)}));
}

TEST(NackGenerator, HugeBackwardJumpResetsToo) {
  NackGenerator g;
  g.onPacket(30000, kT0);
  EXPECT_TRUE(g.onPacket(5, kT0));
  g.onPacket(7, kT0);
  EXPECT_EQ(g.tick(kT0), (Seqs{6}));
}

TEST(NackGenerator, OldPacketsWithinRangeAreHarmless) {
  NackGenerator g;
  g.onPacket(1000, kT0);
  EXPECT_FALSE(g.onPacket(990, kT0));  // never missing: nothing to remove
  EXPECT_FALSE(g.onPacket(1000, kT0));
  EXPECT_TRUE(g.tick(kT0).empty());
  EXPECT_EQ(g.recovered(), 0u);
}

}  // namespace
}  // namespace roomgate::media
