#include "directory/Email.hpp"

#include <gtest/gtest.h>

#include <string>

namespace roomgate::directory {
namespace {

TEST(NormalizeEmail, TrimsAndLowercasesTheDomainOnly) {
  EXPECT_EQ(normalizeEmail("  Mabel@Example.COM \t").value(), "Mabel@example.com");
  EXPECT_EQ(normalizeEmail("a.b+tag@mail.example.org").value(), "a.b+tag@mail.example.org");
  EXPECT_EQ(normalizeEmail("jos\xC3\xA9@exa\xC3\x89mple.fr").value(), "jos\xC3\xA9@exa\xC3\x89mple.fr");
}

TEST(NormalizeEmail, RefusesMalformedAddresses) {
  for (const char* bad : {"", "mabel", "mabel@", "@example.com", "mabel@example", "a@b@example.com",
                          "ma bel@example.com", "mabel@.example.com", "mabel@example.com.",
                          "mabel@example..com", "mabel\x01@example.com", "mabel@exa\xFFmple.com"}) {
    auto r = normalizeEmail(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "invalid_email");
  }
  EXPECT_EQ(normalizeEmail("mabel").error().message,
            "\"mabel\" is not a valid e-mail address; write it as name@example.com.");
}

TEST(NormalizeEmail, LimitsTheLength) {
  const std::string domain = "@example.com";
  const std::string fits = std::string(kMaxEmailBytes - domain.size(), 'a') + domain;
  EXPECT_TRUE(normalizeEmail(fits).ok());
  EXPECT_FALSE(normalizeEmail("a" + fits).ok());
}

TEST(MaskEmail, ShowsFirstCharacterAndDomain) {
  EXPECT_EQ(maskEmail("mabel@example.com"),
            "m\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2@e\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2.com");
  EXPECT_EQ(maskEmail("\xC3\xA9lise@\xC3\xA9"
                      "cole.fr"),
            "\xC3\xA9\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2@\xC3\xA9\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2.fr");
  EXPECT_EQ(maskEmail("ada@localhost"),
            "a\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2@l\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  EXPECT_EQ(maskEmail("nobody"), "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
}

}  // namespace
}  // namespace roomgate::directory
