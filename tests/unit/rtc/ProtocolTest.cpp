#include "rtc/Protocol.hpp"

#include <gtest/gtest.h>

#include "rtc/RateLimiter.hpp"
#include "rtc/TurnCredentials.hpp"

namespace roomgate::rtc {
namespace {

TEST(ParseClientMessage, ReadsEveryKind) {
  auto join = parseClientMessage(R"({"type":"join","token":"t","room":"R","resume":"PA1"})");
  ASSERT_TRUE(join.ok());
  const auto& j = std::get<JoinMessage>(*join);
  EXPECT_EQ(j.token, "t");
  EXPECT_EQ(j.room, "R");
  EXPECT_EQ(j.resume, "PA1");
  auto signal = parseClientMessage(
      R"({"type":"signal","to":"PA2","signal":{"description":{"type":"offer","sdp":"v=0"}}})");
  ASSERT_TRUE(signal.ok());
  EXPECT_EQ(std::get<SignalMessage>(*signal).signal["description"]["type"], "offer");
  auto tracks = parseClientMessage(R"({"type":"tracks","audio":false,"video":true})");
  ASSERT_TRUE(tracks.ok());
  EXPECT_FALSE(std::get<TracksMessage>(*tracks).audio);
  EXPECT_TRUE(std::holds_alternative<LeaveMessage>(*parseClientMessage(R"({"type":"leave"})")));
  EXPECT_TRUE(std::holds_alternative<PingMessage>(*parseClientMessage(R"({"type":"ping"})")));
}

TEST(ParseClientMessage, RefusesBadInputWithoutThrowing) {
  for (const char* bad : {"", "not json", "[]", "42", R"({"type":1})", R"({})", R"({"type":"join"})",
                          R"({"type":"join","token":""})", R"({"type":"join","token":5})",
                          R"({"type":"signal","to":"PA1","signal":"x"})", R"({"type":"signal","signal":{}})",
                          R"({"type":"tracks","audio":"yes","video":true})", R"({"type":"dance"})",
                          "{\"type\":\"join\",\"token\":\"\xff\"}"}) {
    auto r = parseClientMessage(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_message");
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(TurnCredentials, MatchCoturnsRestScheme) {
  // base64(HMAC-SHA1("secret", "1700000000:mabel")), computed with `openssl dgst -sha1 -hmac secret -binary |
  // base64`.
  EXPECT_EQ(turnCredential("secret", "1700000000:mabel"), "Xw8CFyZdfbzcwFy+srQIjwMf7BA=");
  IceConfig config{{"stun:127.0.0.1:3478"}, {"turn:127.0.0.1:3478?transport=udp"}, "secret", true};
  auto servers = iceServersFor(config, "mabel", 1699996400, 3600);
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_TRUE(servers[0].username.empty());
  EXPECT_EQ(servers[1].username, "1700000000:mabel");
  EXPECT_EQ(servers[1].credential, "Xw8CFyZdfbzcwFy+srQIjwMf7BA=");
  EXPECT_TRUE(iceServersFor({}, "mabel", 0, 3600).empty());
}

TEST(RateLimiter, AllowsTheBurstThenTheRate) {
  RateLimiter limiter(50, 50);
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(limiter.allow(t0)) << i;
  EXPECT_FALSE(limiter.allow(t0));
  EXPECT_TRUE(limiter.allow(t0 + std::chrono::milliseconds(20)));  // one token refilled
  EXPECT_FALSE(limiter.allow(t0 + std::chrono::milliseconds(20)));
  EXPECT_TRUE(limiter.allow(t0 + std::chrono::seconds(10)));
}

}  // namespace
}  // namespace roomgate::rtc
