#include "directory/PhoneNumber.hpp"

#include <gtest/gtest.h>

namespace roomgate::directory {
namespace {

TEST(NormalizePhone, WritesE164) {
  EXPECT_EQ(normalizePhone("(800) 555-4321").value(), "+18005554321");  // US by default
  EXPECT_EQ(normalizePhone("+1 800 555 4321").value(), "+18005554321");
  EXPECT_EQ(normalizePhone("  +1 (415) 555-0123 \n").value(), "+14155550123");
  EXPECT_EQ(normalizePhone("+44 20 7946 0958").value(), "+442079460958");
  EXPECT_EQ(normalizePhone("020 7946 0958", "GB").value(), "+442079460958");
}

TEST(NormalizePhone, AcceptsTheTollFreeDemoNumbers) {
  for (const char* n : {"+18005559876", "+18005554321", "+18005556789", "+18885551234", "+18335551234"})
    EXPECT_EQ(normalizePhone(n).value(), n);
}

TEST(NormalizePhone, RefusesGarbageAndImpossibleNumbers) {
  for (const char* bad : {"garbage", "12", "", "   ", "+1 555", "+999 1234567", "800-555-4321 ext 5"}) {
    auto r = normalizePhone(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "invalid_phone");
  }
  EXPECT_EQ(normalizePhone("12").error().message,
            "\"12\" is not a valid phone number; write it in international form, e.g. +14155550123.");
}

TEST(NormalizePhone, QuotesUnprintableInputSafely) {
  auto r = normalizePhone("12\x01\xff");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.substr(0, 10), "\"12\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(MaskPhone, KeepsTheLastTwoDigits) {
  EXPECT_EQ(maskPhone("+18005554321"), "********21");
  EXPECT_EQ(maskPhone("+18005559876"), "********76");
  EXPECT_EQ(maskPhone("+442079460958"), "********58");  // the length does not show
  EXPECT_EQ(callingCode("+18005554321"), 1);
  EXPECT_EQ(callingCode("+442079460958"), 44);
  EXPECT_EQ(callingCode("442"), 44);
  EXPECT_EQ(callingCode("+3531234567"), 353);
  EXPECT_EQ(callingCode("+999"), 0);
  EXPECT_EQ(callingCode(""), 0);
  EXPECT_EQ(maskPhone("+12"), "********");
  EXPECT_EQ(maskPhone(""), "********");
}

}  // namespace
}  // namespace roomgate::directory
