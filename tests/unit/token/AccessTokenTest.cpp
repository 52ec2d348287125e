#include "token/AccessToken.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/Encoding.hpp"
#include "support/Fakes.hpp"

namespace roomgate::token {
namespace {

using std::chrono::seconds;

const TokenCredentials kCredentials{"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                    "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "s3cr3t-api-key-secret"};

// The decoded middle part of a token.
std::string payloadOf(const std::string& token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  return base64UrlDecode(token.substr(first + 1, second - first - 1)).value_or("<bad base64>");
}

std::string headerOf(const std::string& token) {
  return base64UrlDecode(token.substr(0, token.find('.'))).value_or("<bad base64>");
}

TEST(TokenMinter, MatchesTheNpmPackageForAsciiInputs) {
  // Produced once with the npm `twilio` package 6.2.0 (node 20) by this command, on one line:
  //   node tests/tools/twilio-token.mjs ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
  //        s3cr3t-api-key-secret mabel "My Room" 3600 1700000000
  constexpr std::string_view kExpected =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0."
      "eyJqdGkiOiJTS2JiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiLTE3MDAwMDAwMDAiLCJncmFudHMiOnsiaWRlbnRpdHkiOi"
      "Jt"
      "YWJlbCIsInZpZGVvIjp7InJvb20iOiJNeSBSb29tIn19LCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMCwiaXNzIjoiU0"
      "ti"
      "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYiIsInN1YiI6IkFDYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWEifQ"
      "."
      "B__iksyeiQ6kfsdw4vLa7UuFCjaD9YzkDdkjokiNbmg";
  testing::FakeClock clock(1'700'000'000);
  const TokenMinter minter(kCredentials, clock);
  auto token = minter.mintAt("mabel", "My Room", seconds(3600), 1'700'000'000);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(*token, kExpected);
  // mint() reads the same instant from the clock and uses the default lifetime.
  EXPECT_EQ(minter.mint("mabel", "My Room").value(), kExpected);
}

TEST(TokenMinter, MatchesTheNpmPackageForEscapedAndNonAsciiInputs) {
  // Produced once with the npm `twilio` package 6.2.0 (node 20) by this bash command, on one line:
  //   node tests/tools/twilio-token.mjs ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
  //        s3cr3t-api-key-secret "$(printf 'Zoë "the" \\ one\t😀')" "李小龍的房間" 600 1712345678
  constexpr std::string_view kExpected =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0."
      "eyJqdGkiOiJTS2JiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiLTE3MTIzNDU2NzgiLCJncmFudHMiOnsiaWRlbnRpdHkiOi"
      "Ja"
      "b8OrIFwidGhlXCIgXFwgb25lXHTwn5iAIiwidmlkZW8iOnsicm9vbSI6IuadjuWwj-m-jeeahOaIv-"
      "mWkyJ9fSwiaWF0IjoxNzEyMzQ1"
      "Njc4LCJleHAiOjE3MTIzNDYyNzgsImlzcyI6IlNLYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmIiLCJzdWIiOiJBQ2FhYW"
      "Fh"
      "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIn0."
      "jAtXeqBXO09mcPEhCBiTFTx2jO41VWRC8WjLaFhGzFY";
  testing::FakeClock clock;
  const TokenMinter minter(kCredentials, clock);
  auto token = minter.mintAt("Zoë \"the\" \\ one\t😀", "李小龍的房間", seconds(600), 1'712'345'678);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(*token, kExpected);
}

TEST(TokenMinter, WritesTheTwilioHeaderAndClaimOrder) {
  testing::FakeClock clock(1'700'000'123);
  const TokenMinter minter(kCredentials, clock);
  auto token = minter.mint("mabel", "r", seconds(60));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(headerOf(*token), R"({"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"})");
  EXPECT_EQ(payloadOf(*token),
            R"({"jti":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-1700000123",)"
            R"("grants":{"identity":"mabel","video":{"room":"r"}},"iat":1700000123,"exp":1700000183,)"
            R"("iss":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","sub":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})");
  EXPECT_EQ(token->find('='), std::string::npos);  // base64url without padding
}

TEST(TokenMinter, RejectsEmptyOrInvalidIdentityAndRoom) {
  testing::FakeClock clock;
  const TokenMinter minter(kCredentials, clock);
  struct Case {
    std::string_view identity, room, code;
  };
  for (const auto& c : {Case{"", "room", "invalid_identity"}, Case{"\xC3", "room", "invalid_identity"},
                        Case{"\xED\xA0\x80", "room", "invalid_identity"}, Case{"mabel", "", "invalid_room"},
                        Case{"mabel", "\xF4\x90\x80\x80", "invalid_room"}}) {
    auto token = minter.mint(c.identity, c.room);
    ASSERT_FALSE(token.ok()) << c.code;
    EXPECT_EQ(token.error().status, 400);
    EXPECT_EQ(token.error().code, c.code);
    EXPECT_FALSE(token.error().message.empty());
  }
}

TEST(TokenMinter, RejectsLifetimesOutsideOneSecondToOneDay) {
  testing::FakeClock clock;
  const TokenMinter minter(kCredentials, clock);
  for (const Seconds ttl : {seconds(0), seconds(-1), kMaxTokenTtl + seconds(1)}) {
    auto token = minter.mint("mabel", "room", ttl);
    ASSERT_FALSE(token.ok()) << ttl.count();
    EXPECT_EQ(token.error().status, 400);
    EXPECT_EQ(token.error().code, "invalid_ttl");
  }
  EXPECT_TRUE(minter.mint("mabel", "room", seconds(1)).ok());
  EXPECT_TRUE(minter.mint("mabel", "room", kMaxTokenTtl).ok());
}

TEST(TokenMinter, RejectsIssueTimesOutOfRange) {
  testing::FakeClock clock;
  const TokenMinter minter(kCredentials, clock);
  EXPECT_EQ(minter.mintAt("mabel", "room", seconds(60), -1).error().code, "invalid_time");
  EXPECT_EQ(minter.mintAt("mabel", "room", seconds(60), INT64_MAX).error().code, "invalid_time");
  EXPECT_TRUE(minter.mintAt("mabel", "room", seconds(60), 0).ok());
}

TEST(TokenMinter, RefusesTokensLongerThanTheVerifierAccepts) {
  testing::FakeClock clock;
  const TokenMinter minter(kCredentials, clock);
  auto token = minter.mint(std::string(kMaxTokenBytes, 'x'), "room");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, "token_too_large");
  EXPECT_TRUE(minter.mint(std::string(1000, 'x'), "room").ok());
}

TEST(TokenMinter, ReportsMissingCredentialsAsInternal) {
  testing::FakeClock clock;
  for (const auto& credentials :
       {TokenCredentials{"", "SK1", "secret"}, TokenCredentials{"AC1", "", "secret"},
        TokenCredentials{"AC1", "SK1", ""}}) {
    const TokenMinter minter(credentials, clock);
    auto token = minter.mint("mabel", "room");
    ASSERT_FALSE(token.ok());
    EXPECT_EQ(token.error().status, 500);
  }
}

}  // namespace
}  // namespace roomgate::token
