#include <gtest/gtest.h>

#include "http/Api.hpp"

namespace roomgate::http {
namespace {

Request from(std::string address, std::map<std::string, std::string> headers = {}) {
  Request r;
  r.method = "GET";
  r.target = "/metrics";
  r.remoteAddress = std::move(address);
  r.headers = std::move(headers);
  return r;
}

constexpr std::string_view kToken = "0123456789abcdef0123";

TEST(MetricsAccess, LoopbackAddresses) {
  EXPECT_TRUE(isLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(isLoopbackAddress("127.1.2.3"));
  EXPECT_TRUE(isLoopbackAddress("::1"));
  EXPECT_TRUE(isLoopbackAddress("::ffff:127.0.0.1"));
  EXPECT_FALSE(isLoopbackAddress("10.0.0.1"));
  EXPECT_FALSE(isLoopbackAddress("::ffff:10.0.0.1"));
  EXPECT_FALSE(isLoopbackAddress("2001:db8::1"));
  EXPECT_FALSE(isLoopbackAddress("1.127.0.0"));
  EXPECT_FALSE(isLoopbackAddress(""));
}

TEST(MetricsAccess, WithoutATokenOnlyUnforwardedLoopbackClients) {
  EXPECT_EQ(metricsAccess(from("127.0.0.1"), ""), MetricsAccess::kAllowed);
  EXPECT_EQ(metricsAccess(from("::1"), ""), MetricsAccess::kAllowed);
  EXPECT_EQ(metricsAccess(from("192.0.2.10"), ""), MetricsAccess::kForbidden);
  EXPECT_EQ(metricsAccess(from(""), ""), MetricsAccess::kForbidden);
  // A reverse proxy on the same host connects from loopback: what it forwards is not local.
  EXPECT_EQ(metricsAccess(from("127.0.0.1", {{"x-forwarded-for", "198.51.100.7"}}), ""),
            MetricsAccess::kForbidden);
  EXPECT_EQ(metricsAccess(from("127.0.0.1", {{"forwarded", "for=198.51.100.7"}}), ""),
            MetricsAccess::kForbidden);
  EXPECT_EQ(metricsAccess(from("127.0.0.1", {{"x-real-ip", "198.51.100.7"}}), ""), MetricsAccess::kForbidden);
  // A bearer token means nothing when none is configured.
  EXPECT_EQ(metricsAccess(from("192.0.2.10", {{"authorization", "Bearer x"}}), ""),
            MetricsAccess::kForbidden);
}

TEST(MetricsAccess, WithATokenEveryClientMustSendIt) {
  const std::string bearer = "Bearer " + std::string(kToken);
  EXPECT_EQ(metricsAccess(from("192.0.2.10", {{"authorization", bearer}}), kToken), MetricsAccess::kAllowed);
  EXPECT_EQ(metricsAccess(from("127.0.0.1", {{"authorization", bearer}}), kToken), MetricsAccess::kAllowed);
  EXPECT_EQ(metricsAccess(from("127.0.0.1", {{"authorization", "bearer " + std::string(kToken)}}), kToken),
            MetricsAccess::kAllowed);  // the scheme is case-insensitive
  EXPECT_EQ(metricsAccess(from("127.0.0.1"), kToken), MetricsAccess::kUnauthorized);
  EXPECT_EQ(metricsAccess(from("192.0.2.10"), kToken), MetricsAccess::kUnauthorized);
  EXPECT_EQ(metricsAccess(from("192.0.2.10", {{"authorization", bearer + "x"}}), kToken),
            MetricsAccess::kUnauthorized);
  EXPECT_EQ(metricsAccess(from("192.0.2.10", {{"authorization", "Bearer "}}), kToken),
            MetricsAccess::kUnauthorized);
  EXPECT_EQ(metricsAccess(from("192.0.2.10", {{"authorization", "Basic " + std::string(kToken)}}), kToken),
            MetricsAccess::kUnauthorized);
}

}  // namespace
}  // namespace roomgate::http
