#include "media/SeqRewriter.hpp"

#include <gtest/gtest.h>

#include "media/RetransmissionBuffer.hpp"

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
using Mapping = SeqRewriter::Mapping;
using Source = SeqRewriter::Source;

constexpr uint32_t kOutSsrc = 0xAABBCCDD;
constexpr uint32_t kVideoClock = 90000;
constexpr uint32_t kA = 0x1111;
constexpr uint32_t kB = 0x2222;
const auto kT0 = std::chrono::steady_clock::time_point{} + 1000s;

static_assert(SeqRewriter::kWindow >= kRetransmissionPackets, "a NACKed out seq must map back while held");

TEST(SeqRewriter, FirstPacketMapsToTheChosenStart) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 777);
  EXPECT_EQ(r.map(kA, 100, 3000, kT0), (Mapping{5000, 777}));
  EXPECT_EQ(r.outSsrc(), kOutSsrc);
}

TEST(SeqRewriter, InOrderPacketsAreConsecutiveAndKeepTimestampSpacing) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 777);
  for (uint16_t i = 0; i < 10; ++i) {
    const auto m = r.map(kA, static_cast<uint16_t>(100 + i), 3000 + i * 3000u, kT0 + i * 33ms);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->seq, 5000 + i);
    EXPECT_EQ(m->timestamp, 777 + i * 3000u);
  }
  EXPECT_EQ(r.restarts(), 0u);
}

TEST(SeqRewriter, GapsStayGapsSoTheSubscriberCanNack) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 0);
  ASSERT_TRUE(r.map(kA, 100, 0, kT0));
  EXPECT_EQ(r.map(kA, 103, 0, kT0)->seq, 5003);
}

TEST(SeqRewriter, ReorderedLateAndDuplicatePacketsMapConsistently) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 0);
  ASSERT_TRUE(r.map(kA, 100, 0, kT0));
  ASSERT_TRUE(r.map(kA, 104, 3000, kT0));
  EXPECT_EQ(r.map(kA, 102, 1500, kT0 + 5ms), (Mapping{5002, 1500}));
  EXPECT_EQ(r.map(kA, 101, 1500, kT0 + 6ms), (Mapping{5001, 1500}));
  EXPECT_EQ(r.map(kA, 102, 1500, kT0 + 7ms), (Mapping{5002, 1500}));  // duplicate
  EXPECT_EQ(r.map(kA, 104, 3000, kT0 + 8ms), (Mapping{5004, 3000}));  // duplicate of the newest
  EXPECT_EQ(r.map(kA, 105, 4500, kT0 + 9ms), (Mapping{5005, 4500}));
}

TEST(SeqRewriter, OldPacketsMapWithinTheWindowOnly) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 0);
  ASSERT_TRUE(r.map(kA, 0, 0, kT0));
  ASSERT_TRUE(r.map(kA, 600, 0, kT0));
  const uint16_t oldest = 600 - (SeqRewriter::kWindow - 1);
  EXPECT_EQ(r.map(kA, oldest, 0, kT0)->seq, oldest);
  EXPECT_FALSE(r.map(kA, oldest - 1, 0, kT0));
  EXPECT_EQ(r.dropped(), 1u);
}

TEST(SeqRewriter, PacketsBeforeTheFirstOfASegmentAreDropped) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 0);
  ASSERT_TRUE(r.map(kA, 100, 0, kT0));
  EXPECT_FALSE(r.map(kA, 99, 0, kT0));  // out 4999 was never ours to give
  ASSERT_TRUE(r.map(kA, 101, 0, kT0));
}

TEST(SeqRewriter, IncomingSequenceWrapIsSeamless) {
  SeqRewriter r(kOutSsrc, kVideoClock, 100, 0);
  ASSERT_TRUE(r.map(kA, 65534, 0, kT0));
  EXPECT_EQ(r.map(kA, 65535, 0, kT0)->seq, 101);
  EXPECT_EQ(r.map(kA, 1, 0, kT0)->seq, 103);
  EXPECT_EQ(r.map(kA, 0, 0, kT0)->seq, 102);  // late, across the wrap
  EXPECT_EQ(r.restarts(), 0u);
}

TEST(SeqRewriter, OutgoingSequenceAndTimestampWrap) {
  SeqRewriter r(kOutSsrc, kVideoClock, 65535, 0xFFFFFFFFu - 1000);
  EXPECT_EQ(r.map(kA, 10, 50000, kT0), (Mapping{65535, 0xFFFFFFFFu - 1000}));
  EXPECT_EQ(r.map(kA, 11, 53000, kT0 + 33ms), (Mapping{0, 1999}));
  EXPECT_EQ(r.map(kA, 12, 56000, kT0 + 66ms), (Mapping{1, 4999}));
}

TEST(SeqRewriter, IncomingTimestampWrapIsNotARestart) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 1000);
  ASSERT_TRUE(r.map(kA, 1, 0xFFFFFFFFu - 1499, kT0));
  EXPECT_EQ(r.map(kA, 2, 1500, kT0 + 33ms), (Mapping{1, 4000}));
  EXPECT_EQ(r.restarts(), 0u);
}

TEST(SeqRewriter, NewSsrcContinuesSeqAndTimestampByWallTime) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 10000);
  ASSERT_TRUE(r.map(kA, 100, 0, kT0));
  ASSERT_TRUE(r.map(kA, 101, 3000, kT0 + 33ms));  // out ts 13000
  // 200 ms later a new source with unrelated numbers: 200 ms at 90 kHz = 18000 ticks.
  EXPECT_EQ(r.map(kB, 40000, 123456789, kT0 + 233ms), (Mapping{5002, 31000}));
  EXPECT_EQ(r.map(kB, 40001, 123456789 + 3000, kT0 + 266ms), (Mapping{5003, 34000}));
  EXPECT_EQ(r.restarts(), 1u);
}

TEST(SeqRewriter, RestartAdvancesTheTimestampAtLeastOneTick) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 500);
  ASSERT_TRUE(r.map(kA, 1, 0, kT0));
  EXPECT_EQ(r.map(kB, 9, 0, kT0), (Mapping{1, 501}));
}

TEST(SeqRewriter, AudioClockRateIsUsedForTheElapsedTime) {
  SeqRewriter r(kOutSsrc, 48000, 0, 0);
  ASSERT_TRUE(r.map(kA, 1, 0, kT0));
  EXPECT_EQ(r.map(kB, 1, 0, kT0 + 100ms), (Mapping{1, 4800}));
}

TEST(SeqRewriter, LatePacketsOfTheOldSsrcAreDroppedAfterASwitch) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 0);
  ASSERT_TRUE(r.map(kA, 10, 0, kT0));
  ASSERT_TRUE(r.map(kA, 11, 0, kT0));
  ASSERT_TRUE(r.map(kB, 500, 0, kT0 + 10ms));
  EXPECT_FALSE(r.map(kA, 9, 0, kT0 + 11ms));
  EXPECT_FALSE(r.map(kA, 11, 0, kT0 + 11ms));
  EXPECT_EQ(r.map(kB, 501, 0, kT0 + 12ms)->seq, 3);
  EXPECT_EQ(r.restarts(), 1u);
  // Switching back to A with newer packets is a new run.
  EXPECT_EQ(r.map(kA, 12, 0, kT0 + 13ms)->seq, 4);
  EXPECT_EQ(r.restarts(), 2u);
}

TEST(SeqRewriter, ForwardSeqJumpOverTheBoundIsARestart) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 0);
  ASSERT_TRUE(r.map(kA, 100, 0, kT0));
  EXPECT_EQ(r.map(kA, 100 + SeqRewriter::kMaxSeqJump, 0, kT0)->seq, SeqRewriter::kMaxSeqJump);
  EXPECT_EQ(r.restarts(), 0u);
  EXPECT_EQ(r.map(kA, 100 + 3 * SeqRewriter::kMaxSeqJump, 0, kT0)->seq, SeqRewriter::kMaxSeqJump + 1);
  EXPECT_EQ(r.restarts(), 1u);
}

TEST(SeqRewriter, BackwardRestartUnderTheSameSsrcNeedsTwoConsecutivePackets) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 0);
  ASSERT_TRUE(r.map(kA, 30000, 0, kT0));
  ASSERT_TRUE(r.map(kA, 30001, 0, kT0));
  EXPECT_FALSE(r.map(kA, 10, 0, kT0));  // a stray: could be ancient
  EXPECT_EQ(r.map(kA, 11, 0, kT0 + 1ms)->seq, 2);
  EXPECT_EQ(r.map(kA, 12, 0, kT0 + 2ms)->seq, 3);
  EXPECT_EQ(r.restarts(), 1u);
  // A lone stray is dropped and changes nothing.
  EXPECT_FALSE(r.map(kA, 40000, 0, kT0));
  EXPECT_EQ(r.map(kA, 13, 0, kT0 + 3ms)->seq, 4);
}

TEST(SeqRewriter, TimestampJumpIsARestartButWallClockPacingIsNot) {
  SeqRewriter r(kOutSsrc, kVideoClock, 0, 0);
  ASSERT_TRUE(r.map(kA, 1, 1000, kT0));
  // 10 s of silence (a paused screen share): the timestamp followed the wall clock.
  EXPECT_EQ(r.map(kA, 2, 1000 + 900000, kT0 + 10s), (Mapping{1, 900000}));
  EXPECT_EQ(r.restarts(), 0u);
  // The timestamp leaps an hour ahead 33 ms later: a new run, continued from wall time.
  EXPECT_EQ(r.map(kA, 3, 1000 + 900000 + 90000 * 3600, kT0 + 10s + 33ms), (Mapping{2, 900000 + 2970}));
  EXPECT_EQ(r.restarts(), 1u);
}

TEST(SeqRewriter, ReverseMapCoversTheWindow) {
  SeqRewriter r(kOutSsrc, kVideoClock, 65000, 0);
  ASSERT_TRUE(r.map(kA, 100, 0, kT0));
  EXPECT_EQ(r.source(65000), (Source{kA, 100}));
  ASSERT_TRUE(r.map(kA, 102, 0, kT0));
  EXPECT_FALSE(r.source(65001));  // never sent
  ASSERT_TRUE(r.map(kB, 7, 0, kT0));
  EXPECT_EQ(r.source(65003), (Source{kB, 7}));
  EXPECT_EQ(r.source(65002), (Source{kA, 102}));
  EXPECT_FALSE(r.source(65004));  // not yet
  for (uint16_t i = 8; i < 8 + 1000; ++i) ASSERT_TRUE(r.map(kB, i, 0, kT0));
  // Out seqs wrapped past 65535; the newest is (65003 + 1000) mod 2^16.
  const uint16_t newest = static_cast<uint16_t>(65003 + 1000);
  EXPECT_EQ(r.source(newest), (Source{kB, 1007}));
  EXPECT_EQ(r.source(static_cast<uint16_t>(newest - (SeqRewriter::kWindow - 1))),
            (Source{kB, static_cast<uint16_t>(1007 - (SeqRewriter::kWindow - 1))}));
  EXPECT_FALSE(r.source(static_cast<uint16_t>(newest - SeqRewriter::kWindow)));
  EXPECT_FALSE(r.source(65000));
}

TEST(SeqRewriter, ReverseMapKeepsTheOutTimestampAcrossARestart) {
  SeqRewriter r(kOutSsrc, kVideoClock, 5000, 777);
  ASSERT_EQ(r.map(kA, 100, 3000, kT0), (Mapping{5000, 777}));
  ASSERT_EQ(r.map(kA, 101, 6000, kT0 + 33ms), (Mapping{5001, 3777}));
  // A forward jump over kMaxSeqJump: a new segment with a new timestamp offset.
  const auto restarted = r.map(kA, 2000, 123456, kT0 + 66ms);
  ASSERT_TRUE(restarted);
  ASSERT_EQ(restarted->seq, 5002);
  ASSERT_EQ(r.restarts(), 1u);
  using Origin = SeqRewriter::Origin;
  EXPECT_EQ(r.origin(5001), (Origin{{kA, 101}, 3777})) << "the offset it was mapped with, not today's";
  EXPECT_EQ(r.origin(5002), (Origin{{kA, 2000}, restarted->timestamp}));
  EXPECT_FALSE(r.origin(5003));
}

TEST(SeqRewriter, NothingMapsBackBeforeTheFirstPacket) {
  const SeqRewriter r(kOutSsrc, kVideoClock, 0, 0);
  EXPECT_FALSE(r.source(0));
  EXPECT_FALSE(r.source(65535));
}

}  // namespace
}  // namespace roomgate::media
