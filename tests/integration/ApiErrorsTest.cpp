// One test per row of the API's error list: the status, the stable code, a message, and that nothing
// was spent or half-written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/Api.hpp"
#include "support/Process.hpp"

namespace roomgate {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::ServerProcess;

// Asserts the error shape and returns the code.
std::string errorCode(const testing::HttpResponse& r) {
  const auto j = json::parse(r.body, nullptr, false);
  EXPECT_TRUE(j.is_object()) << r.body;
  if (!j.is_object() || !j.contains("error")) return "";
  EXPECT_TRUE(j["error"]["message"].is_string());
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(r.header("content-type"), "application/json");
  return j["error"]["code"].get<std::string>();
}

class ApiErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() { delete server_; }
  static ServerProcess* server_;
  HttpClient http{server_->baseUrl()};
};
ServerProcess* ApiErrors::server_ = nullptr;

TEST_F(ApiErrors, MalformedJsonIs400) {
  auto r = http.post("/login", R"({"username": "mabel")");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "invalid_json");
  EXPECT_EQ(errorCode(http.post("/login", R"(["mabel"])")), "invalid_json");
}

TEST_F(ApiErrors, MissingFieldIs400) {
  auto r = http.post("/login", R"({"name": "mabel"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "missing_field");
  EXPECT_EQ(errorCode(http.post("/verify", R"({})")), "missing_field");
}

TEST_F(ApiErrors, MistypedFieldIs400) {
  auto r = http.post("/login", R"({"username": 42})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "invalid_field");
  EXPECT_EQ(errorCode(http.post("/login", R"({"username": "mabel", "room": ["x"]})")), "invalid_field");
  EXPECT_EQ(errorCode(http.post("/login", R"({"username": "mabel", "channel": "pigeon"})")), "invalid_field");
  EXPECT_EQ(errorCode(http.post("/verify", R"({"code": 123456})")), "invalid_field");
  EXPECT_EQ(errorCode(http.post("/login", R"({"username": "   "})")), "invalid_identity");
}

TEST_F(ApiErrors, NoSessionIs401) {
  auto r = http.post("/verify", R"({"code": "123456"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(errorCode(r), "no_session");
  // A forged cookie is no session either.
  auto forged = http.post("/verify", R"({"code": "123456"})", "application/json",
                          {"Cookie: roomgate_session=eyJpIjoibWFiZWwifQ.AAAA"});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(errorCode(forged), "no_session");
}

TEST_F(ApiErrors, BodyOverTheLimitIs413) {
  const std::string big = R"({"username": ")" + std::string(http::kMaxBodyBytes + 1024, 'a') + R"("})";
  auto r = http.post("/login", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(errorCode(r), "body_too_large");
  // The server is still there.
  EXPECT_EQ(http.get("/healthz").status, 200);
}

TEST_F(ApiErrors, NotJsonIs415) {
  auto r = http.post("/login", "username=mabel", "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(errorCode(r), "unsupported_media_type");
  EXPECT_EQ(http.post("/login", R"({"username":"mabel"})", "application/json; charset=utf-8").status, 200);
}

TEST_F(ApiErrors, WrongCodeIs401WithTriesLeftAndTheSixthCheckIs429) {
  ASSERT_EQ(http.post("/login", R"({"username": "blathers"})").status, 200);
  const std::string right = server_->codeFor("+18005559876");
  const std::string wrong = right == "000000" ? "111111" : "000000";
  for (int left = 4; left >= 1; --left) {
    auto r = http.post("/verify", json({{"code", wrong}}).dump());
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(errorCode(r), "wrong_code");
    EXPECT_NE(r.body.find(std::to_string(left) + (left == 1 ? " try left" : " tries left")),
              std::string::npos)
        << r.body;
  }
  auto fifth = http.post("/verify", json({{"code", wrong}}).dump());
  EXPECT_EQ(fifth.status, 429);
  EXPECT_EQ(errorCode(fifth), "too_many_checks");
  EXPECT_FALSE(fifth.header("retry-after").empty());
  // The sixth check is refused even with the right code: the verification is dead.
  auto sixth = http.post("/verify", json({{"code", right}}).dump());
  EXPECT_EQ(sixth.status, 429);
  EXPECT_EQ(errorCode(sixth), "too_many_checks");
}

TEST_F(ApiErrors, ACodeThatIsNotDigitsIs400AndCostsNoAttempt) {
  ASSERT_EQ(http.post("/login", R"({"username": "tommy"})").status, 200);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(errorCode(http.post("/verify", R"({"code": "12ab56"})")), "invalid_code");
  const std::string code = server_->codeFor("+18005556789");
  EXPECT_EQ(http.post("/verify", json({{"code", code.substr(0, 3) + " " + code.substr(3)}}).dump()).status,
            200);
}

TEST_F(ApiErrors, UnknownRouteIs404AndWrongMethodIs405) {
  auto r = http.get("/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorCode(r), "not_found");
  auto m = http.get("/login");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(errorCode(m), "method_not_allowed");
  EXPECT_EQ(m.header("allow"), "POST");
}

TEST_F(ApiErrors, AnswersCarryingCodesOrTokensAreNeverCached) {
  auto r = http.post("/login", R"({"username": "nobody-here"})");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(http.get("/dev/outbox").header("cache-control"), "no-store");
}

TEST(ApiLimits, SixthSendToOneNumberInTenMinutesIs429WithRetryAfter) {
  ServerProcess server;
  HttpClient http(server.baseUrl());
  for (int i = 0; i < 5; ++i) {
    server.clock().set("+" + std::to_string(i) + "m");
    ASSERT_EQ(http.post("/login", R"({"username": "mabel"})").status, 200) << i;
  }
  auto r = http.post("/login", R"({"username": "mabel"})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(errorCode(r), "too_many_sends");
  // First send at +0, now +4m: the window frees at +10m, 360 s from now (a second of slack for the clock).
  const int retry = std::stoi(r.header("retry-after"));
  EXPECT_GE(retry, 359);
  EXPECT_LE(retry, 361);
  server.clock().set("+10m");
  EXPECT_EQ(http.post("/login", R"({"username": "mabel"})").status, 200);
}

TEST(ApiLimits, DeliveryUnavailableIs503AndSpendsNothing) {
  // Outside --dev with e-mail only (serve refuses to start with no channel at all), nothing can carry a
  // text message.
  ServerProcess server({.dev = false, .env = testing::productionEnv()});
  ASSERT_EQ(
      server.cli({"participants", "add", "mabel", "--phone", "+18005554321", "--room", "My Room"}).exitCode,
      0);
  HttpClient http(server.baseUrl());
  for (int i = 0; i < 7; ++i) {  // more than the send limit: refused sends are not counted
    auto r = http.post("/login", R"({"username": "mabel"})");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(errorCode(r), "delivery_unavailable");
  }
  // Unknown names answer the same, so 503 reveals nothing about the list.
  EXPECT_EQ(http.post("/login", R"({"username": "nobody"})").status, 503);
  EXPECT_EQ(http.get("/dev/outbox").status, 404);  // and there is no development outbox
}

TEST(Enumeration, UnknownNameAnswersLikeAGuestAndSendsNothing) {
  ServerProcess server;
  HttpClient http(server.baseUrl());
  auto guest = http.post("/login", R"({"username": "mabel"})");
  http.clearCookies();
  auto stranger = http.post("/login", R"({"username": "mallory"})");
  ASSERT_EQ(guest.status, 200);
  EXPECT_EQ(stranger.status, guest.status);
  const auto g = json::parse(guest.body), s = json::parse(stranger.body);
  // Same keys, same kinds of values, same mask shape.
  ASSERT_EQ(s.size(), g.size());
  for (const auto& [key, value] : g.items()) {
    ASSERT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s[key].type(), value.type()) << key;
  }
  EXPECT_EQ(s["channel"], "sms");
  EXPECT_EQ(s["phone"].get<std::string>().size(), g["phone"].get<std::string>().size());
  EXPECT_EQ(s["phone"].get<std::string>().substr(0, 8), "********");
  EXPECT_FALSE(stranger.header("set-cookie").empty());
  // Stable across tries and spellings.
  http.clearCookies();
  EXPECT_EQ(json::parse(http.post("/login", R"({"username": "MALLORY"})").body)["phone"], s["phone"]);
  // Verify fails exactly as a wrong code does.
  auto v = http.post("/verify", R"({"code": "123456"})");
  EXPECT_EQ(v.status, 401);
  EXPECT_EQ(errorCode(v), "wrong_code");
  // Nothing was sent for the stranger: once the guest's code is recorded (delivery is asynchronous), it is
  // the only entry.
  ASSERT_FALSE(server.codeFor("+18005554321").empty());
  const auto outbox = json::parse(http.get("/dev/outbox").body);
  EXPECT_EQ(outbox.size(), 1u) << outbox.dump();
}

TEST(Enumeration, RevealUnknownRestoresTheTutorials401) {
  ServerProcess server({.dev = true, .env = {{"ROOMGATE_REVEAL_UNKNOWN", "1"}}});
  HttpClient http(server.baseUrl());
  auto r = http.post("/login", R"({"username": "mallory"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(errorCode(r), "unknown_user");
}

}  // namespace
}  // namespace roomgate
