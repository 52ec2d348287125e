#include "http/RequestChecks.hpp"

#include <gtest/gtest.h>

#include "common/Encoding.hpp"

namespace roomgate::http {
namespace {

TEST(WebSocketKey, TheBase64OfSixteenBytes) {
  EXPECT_TRUE(isValidWebSocketKey("dGhlIHNhbXBsZSBub25jZQ=="));  // RFC 6455's example
  EXPECT_TRUE(isValidWebSocketKey(base64Encode(std::string(16, '\xff'))));
  EXPECT_TRUE(isValidWebSocketKey(base64Encode(std::string(16, '\0'))));
  EXPECT_TRUE(isValidWebSocketKey("AAAAAAAAAAAAAAAAAAAA/w=="));
}

TEST(WebSocketKey, AnythingElseIsRefused) {
  for (const char* bad : {
           "", "x",
           "dGhlIHNhbXBsZSBub25jZQ",     // no padding
           "dGhlIHNhbXBsZSBub25jZQ=",    // short padding
           "dGhlIHNhbXBsZSBub25jZQ===",  // 25 characters
           "dGhlIHNhbXBsZSBub25jZ===",   // 15 bytes
           "dGhlIHNhbXBsZSBub25jZXg=",   // 17 bytes
           "dGhlIHNhbXBsZSBub25jZR==",   // non-canonical: bits set past the 16th byte
           "dGhlIHNhbXBsZSBub25j*Q==",   // outside the alphabet
           "dGhlIHNhbXBsZSBub25jZQ-_",   // base64url is not base64
           "not-a-websocket-key-----",   // Beast's only check, length <= 24, passes this
       })
    EXPECT_FALSE(isValidWebSocketKey(bad)) << bad;
  EXPECT_FALSE(isValidWebSocketKey(base64Encode(std::string(18, 'a'))));
}

TEST(LineFolding, AFieldLineStartingWithSpaceOrTabIsFolding) {
  EXPECT_TRUE(hasObsoleteLineFolding("POST /login HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two"));
  EXPECT_TRUE(hasObsoleteLineFolding("POST /login HTTP/1.1\r\nHost: a\r\n\tX-B: 1"));
  EXPECT_FALSE(hasObsoleteLineFolding("POST /login HTTP/1.1\r\nHost: a\r\nX-A: one two"));
  EXPECT_FALSE(hasObsoleteLineFolding("GET / HTTP/1.1\r\nHost: a"));
  EXPECT_FALSE(hasObsoleteLineFolding("GET / HTTP/1.1\r\nX-A: a\tb \r\nHost: a"));
  EXPECT_FALSE(hasObsoleteLineFolding(""));
}

}  // namespace
}  // namespace roomgate::http
