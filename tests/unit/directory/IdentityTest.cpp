#include "directory/Identity.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/Text.hpp"

namespace roomgate::directory {
namespace {

TEST(ValidateIdentity, TrimsAndKeepsCaseAndUnicode) {
  EXPECT_EQ(validateIdentity("  Mabel \n").value(), "Mabel");
  EXPECT_EQ(validateIdentity("Zo\xC3\xAB Smith").value(), "Zo\xC3\xAB Smith");
}

TEST(ValidateIdentity, RefusesEmptyLongInvalidAndControl) {
  const std::string longest(kMaxIdentityBytes, 'x');
  EXPECT_TRUE(validateIdentity(longest).ok());
  for (const std::string& bad :
       {std::string(), std::string(" \t "), longest + "x", std::string("ab\xC3"), std::string("\xC0\xAF"),
        std::string("a\x01"
                    "b"),
        std::string("a\nb"),
        std::string("a\xC2\x85"
                    "b"),
        std::string("a\x7F")}) {
    auto r = validateIdentity(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "invalid_identity");
  }
  EXPECT_EQ(validateIdentity("").error().message, "A name can't be empty.");
}

TEST(ValidateIdentity, RoomNamesFollowTheSameRulesAndRefuseSemicolons) {
  EXPECT_EQ(validateRoomName(" My Room ").value(), "My Room");
  EXPECT_EQ(validateRoomName(std::string(kMaxRoomNameBytes + 1, 'r')).error().code, "invalid_room");
  EXPECT_EQ(validateRoomName("").error().message, "A room name can't be empty.");
  EXPECT_EQ(validateRoomName("a;b").error().code, "invalid_room");
  EXPECT_EQ(validateRoomName("a\tb").error().code, "invalid_room");
}

TEST(IdentityText, Utf8Validation) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("a\xC3\xA9\xE2\x80\xA2\xF0\x9F\x98\x80"));
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\x80"));
}

TEST(IdentityText, QuoteForMessageIsBoundedAndClean) {
  EXPECT_EQ(quoteForMessage("abc"), "\"abc\"");
  const std::string q = quoteForMessage(std::string(200, 'z'));
  EXPECT_EQ(q, "\"" + std::string(kMaxQuotedBytes, 'z') + "...\"");
  EXPECT_TRUE(isValidUtf8(quoteForMessage("\xFF\xC3")));
}

}  // namespace
}  // namespace roomgate::directory
