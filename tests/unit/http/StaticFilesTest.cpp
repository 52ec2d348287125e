#include "http/StaticFiles.hpp"

#include <gtest/gtest.h>

namespace roomgate::http {
namespace {

TEST(StaticFiles, ServesTheEmbeddedClientWithContentTypes) {
  auto index = staticFile("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->contentType, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<!doctype html>"), std::string::npos);
  auto js = staticFile("/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->contentType, "text/javascript; charset=utf-8");
  auto css = staticFile("/style.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->contentType, "text/css; charset=utf-8");
  EXPECT_FALSE(staticFile("/../CMakeLists.txt"));
  EXPECT_FALSE(staticFile("/missing.js"));
}

TEST(StaticFiles, HtmlCarriesAContentSecurityPolicy) {
  auto index = staticFile("/index.html");
  ASSERT_TRUE(index);
  bool csp = false;
  for (const auto& [name, value] : index->headers)
    if (name == "Content-Security-Policy") csp = value.find("default-src 'self'") != std::string::npos;
  EXPECT_TRUE(csp);
}

std::string cspOf(const Response& r) {
  for (const auto& [name, value] : r.headers)
    if (name == "Content-Security-Policy") return value;
  return "";
}

TEST(StaticFiles, OnlyTwilioVideoPagesMayConnectToTwilio) {
  EXPECT_EQ(cspOf(*staticFile("/")).find("twilio.com"), std::string::npos);
  EXPECT_NE(cspOf(*staticFile("/", true)).find("connect-src 'self' https://*.twilio.com wss://*.twilio.com"),
            std::string::npos);
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(contentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace roomgate::http
