// The join flow against the real `roomgate serve --dev` process: CLI adds a guest -> /login -> code from
// /dev/outbox -> /verify -> a token that verifies and carries the identity and room.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/Fakes.hpp"
#include "support/Process.hpp"
#include "token/TokenVerifier.hpp"

namespace roomgate {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::ServerOptions;
using testing::ServerProcess;

// Known token credentials, so the test can verify what the server mints.
const std::map<std::string, std::string> kCredentials = {
    {"TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"},
    {"TWILIO_API_KEY_SID", "SK00000000000000000000000000000002"},
    {"TWILIO_API_KEY_SECRET", "integration-test-api-key-secret-0123456789"},
};

json body(const testing::HttpResponse& r) {
  return json::parse(r.body);
}

TEST(JoinFlow, GuestAddedByTheCliGetsACodeAndATokenForTheirRoom) {
  ServerProcess server({.dev = true, .env = kCredentials});
  auto added = server.cli({"participants", "add", "Zoë", "--phone", "+1 (415) 555-0123", "--email",
                           "zoe@example.com", "--room", "Book Club", "--room", "My Room"});
  ASSERT_EQ(added.exitCode, 0) << added.err;

  HttpClient browser(server.baseUrl());
  auto login = browser.post("/login", R"({"username": "zoë"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(body(login), json({{"channel", "sms"}, {"phone", "********23"}, {"to", "********23"}}));
  const std::string cookie = login.header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Max-Age=600"), std::string::npos);

  const std::string code = server.codeFor("+14155550123");
  ASSERT_EQ(code.size(), 6u);
  auto verified = browser.post("/verify", json({{"code", code}}).dump());
  ASSERT_EQ(verified.status, 200) << verified.body;
  const json joined = body(verified);
  EXPECT_EQ(joined["identity"], "Zoë");
  EXPECT_EQ(joined["room"], "Book Club");  // the guest's first room

  SystemClock clock;
  token::TokenVerifier verifier({kCredentials.at("TWILIO_ACCOUNT_SID"), kCredentials.at("TWILIO_API_KEY_SID"),
                                 kCredentials.at("TWILIO_API_KEY_SECRET")},
                                clock);
  auto claims = verifier.verify(joined["token"].get<std::string>(), std::string_view("Book Club"));
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->identity, "Zoë");
  EXPECT_EQ(claims->room, "Book Club");
  EXPECT_EQ(claims->subject, kCredentials.at("TWILIO_ACCOUNT_SID"));
  EXPECT_EQ(claims->expiresAt - claims->issuedAt, 3600);
}

TEST(JoinFlow, LoginMayPickAnotherOfTheGuestsRoomsButNotSomeoneElses) {
  ServerProcess server;
  ASSERT_EQ(
      server.cli({"participants", "add", "ada", "--phone", "+14155550100", "--room", "A", "--room", "B"})
          .exitCode,
      0);
  HttpClient browser(server.baseUrl());
  ASSERT_EQ(browser.post("/login", R"({"username":"ada","room":"b"})").status, 200);
  auto ok = browser.post("/verify", json({{"code", server.codeFor("+14155550100")}}).dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok)["room"], "B");

  HttpClient other(server.baseUrl());
  ASSERT_EQ(other.post("/login", R"({"username":"ada","room":"My Room"})").status, 200);
  auto refused = other.post("/verify", json({{"code", server.codeFor("+14155550100", 2)}}).dump());
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body(refused)["error"]["code"], "room_not_allowed");
}

TEST(JoinFlow, DemoGuestsAreThereInDevMode) {
  ServerProcess server;
  HttpClient browser(server.baseUrl());
  for (auto [name, phone, masked] : {std::tuple{"blathers", "+18005559876", "********76"},
                                     std::tuple{"mabel", "+18005554321", "********21"},
                                     std::tuple{"tommy", "+18005556789", "********89"}}) {
    browser.clearCookies();
    auto login = browser.post("/login", json({{"username", name}}).dump());
    ASSERT_EQ(login.status, 200);
    EXPECT_EQ(body(login)["phone"], masked);
    auto v = browser.post("/verify", json({{"code", server.codeFor(phone)}}).dump());
    ASSERT_EQ(v.status, 200) << v.body;
    EXPECT_EQ(body(v)["room"], "My Room");
  }
}

TEST(JoinFlow, ACodeIsSingleUseEvenWithAReplayedCookie) {
  ServerProcess server;
  HttpClient browser(server.baseUrl());
  auto login = browser.post("/login", R"({"username":"mabel"})");
  const std::string setCookie = login.header("set-cookie");
  const std::string cookie = "Cookie: " + setCookie.substr(0, setCookie.find(';'));
  const auto code = server.codeFor("+18005554321");
  auto first = browser.post("/verify", json({{"code", code}}).dump());
  ASSERT_EQ(first.status, 200);
  const auto cookies = first.headersNamed("set-cookie");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_TRUE(cookies[0].starts_with("roomgate_session=;"));  // the browser forgets the session
  EXPECT_NE(cookies[0].find("Max-Age=0"), std::string::npos);
  // and keeps a pass for pages other than the call (the echo check): HttpOnly, as long as the token.
  EXPECT_TRUE(cookies[1].starts_with("roomgate_pass=" + body(first)["token"].get<std::string>() + ";"));
  EXPECT_NE(cookies[1].find("Max-Age=3600; HttpOnly; SameSite=Strict"), std::string::npos) << cookies[1];

  // Someone who copied both the cookie and the code cannot use them a second time.
  HttpClient attacker(server.baseUrl());
  auto replay = attacker.post("/verify", json({{"code", code}}).dump(), "application/json", {cookie});
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(body(replay)["error"]["code"], "code_expired");
}

TEST(JoinFlow, ARestartBetweenLoginAndVerifyLosesNothing) {
  ServerProcess server;
  HttpClient browser(server.baseUrl());
  ASSERT_EQ(browser.post("/login", R"({"username":"tommy"})").status, 200);
  const auto code = server.codeFor("+18005556789");
  server.restart();
  browser.setBaseUrl(server.baseUrl());  // same browser, same cookie, new server process
  auto v = browser.post("/verify", json({{"code", code}}).dump());
  EXPECT_EQ(v.status, 200) << v.body;
}

TEST(JoinFlow, AResendInsideTenMinutesSendsTheSameCode) {
  ServerProcess server;
  HttpClient browser(server.baseUrl());
  ASSERT_EQ(browser.post("/login", R"({"username":"mabel"})").status, 200);
  const auto first = server.codeFor("+18005554321");
  server.clock().set("+9m");
  ASSERT_EQ(browser.post("/login", R"({"username":"mabel"})").status, 200);
  EXPECT_EQ(server.codeFor("+18005554321", 2), first);
  HttpClient http(server.baseUrl());
  auto outbox = json::parse(http.get("/dev/outbox?to=%2B18005554321").body);
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0]["code"], first);
  EXPECT_EQ(outbox[1]["code"], first);
}

TEST(JoinFlow, ACodeExpiresAfterTenMinutes) {
  ServerProcess server;
  HttpClient browser(server.baseUrl());
  ASSERT_EQ(browser.post("/login", R"({"username":"mabel"})").status, 200);
  const auto code = server.codeFor("+18005554321");
  server.clock().set("+10m");
  auto late = browser.post("/verify", json({{"code", code}}).dump());
  EXPECT_EQ(late.status, 401);
  // The session dies with the verification: the guest is asked to start again.
  EXPECT_EQ(body(late)["error"]["code"], "no_session");
  // A new login now sends a new code, and the old one is worthless.
  ASSERT_EQ(browser.post("/login", R"({"username":"mabel"})").status, 200);
  const auto fresh = server.codeFor("+18005554321", 2);
  EXPECT_NE(fresh, code);
  if (fresh != code) {
    EXPECT_EQ(browser.post("/verify", json({{"code", code}}).dump()).status, 401);
    // That wrong try used one of five; the right code still works.
    EXPECT_EQ(browser.post("/verify", json({{"code", fresh}}).dump()).status, 200);
  }
}

}  // namespace
}  // namespace roomgate
