#include "token/TokenGate.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/Fakes.hpp"
#include "token/AccessToken.hpp"

namespace roomgate::token {
namespace {

using std::chrono::seconds;

constexpr int64_t kNow = 1'700'000'000;
const TokenCredentials kCredentials{"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                    "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "gate-test-signing-secret"};

class TokenGateTest : public ::testing::Test {
 protected:
  std::string codeOf(const std::string& token, std::optional<std::string_view> room = std::nullopt) {
    auto claims = gate_.admit(token, room);
    return claims ? "ok" : claims.error().code;
  }
  std::string passcodeToken(std::string_view identity, std::string_view room) {
    return minter_.mint(identity, room, seconds(600), kPasscodeFlow).value();
  }

  testing::FakeClock clock_{kNow};
  TokenMinter minter_{kCredentials, clock_};
  TokenVerifier verifier_{kCredentials, clock_};
  std::set<std::pair<std::string, std::string>> invited_{{"mabel", "Book Club"}};
  std::map<std::string, int64_t> watermarks_;
  TokenGate gate_{verifier_,
                  {[this](std::string_view identity, std::string_view) -> std::optional<int64_t> {
                     auto it = watermarks_.find(std::string(identity));
                     if (it == watermarks_.end()) return std::nullopt;
                     return it->second;
                   },
                   [this](std::string_view identity, std::string_view room) {
                     return invited_.contains({std::string(identity), std::string(room)});
                   }}};
};

TEST_F(TokenGateTest, AdmitsAnInvitedGuestsPasscodeToken) {
  EXPECT_EQ(codeOf(passcodeToken("mabel", "Book Club"), "Book Club"), "ok");
}

TEST_F(TokenGateTest, RefusesAPasscodeTokenOnceTheGuestIsNoLongerInvited) {
  const std::string token = passcodeToken("mabel", "Book Club");
  invited_.clear();  // taken off the list (or out of the room) by any means, not only the CLI
  auto refused = gate_.admit(token);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "not_invited");
  EXPECT_EQ(refused.error().status, 403);
  EXPECT_NE(refused.error().message.find("Book Club"), std::string::npos);
}

TEST_F(TokenGateTest, AHandMintedTokenNeedsNoInvitation) {
  // `roomgate token` mints for rooms and names the host chose; the signature is its only proof.
  EXPECT_EQ(codeOf(minter_.mint("visitor", "Lobby", seconds(600)).value()), "ok");
}

TEST_F(TokenGateTest, RefusesTokensIssuedAtOrBeforeTheRevocationWatermark) {
  const std::string token = passcodeToken("mabel", "Book Club");
  watermarks_["mabel"] = kNow;
  EXPECT_EQ(codeOf(token), "token_revoked");
  clock_.advance(seconds(1));
  EXPECT_EQ(codeOf(passcodeToken("mabel", "Book Club")), "ok");  // a token issued after it is fine
}

TEST_F(TokenGateTest, VerifierRefusalsComeFirst) {
  EXPECT_EQ(codeOf("not-a-token"), "token_malformed");
  EXPECT_EQ(codeOf(passcodeToken("mabel", "Book Club"), "Other Room"), "token_room");
}

}  // namespace
}  // namespace roomgate::token
