// GET /metrics against the real `roomgate serve --dev` process: the verification counters move with
// logins and checks, and the access rule (loopback only, or a bearer token when one is configured).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/Process.hpp"

namespace roomgate {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::ServerOptions;
using testing::ServerProcess;

constexpr const char* kMetricsToken = "metrics-token-0123456789abcdef";

// The value of the sample written exactly as `series` (name and labels), or -1 if there is none.
long long sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(series + " ")) return std::stoll(line.substr(series.size() + 1));
  return -1;
}

std::string errorCode(const testing::HttpResponse& r) {
  return json::parse(r.body)["error"]["code"].get<std::string>();
}

TEST(Metrics, VerificationCountersMoveWithLoginsAndChecks) {
  ServerProcess server;
  HttpClient browser(server.baseUrl());
  auto before = browser.get("/metrics");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(sample(before.body, R"(roomgate_verification_sends_total{channel="sms",outcome="sent"})"), 0);
  EXPECT_EQ(sample(before.body, R"(roomgate_rooms{type="group"})"), 0);
  EXPECT_EQ(sample(before.body, "roomgate_participants"), 0);
  EXPECT_EQ(sample(before.body, "roomgate_media_transports"), 0);
  EXPECT_EQ(sample(before.body, "roomgate_rtp_packets_received_total"), 0);

  ASSERT_EQ(browser.post("/login", R"({"username":"mabel"})").status, 200);
  const std::string code = server.codeFor("+18005554321");
  ASSERT_EQ(code.size(), 6u);
  const std::string wrong = code == "000000" ? "111111" : "000000";
  EXPECT_EQ(browser.post("/verify", json({{"code", wrong}}).dump()).status, 401);
  ASSERT_EQ(browser.post("/verify", json({{"code", code}}).dump()).status, 200);
  HttpClient stranger(server.baseUrl());
  ASSERT_EQ(stranger.post("/login", R"({"username":"mallory"})").status, 200);  // a decoy

  const std::string after = browser.get("/metrics").body;
  EXPECT_EQ(sample(after, R"(roomgate_verification_sends_total{channel="sms",outcome="sent"})"), 1) << after;
  EXPECT_EQ(sample(after, R"(roomgate_verification_sends_total{channel="sms",outcome="decoy"})"), 1);
  EXPECT_EQ(sample(after, R"(roomgate_verification_sends_total{channel="email",outcome="sent"})"), 0);
  EXPECT_EQ(sample(after, R"(roomgate_verification_checks_total{outcome="wrong_code"})"), 1);
  EXPECT_EQ(sample(after, R"(roomgate_verification_checks_total{outcome="approved"})"), 1);
  EXPECT_EQ(sample(after, R"(roomgate_verification_checks_total{outcome="expired"})"), 0);
}

TEST(Metrics, WithoutATokenWhatAProxyForwardsIsRefused) {
  ServerProcess server;
  HttpClient client(server.baseUrl());
  for (const char* header : {"X-Forwarded-For: 198.51.100.7", "Forwarded: for=198.51.100.7"}) {
    auto refused = client.get("/metrics", {header});
    EXPECT_EQ(refused.status, 403) << header;
    EXPECT_EQ(errorCode(refused), "metrics_forbidden");
  }
}

TEST(Metrics, WithATokenEveryClientMustSendIt) {
  ServerProcess server({.dev = true, .env = {{"ROOMGATE_METRICS_TOKEN", kMetricsToken}}});
  HttpClient client(server.baseUrl());
  auto missing = client.get("/metrics");  // even from loopback
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(errorCode(missing), "metrics_unauthorized");
  EXPECT_NE(missing.header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(client.get("/metrics", {"Authorization: Bearer wrong-token-0123456789"}).status, 401);
  auto ok = client.get(
      "/metrics", {std::string("Authorization: Bearer ") + kMetricsToken, "X-Forwarded-For: 198.51.100.7"});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("# TYPE roomgate_verification_checks_total counter"), std::string::npos);
}

}  // namespace
}  // namespace roomgate
