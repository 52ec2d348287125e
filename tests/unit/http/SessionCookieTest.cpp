#include "http/SessionCookie.hpp"

#include <gtest/gtest.h>

namespace roomgate::http {
namespace {

const LoginSession kSession{"mabel", std::string("My Room"), "VE0123", "sms", 2000};

TEST(SessionCookie, RoundTripsUntilItExpires) {
  SessionCookie c("key-one-key-one-key-one-key-one!");
  const auto value = c.seal(kSession);
  EXPECT_EQ(c.open(value, 1999), kSession);
  EXPECT_FALSE(c.open(value, 2000));  // dies with the verification
  LoginSession noRoom = kSession;
  noRoom.room.reset();
  EXPECT_EQ(c.open(c.seal(noRoom), 0), noRoom);
}

TEST(SessionCookie, RefusesForgeriesAndOtherKeys) {
  SessionCookie c("key-one-key-one-key-one-key-one!");
  SessionCookie other("key-two-key-two-key-two-key-two!");
  const auto value = c.seal(kSession);
  EXPECT_FALSE(other.open(value, 0));
  std::string tampered = value;
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(c.open(tampered, 0));
  EXPECT_FALSE(c.open("", 0));
  EXPECT_FALSE(c.open("no-dot", 0));
  EXPECT_FALSE(c.open(std::string(kMaxSessionCookieBytes + 1, 'a') + ".b", 0));
}

TEST(SessionCookie, HeaderAttributes) {
  EXPECT_EQ(SessionCookie::setHeader("v", 600, false),
            "roomgate_session=v; Path=/; Max-Age=600; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SessionCookie::setHeader("v", 600, true),
            "roomgate_session=v; Path=/; Max-Age=600; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionCookie::clearHeader(false),
            "roomgate_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
}

TEST(SessionCookie, FindsOurCookieAmongOthers) {
  EXPECT_EQ(SessionCookie::fromCookieHeader("a=1; roomgate_session=xyz; b=2"), "xyz");
  EXPECT_EQ(SessionCookie::fromCookieHeader("roomgate_session=xyz"), "xyz");
  EXPECT_FALSE(SessionCookie::fromCookieHeader("a=1; roomgate_sessionx=1"));
  EXPECT_FALSE(SessionCookie::fromCookieHeader(""));
}

}  // namespace
}  // namespace roomgate::http
