#include <gtest/gtest.h>

#include "http/Server.hpp"

namespace roomgate::http {
namespace {

TEST(ConnectionCap, KeepsDescriptorsBackForTheRestOfTheProcess) {
  EXPECT_EQ(connectionCap(1024), 1024 - kReservedDescriptors);  // systemd's default soft limit
  EXPECT_EQ(connectionCap(256), 256 - kReservedDescriptors);
}

TEST(ConnectionCap, NeverAboveTheConfiguredMaximum) {
  EXPECT_EQ(connectionCap(524288), kMaxConnections);  // systemd's default hard limit
  EXPECT_EQ(connectionCap(UINT64_MAX), kMaxConnections);
}

TEST(ConnectionCap, ATinyLimitIsShared) {
  EXPECT_EQ(connectionCap(2 * kReservedDescriptors), kReservedDescriptors);
  EXPECT_EQ(connectionCap(20), 10u);
  EXPECT_EQ(connectionCap(0), 0u);
}

}  // namespace
}  // namespace roomgate::http
