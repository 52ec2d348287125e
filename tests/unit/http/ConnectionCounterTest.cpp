#include "http/ConnectionCounter.hpp"

#include <gtest/gtest.h>

namespace roomgate::http {
namespace {

using Verdict = ConnectionCounter::Verdict;

TEST(ConnectionCounter, CountsPerAddressAndGivesSlotsBack) {
  auto counter = std::make_shared<ConnectionCounter>(100, 2, TrustedProxies());
  auto a1 = counter->take("192.0.2.1");
  EXPECT_EQ(counter->admit("192.0.2.1"), Verdict::kAdmitted);
  auto a2 = counter->take("::ffff:192.0.2.1");  // the same address, as a dual-stack socket writes it
  EXPECT_EQ(counter->openFrom("192.0.2.1"), 2u);
  EXPECT_EQ(counter->admit("192.0.2.1"), Verdict::kAddressAtLimit);
  EXPECT_EQ(counter->admit("192.0.2.2"), Verdict::kAdmitted) << "other addresses are still served";
  EXPECT_EQ(counter->open(), 2u);
  a1.reset();
  EXPECT_EQ(counter->admit("192.0.2.1"), Verdict::kAdmitted);
  a2.reset();
  EXPECT_EQ(counter->openFrom("192.0.2.1"), 0u);
  EXPECT_EQ(counter->open(), 0u);
}

TEST(ConnectionCounter, ASlotHandedOnStillCounts) {
  // The server hands an HTTP connection's slot to the WebSocket it upgrades to.
  auto counter = std::make_shared<ConnectionCounter>(100, 1, TrustedProxies());
  std::shared_ptr<void> webSocket = counter->take("192.0.2.1");
  EXPECT_EQ(counter->admit("192.0.2.1"), Verdict::kAddressAtLimit);
  webSocket.reset();
  EXPECT_EQ(counter->admit("192.0.2.1"), Verdict::kAdmitted);
}

TEST(ConnectionCounter, TrustedProxiesAreExemptButTheGlobalCapHolds) {
  auto counter = std::make_shared<ConnectionCounter>(3, 1, TrustedProxies({*parseIpRange("10.0.0.0/8")}));
  std::vector<std::shared_ptr<ConnectionCounter::Slot>> held;
  held.push_back(counter->take("10.0.0.5"));
  EXPECT_EQ(counter->admit("10.0.0.5"), Verdict::kAdmitted);
  held.push_back(counter->take("10.0.0.5"));
  held.push_back(counter->take("192.0.2.1"));
  EXPECT_EQ(counter->admit("10.0.0.5"), Verdict::kAtLimit);
  EXPECT_EQ(counter->admit("192.0.2.9"), Verdict::kAtLimit);
}

}  // namespace
}  // namespace roomgate::http
