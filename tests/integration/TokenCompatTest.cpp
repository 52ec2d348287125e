// Byte-for-byte compatibility of TokenMinter with the npm `twilio` package: for each case, node runs
// tests/tools/twilio-token.mjs (AccessToken + VideoGrant with Date.now fixed) and its token must equal
// roomgate's mintAt() output exactly. Needs node and tests/node_modules (scripts/install-deps); without
// them the test fails rather than skips, so a missing reference can never pass silently.

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "support/Fakes.hpp"
#include "support/Process.hpp"
#include "token/AccessToken.hpp"
#include "token/TokenVerifier.hpp"

namespace roomgate::token {
namespace {

namespace fs = std::filesystem;

const TokenCredentials kCredentials{"AC0123456789abcdef0123456789abcdef",
                                    "SKfedcba9876543210fedcba9876543210",
                                    "a-secret: with \"quotes\", ünïcödé and spaces"};
const fs::path kSourceDir = ROOMGATE_SOURCE_DIR;
const fs::path kScript = kSourceDir / "tests" / "tools" / "twilio-token.mjs";
const fs::path kTwilioPackage = kSourceDir / "tests" / "node_modules" / "twilio" / "package.json";

struct CompatCase {
  std::string name;  // gtest parameter name
  std::string identity;
  std::string room;
  int64_t ttlSeconds;
  int64_t issuedAt;
};

// Keeps gtest from dumping the struct's bytes when a case fails.
void PrintTo(const CompatCase& c, std::ostream* os) {
  *os << c.name;
}

class TokenCompatTest : public ::testing::TestWithParam<CompatCase> {};

TEST_P(TokenCompatTest, MintsTheSameBytesAsTheNpmTwilioPackage) {
  const CompatCase& c = GetParam();
  ASSERT_TRUE(fs::exists(kTwilioPackage)) << kTwilioPackage << " is missing; the npm `twilio` package is not "
                                          << "installed. Run scripts/install-deps.";
  ASSERT_TRUE(fs::exists(kScript)) << kScript << " is missing.";

  const testing::CommandResult npm = testing::runProgram(
      {"node", kScript.string(), kCredentials.accountSid, kCredentials.apiKeySid, kCredentials.apiKeySecret,
       c.identity, c.room, std::to_string(c.ttlSeconds), std::to_string(c.issuedAt)},
      kSourceDir.string());
  ASSERT_EQ(npm.exitCode, 0) << "node " << kScript << " failed: " << npm.err
                             << "\n(node and tests/node_modules come from scripts/install-deps)";
  ASSERT_FALSE(npm.out.empty());
  ASSERT_EQ(npm.out.back(), '\n');
  const std::string expected = npm.out.substr(0, npm.out.size() - 1);

  testing::FakeClock clock(c.issuedAt);
  const TokenMinter minter(kCredentials, clock);
  auto ours = minter.mintAt(c.identity, c.room, Seconds(c.ttlSeconds), c.issuedAt);
  ASSERT_TRUE(ours.ok()) << ours.error().code << ": " << ours.error().message;
  EXPECT_EQ(*ours, expected);

  // And the package's token passes our verifier with the same claims.
  const TokenVerifier verifier(kCredentials, clock);
  auto claims = verifier.verify(expected, c.room);
  ASSERT_TRUE(claims.ok()) << claims.error().code << ": " << claims.error().message;
  EXPECT_EQ(claims->identity, c.identity);
  EXPECT_EQ(claims->expiresAt, c.issuedAt + c.ttlSeconds);
}

std::string allControls() {
  std::string s = "ctl:";
  for (char c = 1; c < 0x20; ++c) s.push_back(c);  // NUL cannot travel in argv
  return s + "\x7f";
}

INSTANTIATE_TEST_SUITE_P(
    Identities, TokenCompatTest,
    ::testing::Values(CompatCase{"Ascii", "mabel", "My Room", 3600, 1'700'000'000},
                      CompatCase{"Apostrophe", "Tom O'Neil", "My Room", 3600, 1'700'000'001},
                      CompatCase{"QuotesAndBackslash", R"(say "hi" \ C:\path\ /slash/)", "My Room", 600,
                                 1'712'345'678},
                      CompatCase{"ControlCharacters", allControls(), "My Room", 86400, 1'750'000'000},
                      CompatCase{"Latin", "Zoë", "My Room", 3600, 1'700'000'000},
                      CompatCase{"Han", "李小龍", "My Room", 1, 1'700'000'000},
                      CompatCase{"Emoji", "😀 Ana 👩‍👩‍👧", "My Room", 3600, 1'700'000'000},
                      CompatCase{"LineSeparators", "a\u2028b\u2029c", "My Room", 3600, 1'700'000'000},
                      CompatCase{"NonAsciiRoom", "mabel", "Salle de réunion ✨", 3600, 1'700'000'000},
                      CompatCase{"NonAsciiBoth", "李小龍", "会議室 \"A\"\t\\", 7200, 1'800'000'000}),
    [](const ::testing::TestParamInfo<CompatCase>& info) { return info.param.name; });

}  // namespace
}  // namespace roomgate::token
