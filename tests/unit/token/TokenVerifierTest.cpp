#include "token/TokenVerifier.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "support/Fakes.hpp"
#include "token/AccessToken.hpp"

namespace roomgate::token {
namespace {

using std::chrono::seconds;

constexpr int64_t kNow = 1'700'000'000;
const TokenCredentials kCredentials{"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                    "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "s3cr3t-api-key-secret"};
constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"})";

// A token with exactly this header and payload text, signed HS256 with `secret`.
std::string craft(std::string_view headerJson, std::string_view payloadJson,
                  std::string_view secret = kCredentials.apiKeySecret) {
  std::string input = base64UrlEncode(headerJson) + "." + base64UrlEncode(payloadJson);
  return input + "." + base64UrlEncode(hmacSha256(secret, input));
}

// A well-formed payload for `kCredentials` at kNow, with `grants` spliced in.
std::string payloadWithGrants(std::string_view grantsJson) {
  return R"({"jti":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-1700000000","grants":)" + std::string(grantsJson) +
         R"(,"iat":1700000000,"exp":1700003600,"iss":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",)"
         R"("sub":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})";
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  // The code of the error verify() returns, or "ok".
  std::string codeOf(std::string_view token, std::optional<std::string_view> room = std::nullopt) const {
    auto claims = verifier_.verify(token, room);
    if (claims.ok()) return "ok";
    EXPECT_EQ(claims.error().status, 401);
    EXPECT_FALSE(claims.error().message.empty());
    return claims.error().code;
  }
  std::string mintAt(std::string_view identity, std::string_view room, Seconds ttl, int64_t iat) const {
    return minter_.mintAt(identity, room, ttl, iat).value();
  }

  testing::FakeClock clock_{kNow};
  TokenMinter minter_{kCredentials, clock_};
  TokenVerifier verifier_{kCredentials, clock_};
};

TEST_F(TokenVerifierTest, RoundTripsAMintedToken) {
  auto token = minter_.mint("Zoë", "My Room", seconds(600));
  ASSERT_TRUE(token.ok());
  auto claims = verifier_.verify(*token, "My Room");
  ASSERT_TRUE(claims.ok()) << claims.error().code;
  EXPECT_EQ(claims->identity, "Zoë");
  EXPECT_EQ(claims->room, "My Room");
  EXPECT_EQ(claims->issuer, kCredentials.apiKeySid);
  EXPECT_EQ(claims->subject, kCredentials.accountSid);
  EXPECT_EQ(claims->jti, kCredentials.apiKeySid + "-1700000000");
  EXPECT_EQ(claims->issuedAt, kNow);
  EXPECT_EQ(claims->expiresAt, kNow + 600);
  EXPECT_EQ(claims->notBefore, std::nullopt);
  EXPECT_EQ(codeOf(*token), "ok");  // no room expectation
}

TEST_F(TokenVerifierTest, AcceptsATokenFromTheNpmPackage) {
  // Produced once with the npm `twilio` package 6.2.0 (node 20) by this command, on one line:
  //   node tests/tools/twilio-token.mjs ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
  //        s3cr3t-api-key-secret mabel "My Room" 3600 1700000000
  const std::string npm =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0."
      "eyJqdGkiOiJTS2JiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiLTE3MDAwMDAwMDAiLCJncmFudHMiOnsiaWRlbnRpdHkiOi"
      "Jt"
      "YWJlbCIsInZpZGVvIjp7InJvb20iOiJNeSBSb29tIn19LCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMCwiaXNzIjoiU0"
      "ti"
      "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYiIsInN1YiI6IkFDYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWEifQ"
      "."
      "B__iksyeiQ6kfsdw4vLa7UuFCjaD9YzkDdkjokiNbmg";
  auto claims = verifier_.verify(npm, "My Room");
  ASSERT_TRUE(claims.ok()) << claims.error().code;
  EXPECT_EQ(claims->identity, "mabel");
}

TEST_F(TokenVerifierTest, RejectsGarbageAsMalformed) {
  const std::string valid = mintAt("mabel", "room", seconds(60), kNow);
  for (const std::string& garbage : {
           std::string(""), std::string("."), std::string(".."), std::string("..."), std::string("abc"),
           std::string("a.b"), std::string("a.b.c.d"), std::string("!!!.???.###"),
           std::string("Bearer ") + valid,                // not base64url
           valid + ".",                                   // four parts
           valid.substr(0, valid.find('.')) + "==.e30.",  // padding
           base64UrlEncode(std::string_view("not json")) + ".e30.",
           base64UrlEncode(std::string_view("[]")) + ".e30.",  // header not an object
           craft(kHs256Header, "[1,2]"),                       // payload not an object
           craft(kHs256Header, R"({"a":1} trailing)"),         // trailing text after the JSON
           craft(kHs256Header, "{\"a\":\"\xFF\"}"),            // invalid UTF-8 inside JSON
       }) {
    EXPECT_EQ(codeOf(garbage), "token_malformed") << garbage;
  }
}

TEST_F(TokenVerifierTest, RejectsOversizedTokensBeforeAnyWork) {
  EXPECT_EQ(codeOf(std::string(kMaxTokenBytes + 1, 'a')), "token_malformed");
  // Even a correctly signed token is refused once it is over the limit.
  const std::string big =
      craft(kHs256Header, payloadWithGrants(R"({"identity":")" + std::string(kMaxTokenBytes, 'x') +
                                            R"(","video":{"room":"r"}})"));
  ASSERT_GT(big.size(), kMaxTokenBytes);
  EXPECT_EQ(codeOf(big), "token_malformed");
}

TEST_F(TokenVerifierTest, SurvivesDeeplyNestedJson) {
  const std::string deep = craft(kHs256Header, std::string(3000, '[') + std::string(3000, ']'));
  ASSERT_LE(deep.size(), kMaxTokenBytes);
  EXPECT_EQ(codeOf(deep), "token_malformed");  // parsed, but not an object
  EXPECT_EQ(codeOf(craft(kHs256Header, std::string(6000, '['))), "token_malformed");  // never closed
  // As deep as fits in kMaxTokenBytes, correctly signed, so it is parsed all the way to the grant check.
  const std::string deepGrant =
      craft(kHs256Header, payloadWithGrants(std::string(2500, '[') + std::string(2500, ']')));
  ASSERT_LE(deepGrant.size(), kMaxTokenBytes);
  EXPECT_EQ(codeOf(deepGrant), "token_grant");
}

TEST_F(TokenVerifierTest, RejectsEveryAlgorithmButHs256) {
  const std::string payload = payloadWithGrants(R"({"identity":"mabel","video":{"room":"room"}})");
  // alg "none" with the empty signature an unsecured JWT carries.
  const std::string none = base64UrlEncode(std::string_view(R"({"alg":"none","typ":"JWT"})")) + "." +
                           base64UrlEncode(payload) + ".";
  EXPECT_EQ(codeOf(none), "token_algorithm");
  // Otherwise signed exactly like a valid token, so only the header differs.
  for (std::string_view header :
       {R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"hs256","typ":"JWT"})",
        R"({"alg":"HS256 ","typ":"JWT"})", R"({"alg":256,"typ":"JWT"})", R"({"alg":["HS256"]})",
        R"({"typ":"JWT"})", R"({})"}) {
    EXPECT_EQ(codeOf(craft(header, payload)), "token_algorithm") << header;
  }
  EXPECT_EQ(codeOf(craft(R"({"alg":"HS256"})", payload)), "ok");
}

TEST_F(TokenVerifierTest, RejectsATamperedPayload) {
  const std::string token = mintAt("mabel", "room", seconds(60), kNow);
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const std::string forged =
      R"({"jti":"x","grants":{"identity":"admin","video":{"room":"room"}},"iat":1700000000,)"
      R"("exp":1700000060,"iss":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","sub":"AC"})";
  const std::string tampered = token.substr(0, dot1 + 1) + base64UrlEncode(forged) + token.substr(dot2);
  EXPECT_EQ(codeOf(tampered), "token_signature");
}

TEST_F(TokenVerifierTest, RejectsATamperedOrWrongSignature) {
  const std::string token = mintAt("mabel", "room", seconds(60), kNow);
  const auto sigStart = token.rfind('.') + 1;
  std::string flipped = token;
  flipped[sigStart] = flipped[sigStart] == 'A' ? 'B' : 'A';
  EXPECT_EQ(codeOf(flipped), "token_signature");
  EXPECT_EQ(codeOf(token.substr(0, sigStart)), "token_signature");          // empty signature
  EXPECT_EQ(codeOf(token.substr(0, token.size() - 3)), "token_signature");  // truncated to 30 bytes
  EXPECT_EQ(codeOf(token.substr(0, token.size() - 4)), "token_malformed");  // 39 characters: not base64url
  const std::string otherKey = craft(
      kHs256Header, payloadWithGrants(R"({"identity":"mabel","video":{"room":"room"}})"), "another-secret");
  EXPECT_EQ(codeOf(otherKey), "token_signature");
}

TEST_F(TokenVerifierTest, RejectsExpiredTokensBeyondTheLeeway) {
  // exp = kNow - 31: a second past the 30 s leeway.
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(3600), kNow - 3600 - 31)), "token_expired");
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(60), kNow - 86400)), "token_expired");
}

TEST_F(TokenVerifierTest, AcceptsExpiredTokensWithinTheLeeway) {
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(3600), kNow - 3600 - 30)), "ok");  // exp = now - leeway
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(3600), kNow - 3600 - 1)), "ok");
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(3600), kNow - 3600)), "ok");  // exp = now
}

TEST_F(TokenVerifierTest, HonoursAConfiguredLeeway) {
  const TokenVerifier strict(kCredentials, clock_, seconds(0));
  EXPECT_TRUE(strict.verify(mintAt("mabel", "room", seconds(60), kNow - 60)).ok());
  EXPECT_EQ(strict.verify(mintAt("mabel", "room", seconds(60), kNow - 61)).error().code, "token_expired");
  EXPECT_EQ(strict.verify(mintAt("mabel", "room", seconds(60), kNow + 1)).error().code,
            "token_not_yet_valid");
}

TEST_F(TokenVerifierTest, RejectsTokensIssuedInTheFutureBeyondTheLeeway) {
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(3600), kNow + 31)), "token_not_yet_valid");
  EXPECT_EQ(codeOf(mintAt("mabel", "room", seconds(3600), kNow + 30)), "ok");
}

TEST_F(TokenVerifierTest, RejectsANotBeforeInTheFuture) {
  auto withNbf = [](int64_t nbf) {
    return R"({"jti":"x","grants":{"identity":"mabel","video":{"room":"room"}},"iat":1700000000,)"
           R"("exp":1700003600,"nbf":)" +
           std::to_string(nbf) + R"(,"iss":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","sub":"AC"})";
  };
  EXPECT_EQ(codeOf(craft(kHs256Header, withNbf(kNow + 31))), "token_not_yet_valid");
  auto claims = verifier_.verify(craft(kHs256Header, withNbf(kNow + 30)));
  ASSERT_TRUE(claims.ok()) << claims.error().code;
  EXPECT_EQ(claims->notBefore, kNow + 30);
  // A signed token whose nbf is not an integer is malformed.
  std::string textNbf = withNbf(0);
  textNbf.replace(textNbf.find(R"("nbf":0)"), 7, R"("nbf":"0")");
  EXPECT_EQ(codeOf(craft(kHs256Header, textNbf)), "token_malformed");
}

TEST_F(TokenVerifierTest, RejectsSignedTokensWithoutIntegerTimes) {
  const std::string grants =
      R"("grants":{"identity":"mabel","video":{"room":"room"}},"iss":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")";
  EXPECT_EQ(codeOf(craft(kHs256Header, "{" + grants + R"(,"iat":1700000000})")),
            "token_malformed");  // no exp
  EXPECT_EQ(codeOf(craft(kHs256Header, "{" + grants + R"(,"exp":1700003600})")),
            "token_malformed");  // no iat
  EXPECT_EQ(codeOf(craft(kHs256Header, "{" + grants + R"(,"iat":1700000000,"exp":1700003600.5})")),
            "token_malformed");
  EXPECT_EQ(codeOf(craft(kHs256Header, "{" + grants + R"(,"iat":1700000000,"exp":"1700003600"})")),
            "token_malformed");
  EXPECT_EQ(codeOf(craft(kHs256Header, "{" + grants + R"(,"iat":1700000000,"exp":18446744073709551615})")),
            "token_malformed");
}

TEST_F(TokenVerifierTest, RejectsAnotherIssuer) {
  const TokenMinter other(
      {kCredentials.accountSid, "SKcccccccccccccccccccccccccccccccc", kCredentials.apiKeySecret}, clock_);
  EXPECT_EQ(codeOf(other.mint("mabel", "room").value()), "token_issuer");
  std::string noIss = payloadWithGrants(R"({"identity":"mabel","video":{"room":"room"}})");
  noIss.replace(noIss.find(R"("iss")"), 5, R"("xss")");
  EXPECT_EQ(codeOf(craft(kHs256Header, noIss)), "token_issuer");
}

TEST_F(TokenVerifierTest, RejectsMissingGrants) {
  for (std::string_view grants : {
           R"(null)",
           R"("mabel")",
           R"({})",
           R"({"video":{"room":"room"}})",  // no identity
           R"({"identity":"mabel"})",
           R"({"identity":"mabel","video":{}})",  // no room
           R"({"identity":"mabel","video":"room"})",
           R"({"identity":"mabel","video":{"room":7}})",
           R"({"identity":"","video":{"room":"room"}})",
           R"({"identity":"mabel","video":{"room":""}})",
           R"({"identity":["mabel"],"video":{"room":"room"}})",
       }) {
    EXPECT_EQ(codeOf(craft(kHs256Header, payloadWithGrants(grants))), "token_grant") << grants;
  }
  std::string noGrants = payloadWithGrants("0");
  noGrants.replace(noGrants.find(R"("grants")"), 8, R"("grunts")");
  EXPECT_EQ(codeOf(craft(kHs256Header, noGrants)), "token_grant");
}

TEST_F(TokenVerifierTest, RejectsAnotherRoom) {
  const std::string token = mintAt("mabel", "My Room", seconds(60), kNow);
  EXPECT_EQ(codeOf(token, "Other Room"), "token_room");
  EXPECT_EQ(codeOf(token, "my room"), "token_room");
  EXPECT_EQ(codeOf(token, ""), "token_room");
  EXPECT_EQ(codeOf(token, "My Room"), "ok");
}

TEST_F(TokenVerifierTest, ChecksInTheDocumentedOrder) {
  // Expired and for another room, with a bad signature: the signature is reported.
  std::string token = mintAt("mabel", "room", seconds(60), kNow - 86400);
  EXPECT_EQ(codeOf(token, "other"), "token_expired");
  token[token.rfind('.') + 1] ^= 1;
  EXPECT_EQ(codeOf(token, "other"), "token_signature");
  // Another issuer and no grants: the issuer is reported.
  EXPECT_EQ(codeOf(craft(kHs256Header, R"({"iat":1700000000,"exp":1700003600,"iss":"SKx"})")),
            "token_issuer");
}

}  // namespace
}  // namespace roomgate::token

namespace roomgate::token {
namespace {

// A ten-year token signed with the right key is still refused: nothing a server mints lives that long.
TEST_F(TokenVerifierTest, RefusesTokensThatLiveLongerThanTheMaximum) {
  auto tenYears = [](int64_t iat) {
    return R"({"jti":"x","grants":{"identity":"mallory","video":{"room":"room"}},"iat":)" +
           std::to_string(iat) + R"(,"exp":)" + std::to_string(iat + 10LL * 365 * 86400) +
           R"(,"iss":"SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","sub":"AC"})";
  };
  EXPECT_EQ(codeOf(craft(kHs256Header, tenYears(kNow))), "token_lifetime");
  EXPECT_EQ(codeOf(mintAt("mabel", "room", kMaxTokenTtl, kNow)), "ok");  // 24 h: the default maximum

  const TokenVerifier hourAtMost(kCredentials, clock_, kTokenLeeway, std::chrono::hours(1));
  EXPECT_TRUE(hourAtMost.verify(mintAt("mabel", "room", std::chrono::hours(1), kNow)).ok());
  EXPECT_EQ(hourAtMost.verify(mintAt("mabel", "room", std::chrono::hours(1) + seconds(1), kNow)).error().code,
            "token_lifetime");
}

TEST_F(TokenVerifierTest, ReadsTheFlowClaimOfPasscodeTokensOnly) {
  auto passcode = minter_.mint("mabel", "room", seconds(60), kPasscodeFlow);
  ASSERT_TRUE(passcode.ok());
  EXPECT_EQ(verifier_.verify(*passcode)->flow, "passcode");
  EXPECT_EQ(verifier_.verify(mintAt("mabel", "room", seconds(60), kNow))->flow, "");
}

}  // namespace
}  // namespace roomgate::token
