#include "common/Encoding.hpp"

#include <gtest/gtest.h>

#include "common/Crypto.hpp"

namespace roomgate {
namespace {

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64UrlEncode(std::string_view("")), "");
  EXPECT_EQ(base64UrlEncode(std::string_view("f")), "Zg");
  EXPECT_EQ(base64UrlEncode(std::string_view("fo")), "Zm8");
  EXPECT_EQ(base64UrlEncode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(base64UrlEncode(std::string_view("foob")), "Zm9vYg");
  EXPECT_EQ(base64UrlEncode(std::string_view("fooba")), "Zm9vYmE");
  EXPECT_EQ(base64UrlEncode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64UrlEncode(std::string_view("\xfb\xff")), "-_8");
}

TEST(Base64Url, DecodeRoundTripsAndRejectsBadInput) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\x00\xff\x10"}) {
    auto d = base64UrlDecode(base64UrlEncode(std::string_view(s)));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, s);
  }
  EXPECT_FALSE(base64UrlDecode("Zm9v="));  // padding is not base64url-in-JWT
  EXPECT_FALSE(base64UrlDecode("Zm+v"));   // '+' is the other alphabet
  EXPECT_FALSE(base64UrlDecode("Z"));      // impossible length
  EXPECT_FALSE(base64UrlDecode("Zh"));     // non-zero leftover bits: a second spelling of "f"
}

TEST(Hmac, MatchesRfc4231TestCase2) {
  const auto d = hmacSha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(toHex(d), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constantTimeEqual(asBytes("abc"), asBytes("abc")));
  EXPECT_FALSE(constantTimeEqual(asBytes("abc"), asBytes("abd")));
  EXPECT_FALSE(constantTimeEqual(asBytes("abc"), asBytes("abcd")));
}

}  // namespace
}  // namespace roomgate
