#include "common/Eventually.hpp"

#include <gtest/gtest.h>

#include <string>

namespace roomgate {
namespace {

TEST(Eventually, AReadyValueIsMappedAtOnce) {
  auto reply = Eventually<int>::ready(20).map([](int v) { return std::to_string(v + 1); });
  ASSERT_TRUE(reply.isReady());
  EXPECT_EQ(*reply.now, "21");
  EXPECT_FALSE(reply.later);
}

TEST(Eventually, ADeferredValueIsMappedWhenItArrivesAndNotBeforeItIsStarted) {
  Completion<int> pending;
  bool started = false;
  auto reply = Eventually<int>::deferred([&](Completion<int> done) {
                 started = true;
                 pending = std::move(done);
               }).map([](int v) { return std::to_string(v * 2); });
  ASSERT_FALSE(reply.isReady());
  EXPECT_FALSE(started);  // the owner decides when the work begins (after its commit)
  std::optional<std::string> got;
  reply.later([&](std::string s) { got = std::move(s); });
  EXPECT_TRUE(started);
  EXPECT_FALSE(got);
  pending(21);
  EXPECT_EQ(got, "42");
}

}  // namespace
}  // namespace roomgate
