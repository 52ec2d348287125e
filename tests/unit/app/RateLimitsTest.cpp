#include "app/RateLimits.hpp"

#include <gtest/gtest.h>

namespace roomgate::app {
namespace {

TEST(TokenBuckets, AllowsTheBurstThenOneTokenPerRefill) {
  TokenBuckets buckets({3, Seconds(10)});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(buckets.take("a", 0), 0);
  EXPECT_EQ(buckets.take("a", 0), 10);      // empty: a token in 10 s
  EXPECT_EQ(buckets.take("a", 4'000), 6);   // refusals take nothing
  EXPECT_EQ(buckets.take("a", 10'000), 0);  // one came back
  EXPECT_EQ(buckets.take("a", 10'000), 10);
  EXPECT_EQ(buckets.take("b", 10'000), 0);     // keys are apart
  EXPECT_EQ(buckets.take("a", 1'000'000), 0);  // never more than the burst after a long pause
  EXPECT_EQ(buckets.take("a", 1'000'000), 0);
  EXPECT_EQ(buckets.take("a", 1'000'000), 0);
  EXPECT_GT(buckets.take("a", 1'000'000), 0);
}

TEST(TokenBuckets, RemembersAtMostItsKeysForgettingFullBucketsFirst) {
  TokenBuckets buckets({2, Seconds(1)}, 4);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(buckets.take("busy", 0), 0);
  for (int k = 0; k < 100; ++k) (void)buckets.take("k" + std::to_string(k), k * 10'000);
  EXPECT_LE(buckets.size(), 4u);
}

TEST(FailureBudget, RefusesPastTheBudgetUntilTheOldestFailureLeavesTheWindow) {
  FailureBudget budget(3, Seconds(100));
  EXPECT_EQ(budget.secondsUntilAllowed("mabel", 0), 0);
  budget.fail("mabel", 0);
  budget.fail("mabel", 10);
  budget.fail("mabel", 20);
  EXPECT_EQ(budget.secondsUntilAllowed("mabel", 30), 70);  // the first failure leaves at 100
  EXPECT_EQ(budget.secondsUntilAllowed("ema", 30), 0);
  EXPECT_EQ(budget.secondsUntilAllowed("mabel", 100), 0);
}

TEST(AddressKey, GroupsAnIpv6NetworkByItsSlash64) {
  EXPECT_EQ(addressKey("2001:db8:1:2:aaaa::1"), addressKey("2001:db8:1:2:bbbb::2"));
  EXPECT_NE(addressKey("2001:db8:1:2::1"), addressKey("2001:db8:1:3::1"));
  EXPECT_EQ(addressKey("192.0.2.7"), "192.0.2.7");
  EXPECT_NE(addressKey("192.0.2.7"), addressKey("192.0.2.8"));
}

}  // namespace
}  // namespace roomgate::app
