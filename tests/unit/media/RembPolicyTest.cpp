#include "media/RembPolicy.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace roomgate::media {
namespace {

using namespace std::chrono_literals;
const auto kT0 = std::chrono::steady_clock::time_point{} + 1000s;

// RFC 3550's fraction lost for a loss ratio.
uint8_t lossFraction(double loss) {
  return static_cast<uint8_t>(loss * 256);
}

TEST(RembPolicy, NoSubscribersNoRemb) {
  RembPolicy p;
  EXPECT_FALSE(p.tick(kT0));
  EXPECT_EQ(p.target(), kMaxVideoBitrateBps);
}

TEST(RembPolicy, MinimumOfTheSubscribersRembs) {
  RembPolicy p;
  p.onRemb(1, 1'800'000);
  p.onRemb(2, 600'000);
  p.onRemb(3, 900'000);
  EXPECT_EQ(p.tick(kT0), 600'000u);
  p.removeSubscriber(2);
  EXPECT_EQ(p.target(), 900'000u);
}

TEST(RembPolicy, ClampedToTheBounds) {
  RembPolicy p;
  p.onRemb(1, 10'000);
  EXPECT_EQ(p.target(), kMinVideoBitrateBps);
  p.onRemb(1, 50'000'000);
  EXPECT_EQ(p.target(), kInitialVideoBitrateBps);  // its loss-based estimate still holds it
}

TEST(RembPolicy, LowLossGrowsEightPercentPerSecondUpToTheMax) {
  RembPolicy p;
  p.onReceiverReport(1, 0, kT0);
  EXPECT_EQ(p.target(), kInitialVideoBitrateBps);
  p.onReceiverReport(1, lossFraction(0.01), kT0 + 1s);
  EXPECT_NEAR(static_cast<double>(p.target()), 1'080'000, 1);
  p.onReceiverReport(1, 0, kT0 + 1500ms);
  EXPECT_NEAR(static_cast<double>(p.target()), 1'080'000 * std::sqrt(1.08), 1);
  // A long gap between reports counts as one second at most.
  p.onReceiverReport(1, 0, kT0 + 60s);
  EXPECT_NEAR(static_cast<double>(p.target()), 1'080'000 * std::sqrt(1.08) * 1.08, 1);
  auto t = kT0 + 60s;
  for (int i = 0; i < 30; ++i) p.onReceiverReport(1, 0, t += 1s);
  EXPECT_EQ(p.target(), kMaxVideoBitrateBps);
}

TEST(RembPolicy, HighLossBacksOffByHalfTheLoss) {
  RembPolicy p;
  p.onReceiverReport(1, lossFraction(0.25), kT0);
  EXPECT_NEAR(static_cast<double>(p.target()), 1'000'000 * (1 - 0.5 * 0.25), 1);
  // Down to the floor, and no further.
  for (int i = 1; i < 40; ++i) p.onReceiverReport(1, lossFraction(0.5), kT0 + i * 1s);
  EXPECT_EQ(p.target(), kMinVideoBitrateBps);
  // From the floor, recovery begins at the next clean report.
  p.onReceiverReport(1, 0, kT0 + 41s);
  EXPECT_NEAR(static_cast<double>(p.target()), kMinVideoBitrateBps * 1.08, 1);
}

TEST(RembPolicy, ModerateLossHolds) {
  RembPolicy p;
  p.onReceiverReport(1, lossFraction(0.05), kT0);
  p.onReceiverReport(1, lossFraction(0.05), kT0 + 1s);
  EXPECT_EQ(p.target(), kInitialVideoBitrateBps);
}

TEST(RembPolicy, RembCapsTheLossBasedEstimate) {
  RembPolicy p;
  p.onReceiverReport(1, 0, kT0);
  p.onRemb(1, 700'000);
  EXPECT_EQ(p.target(), 700'000u);
  p.onRemb(2, 2'000'000);  // another subscriber with a better path changes nothing
  EXPECT_EQ(p.target(), 700'000u);
}

TEST(RembPolicy, SentOncePerIntervalOrAtOnceOnADrop) {
  RembPolicy p;
  p.onRemb(1, 800'000);
  EXPECT_EQ(p.tick(kT0), 800'000u);
  EXPECT_FALSE(p.tick(kT0 + 100ms));
  p.onRemb(1, 790'000);  // -1.25%: waits for the interval
  EXPECT_FALSE(p.tick(kT0 + 200ms));
  EXPECT_EQ(p.tick(kT0 + kRembInterval), 790'000u);
  p.onRemb(1, 700'000);  // -11%: at once
  EXPECT_EQ(p.tick(kT0 + kRembInterval + 10ms), 700'000u);
  p.onRemb(1, 900'000);  // a rise waits
  EXPECT_FALSE(p.tick(kT0 + kRembInterval + 20ms));
  EXPECT_EQ(p.tick(kT0 + 2 * kRembInterval + 10ms), 900'000u);
}

}  // namespace
}  // namespace roomgate::media
