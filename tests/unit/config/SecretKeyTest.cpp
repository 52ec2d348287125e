#include "config/SecretKey.hpp"

#include <gtest/gtest.h>

#include "common/Encoding.hpp"
#include "common/Random.hpp"

namespace roomgate::config {
namespace {

// What `openssl rand -hex N` prints.
std::string randomHexKey(std::size_t bytes) {
  OpenSslRandom random;
  return randomHex(random, bytes);
}

void expectRefused(const std::optional<std::string>& key, std::string_view why) {
  const auto s = checkSecretKey(key);
  ASSERT_FALSE(s.ok()) << key.value_or("(unset)");
  EXPECT_EQ(s.error().code, "invalid_config");
  EXPECT_NE(s.error().message.find(why), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("openssl rand -hex 32"), std::string::npos) << s.error().message;
}

TEST(SecretKey, RefusesMissingShortAndThePlaceholderWithAHowTo) {
  expectRefused(std::nullopt, "not set");
  expectRefused("super-secret", "example");
  expectRefused("short", "bytes");
}

TEST(SecretKey, RefusesTheExamplesTheDocumentationPrinted) {
  // docs/CONFIGURATION.md printed this value until the docs showed the command instead.
  expectRefused("6c1f0e5d2b7a48c39e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e", "example");
}

TEST(SecretKey, RefusesFewCharactersAndRepeatedPatterns) {
  expectRefused(std::string(32, 'a'), "only 1 different");
  expectRefused(std::string(64, 'k'), "only 1 different");
  std::string ab;
  for (int i = 0; i < 20; ++i) ab += "ab";
  expectRefused(ab, "only 2 different");
  expectRefused("0123456789abcdef0123456789abcdef", "pattern of 16");
  expectRefused("password1234password1234password1234", "pattern of 12");
}

TEST(SecretKey, RefusesKeysWithTooLittleEntropy) {
  // 40 characters in sequence: long enough, many different characters, no repetition, ~20 bits.
  expectRefused("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", "bits of entropy");
  // 33 decimal digits: 109 bits at most.
  expectRefused("914702583619047258361904725836191", "bits of entropy");
}

TEST(SecretKey, AcceptsWhatOpensslRandMakes) {
  // 32 and 64 hex characters (the docs' `openssl rand -hex 32`) and base64 of 32 bytes, many times so a
  // false refusal of a random key would show.
  OpenSslRandom random;
  for (int i = 0; i < 500; ++i) {
    EXPECT_TRUE(checkSecretKey(randomHexKey(16)).ok());
    EXPECT_TRUE(checkSecretKey(randomHexKey(32)).ok());
    std::string bytes(32, '\0');
    random.fill(std::as_writable_bytes(std::span(bytes)));
    EXPECT_TRUE(checkSecretKey(base64Encode(bytes)).ok());
  }
}

TEST(SecretKey, EstimateCountsOnePeriodOfARepeatedKey) {
  const std::string once = "Xq7!pR2#kL9@mZ4$";
  EXPECT_DOUBLE_EQ(estimateSecretBits(once + once + once), estimateSecretBits(once));
  EXPECT_GT(estimateSecretBits(randomHexKey(32)), 200.0);
}

}  // namespace
}  // namespace roomgate::config
