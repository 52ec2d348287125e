#include "config/Config.hpp"

#include <gtest/gtest.h>

#include "config/DotEnv.hpp"

namespace roomgate::config {
namespace {

TEST(DotEnv, ReadsTheTutorialsFile) {
  // The tutorial's .env.template, as a team that followed it has it.
  auto vars = parseDotEnv(
      "TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_AUTH_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_API_KEY_SID=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_API_KEY_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "VERIFY_SERVICE_SID=VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "SECRET_KEY=super-secret\n");
  ASSERT_TRUE(vars.ok());
  EXPECT_EQ(vars->size(), 6u);
  EXPECT_EQ(vars->at("SECRET_KEY"), "super-secret");
  EXPECT_EQ(vars->at("VERIFY_SERVICE_SID"), "VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}

TEST(DotEnv, QuotesCommentsExportAndCrlf) {
  auto vars = parseDotEnv(
      "# a comment\r\n"
      "export A=plain value # trailing comment\r\n"
      "B='single # not a comment'\n"
      "C=\"double\\nline\"\n"
      "D=\"spans\n"
      "two lines\"\n"
      "\n"
      "E=\n"
      "F = spaced \n");
  ASSERT_TRUE(vars.ok()) << vars.error().message;
  EXPECT_EQ(vars->at("A"), "plain value");
  EXPECT_EQ(vars->at("B"), "single # not a comment");
  EXPECT_EQ(vars->at("C"), "double\nline");
  EXPECT_EQ(vars->at("D"), "spans\ntwo lines");
  EXPECT_EQ(vars->at("E"), "");
  EXPECT_EQ(vars->at("F"), "spaced");
}

TEST(DotEnv, ErrorsNameTheLine) {
  auto missing = parseDotEnv("A=1\nnot a setting\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("line 2"), std::string::npos);
  auto unterminated = parseDotEnv("A=1\nB=\"open\nC=2\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parseDotEnv("1BAD=x\n").ok());
}

TEST(ConfigLoad, FlagsBeatEnvironmentWhichBeatsDotEnv) {
  Sources s;
  s.dotenv = {
      {"ROOMGATE_LISTEN", "127.0.0.1:1111"}, {"ROOMGATE_DB", "dotenv.db"}, {"SECRET_KEY", "from-dotenv"}};
  s.env = {{"ROOMGATE_LISTEN", "127.0.0.1:2222"}, {"SECRET_KEY", "from-env"}};
  s.flags = {{"ROOMGATE_LISTEN", "127.0.0.1:3333"}};
  auto c = load(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:3333");
  EXPECT_EQ(c->db, "dotenv.db");
  EXPECT_EQ(c->secretKey, "from-env");
}

TEST(ConfigLoad, DefaultsAndValidation) {
  auto c = load({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->db, "./roomgate.db");
  EXPECT_FALSE(c->dev);
  EXPECT_EQ(c->codeLength, 6);

  for (auto [name, value] : {std::pair{"ROOMGATE_LISTEN", "8080"}, std::pair{"ROOMGATE_LISTEN", "host:99999"},
                             std::pair{"ROOMGATE_CODE_LENGTH", "3"}, std::pair{"ROOMGATE_CODE_LENGTH", "11"},
                             std::pair{"ROOMGATE_TOKEN_TTL", "86401"}, std::pair{"ROOMGATE_DEV", "maybe"},
                             std::pair{"ROOMGATE_LOG_LEVEL", "loud"}}) {
    Sources s;
    s.env = {{name, value}};
    auto bad = load(s);
    ASSERT_FALSE(bad.ok()) << name << "=" << value;
    EXPECT_NE(bad.error().message.find(name), std::string::npos) << bad.error().message;
  }
}

TEST(ConfigLoad, MediaPortAndAddresses) {
  auto c = load({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rtcPort, 40000);
  EXPECT_EQ(c->rtcListenIp, "127.0.0.1");
  EXPECT_EQ(c->rtcAnnounceIp, "127.0.0.1") << "by default the listen address";

  Sources s;
  s.flags = {{"ROOMGATE_LISTEN", "[::1]:8080"}, {"ROOMGATE_RTC_PORT", "0"}};
  c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->rtcPort, 0);
  EXPECT_EQ(c->rtcListenIp, "::1");
  EXPECT_EQ(c->rtcAnnounceIp, "::1");

  s.flags = {{"ROOMGATE_LISTEN", "0.0.0.0:8080"}, {"ROOMGATE_RTC_ANNOUNCE_IP", "203.0.113.7"}};
  c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->rtcListenIp, "0.0.0.0");
  EXPECT_EQ(c->rtcAnnounceIp, "203.0.113.7");

  s.flags = {{"ROOMGATE_LISTEN", "localhost:8080"}};
  c = load(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rtcListenIp, "127.0.0.1") << "a host name is not an address to bind UDP to";

  // Listening on every interface leaves no one address to announce: the operator must say which.
  s.flags = {{"ROOMGATE_LISTEN", "0.0.0.0:8080"}};
  auto bad = load(s);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("ROOMGATE_RTC_ANNOUNCE_IP"), std::string::npos);
  for (auto [name, value] : {std::pair{"ROOMGATE_RTC_PORT", "65536"}, std::pair{"ROOMGATE_RTC_PORT", "-1"},
                             std::pair{"ROOMGATE_RTC_PORT", "4o000"},
                             std::pair{"ROOMGATE_RTC_ANNOUNCE_IP", "media.example.com"}}) {
    Sources e;
    e.env = {{name, value}};
    auto refused = load(e);
    ASSERT_FALSE(refused.ok()) << name << "=" << value;
    EXPECT_NE(refused.error().message.find(name), std::string::npos) << refused.error().message;
  }
}

TEST(SecretKey, RefusesMissingShortAndThePlaceholderWithAHowTo) {
  for (const std::optional<std::string>& key :
       {std::optional<std::string>{}, std::optional<std::string>{"super-secret"},
        std::optional<std::string>{"short"}}) {
    auto s = checkSecretKey(key);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("openssl rand -hex 32"), std::string::npos);
  }
  EXPECT_TRUE(checkSecretKey(std::string(32, 'x')).ok());
}

}  // namespace
}  // namespace roomgate::config
