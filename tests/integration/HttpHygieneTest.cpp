// The real `roomgate serve` against clients that misbehave at the HTTP layer: slow senders (slowloris),
// one address holding many connections, folded headers, malformed WebSocket keys and requests from a
// foreign origin (cross-site request forgery). Each refusal is counted in /metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/Server.hpp"
#include "support/Process.hpp"
#include "support/RawSocket.hpp"

namespace roomgate {
namespace {

using nlohmann::json;
using testing::Fd;
using testing::HttpClient;
using testing::ServerOptions;
using testing::ServerProcess;
using namespace std::chrono_literals;

constexpr const char* kWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455's example
// Slack on both sides of a deadline for a loaded machine; the tests assert nothing finer.
constexpr auto kSlack = 5s;

std::string upgradeRequest(const std::string& key = kWebSocketKey, const std::string& extra = "",
                           const std::string& host = "127.0.0.1") {
  return "GET /rtc HTTP/1.1\r\nHost: " + host +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: " +
         key + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
}

// The error code of a raw JSON error response, checking its shape; "" if it has none.
std::string rawErrorCode(const std::string& response) {
  EXPECT_NE(response.find("Content-Type: application/json"), std::string::npos) << response;
  const auto j = json::parse(testing::bodyOf(response), nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "";
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  return j["error"]["code"].get<std::string>();
}

std::string errorCode(const testing::HttpResponse& r) {
  const auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "";
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  return j["error"]["code"].get<std::string>();
}

// Sends `head` and then `trickle` one byte per second until the server closes the connection; returns
// how long after the first byte that took (or `giveUp`).
std::chrono::steady_clock::duration trickleUntilClosed(uint16_t port, const std::string& head,
                                                       const std::string& trickle,
                                                       std::chrono::seconds giveUp, bool* healthzMeanwhile) {
  Fd fd = testing::connectTo(port);
  EXPECT_GE(fd.get(), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(testing::sendAll(fd.get(), head));
  for (std::size_t i = 0; std::chrono::steady_clock::now() - start < giveUp; ++i) {
    if (!testing::sendAll(fd.get(), trickle.substr(i % trickle.size(), 1))) break;
    const std::string got = testing::readAll(fd.get(), 1s);
    if (!got.empty() || testing::closedByServer(fd.get())) break;
    if (i == 2 && healthzMeanwhile) {
      const auto asked = std::chrono::steady_clock::now();
      *healthzMeanwhile = testing::rawGet(port, "/healthz").starts_with("HTTP/1.1 200") &&
                          std::chrono::steady_clock::now() - asked < 2s;
    }
  }
  return std::chrono::steady_clock::now() - start;
}

TEST(HttpHygiene, SlowHeadersAreClosedAtTheirDeadlineWhileOthersAreServed) {
  ServerProcess server;
  bool healthz = false;
  const auto took =
      trickleUntilClosed(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", "abcdefgh",
                         http::kIdleTimeout + 2 * kSlack, &healthz);
  EXPECT_TRUE(healthz) << "a new client is answered at once while the slow one trickles";
  EXPECT_GE(took, http::kHeaderDeadline - 1s);
  EXPECT_LE(took, http::kHeaderDeadline + kSlack)
      << "closed only after " << std::chrono::duration_cast<std::chrono::seconds>(took).count()
      << " s, a byte every second";
  EXPECT_EQ(testing::metricValue(server.port(), "roomgate_slow_requests_closed_total{phase=\"headers\"}"), 1);
}

TEST(HttpHygiene, ASlowBodyIsClosedAtItsDeadline) {
  ServerProcess server;
  const auto took = trickleUntilClosed(server.port(),
                                       "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                       "application/json\r\nContent-Length: 1000\r\n\r\n",
                                       "          ", http::kIdleTimeout + 2 * kSlack, nullptr);
  EXPECT_GE(took, http::kBodyDeadline - 1s);
  EXPECT_LE(took, http::kBodyDeadline + kSlack);
  EXPECT_EQ(testing::metricValue(server.port(), "roomgate_slow_requests_closed_total{phase=\"body\"}"), 1);
}

constexpr int kPerAddress = 8;  // ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS for these tests

ServerOptions perAddressCap(std::map<std::string, std::string> env = {}) {
  env["ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS"] = std::to_string(kPerAddress);
  ServerOptions options;
  options.env = std::move(env);
  return options;
}

// True if a new connection from `from` is closed by the server without an answer.
bool refusedFrom(uint16_t port, const std::string& from) {
  return testing::rawGet(port, "/healthz", from).empty();
}

TEST(HttpHygiene, OneAddressAtItsCapIsRefusedWhileOthersAreServed) {
  ServerProcess server(perAddressCap());
  const uint16_t port = server.port();
  std::vector<Fd> held;
  for (int i = 0; i < kPerAddress; ++i) held.push_back(testing::connectTo(port));
  std::this_thread::sleep_for(500ms);  // accepted
  EXPECT_TRUE(refusedFrom(port, "127.0.0.1")) << "the cap's next connection from 127.0.0.1";
  EXPECT_TRUE(testing::rawGet(port, "/healthz", "127.0.0.2").starts_with("HTTP/1.1 200"))
      << "another address is served";

  // Signaling WebSockets count too: trade three idle connections for three upgraded ones.
  held.resize(kPerAddress - 3);
  std::this_thread::sleep_for(500ms);
  for (int i = 0; i < 3; ++i) {
    Fd ws = testing::connectTo(port);
    ASSERT_TRUE(testing::sendAll(ws.get(), upgradeRequest()));
    ASSERT_TRUE(testing::readAll(ws.get(), 2s, "\r\n\r\n").starts_with("HTTP/1.1 101"));
    held.push_back(std::move(ws));
  }
  EXPECT_TRUE(refusedFrom(port, "127.0.0.1")) << "WebSockets at the cap leave no room";
  EXPECT_GE(
      testing::metricValue(port, "roomgate_connections_refused_total{reason=\"per_address\"}", "127.0.0.2"),
      2);
  EXPECT_EQ(testing::metricValue(port, "roomgate_connections_per_address_limit", "127.0.0.2"), kPerAddress);
  held.clear();
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(refusedFrom(port, "127.0.0.1")) << "served again once its connections are gone";
}

TEST(HttpHygiene, TrustedProxiesAreNotCappedPerAddress) {
  ServerProcess server(perAddressCap({{"ROOMGATE_TRUSTED_PROXIES", "127.0.0.3"}}));
  const uint16_t port = server.port();
  std::vector<Fd> held;
  for (int i = 0; i < 2 * kPerAddress; ++i) held.push_back(testing::connectTo(port, "127.0.0.3"));
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(testing::rawGet(port, "/healthz", "127.0.0.3").starts_with("HTTP/1.1 200"));
}

TEST(HttpHygiene, FoldedHeadersAre400) {
  ServerProcess server;
  for (const char* fold : {"\r\n continued", "\r\n\tcontinued"}) {
    const std::string response = testing::roundTrip(
        server.port(),
        std::string("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "X-Note: first") +
            fold + "\r\nContent-Length: 22\r\n\r\n{\"username\": \"mabel\"}\n");
    EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << response;
    EXPECT_EQ(rawErrorCode(response), "folded_header");
  }
  EXPECT_EQ(testing::metricValue(server.port(), "roomgate_requests_refused_total{reason=\"folded_header\"}"),
            2);
  EXPECT_TRUE(testing::rawGet(server.port(), "/healthz").starts_with("HTTP/1.1 200"));
}

TEST(HttpHygiene, AMalformedWebSocketKeyIs400) {
  ServerProcess server;
  for (const char* key :
       {"not-a-websocket-key-----", "c2hvcnQ=", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZR=="}) {
    const std::string response = testing::roundTrip(server.port(), upgradeRequest(key));
    EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << key << ": " << response;
    EXPECT_EQ(rawErrorCode(response), "invalid_websocket_key") << key;
  }
  EXPECT_EQ(testing::metricValue(server.port(),
                                 "roomgate_requests_refused_total{reason=\"invalid_websocket_key\"}"),
            4);
  Fd ok = testing::connectTo(server.port());
  ASSERT_TRUE(testing::sendAll(ok.get(), upgradeRequest()));
  EXPECT_TRUE(testing::readAll(ok.get(), 2s, "\r\n\r\n").starts_with("HTTP/1.1 101"));
}

class SameOrigin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ =
        new ServerProcess(ServerOptions{.env = {{"ROOMGATE_ALLOWED_ORIGINS", "https://app.example.com"}}});
  }
  static void TearDownTestSuite() { delete server_; }
  static std::string own() { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  static ServerProcess* server_;
  HttpClient http{server_->baseUrl()};
};
ServerProcess* SameOrigin::server_ = nullptr;

TEST_F(SameOrigin, AForeignOriginIs403OnEveryPostRoute) {
  for (const char* origin : {"https://evil.example", "null", "http://127.0.0.1:1"}) {
    for (const char* path : {"/login", "/verify", "/echo/offer"}) {
      const auto r = http.post(path, R"({"username": "mabel", "code": "123456", "sdp": "v=0"})",
                               "application/json", {std::string("Origin: ") + origin});
      EXPECT_EQ(r.status, 403) << path << " from " << origin;
      EXPECT_EQ(errorCode(r), "origin_not_allowed") << path << " from " << origin << ": " << r.body;
    }
  }
  EXPECT_EQ(
      testing::metricValue(server_->port(), "roomgate_requests_refused_total{reason=\"origin_not_allowed\"}"),
      9);
}

TEST_F(SameOrigin, TheOwnOriginAndNoOriginStillWork) {
  for (const std::vector<std::string>& headers :
       {std::vector<std::string>{}, {"Origin: " + own()}, {"Origin: https://app.example.com"}}) {
    const auto r = http.post("/login", R"({"username": "mabel"})", "application/json", headers);
    EXPECT_EQ(r.status, 200) << (headers.empty() ? "no Origin" : headers[0]) << ": " << r.body;
  }
  EXPECT_NE(
      errorCode(http.post("/verify", R"({"code": "000000"})", "application/json", {"Origin: " + own()})),
      "origin_not_allowed");
  EXPECT_EQ(http.get("/healthz", {"Origin: https://evil.example"}).status, 200) << "GET is not checked";
}

TEST_F(SameOrigin, AForeignOriginCannotOpenTheSignalingSocket) {
  const uint16_t port = server_->port();
  const std::string refused =
      testing::roundTrip(port, upgradeRequest(kWebSocketKey, "Origin: https://evil.example\r\n"));
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 403")) << refused;
  EXPECT_EQ(rawErrorCode(refused), "origin_not_allowed");
  for (const std::string& origin : {own(), std::string("https://app.example.com"), std::string()}) {
    Fd ws = testing::connectTo(port);
    ASSERT_TRUE(testing::sendAll(
        ws.get(), upgradeRequest(kWebSocketKey, origin.empty() ? "" : "Origin: " + origin + "\r\n",
                                 "127.0.0.1:" + std::to_string(port))));
    EXPECT_TRUE(testing::readAll(ws.get(), 2s, "\r\n\r\n").starts_with("HTTP/1.1 101")) << origin;
  }
}

TEST(SameOriginPublicUrl, ThePublicUrlIsTheOwnOrigin) {
  ServerProcess server(ServerOptions{.env = {{"ROOMGATE_PUBLIC_URL", "https://call.example.com/"}}});
  HttpClient http(server.baseUrl());
  EXPECT_EQ(http.post("/login", R"({"username": "mabel"})", "application/json",
                      {"Origin: https://call.example.com"})
                .status,
            200);
  const auto r = http.post("/login", R"({"username": "mabel"})", "application/json",
                           {"Origin: http://127.0.0.1:" + std::to_string(server.port())});
  EXPECT_EQ(r.status, 403) << "the Host header no longer decides once the public URL is set";
  EXPECT_EQ(errorCode(r), "origin_not_allowed");
}

}  // namespace
}  // namespace roomgate
