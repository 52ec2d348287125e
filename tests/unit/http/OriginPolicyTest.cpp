#include "http/OriginPolicy.hpp"

#include <gtest/gtest.h>

namespace roomgate::http {
namespace {

Request post(std::optional<std::string> origin, std::optional<std::string> host = "127.0.0.1:8080") {
  Request r;
  r.method = "POST";
  if (origin) r.headers["origin"] = *origin;
  if (host) r.headers["host"] = *host;
  return r;
}

TEST(Origin, ParsesPerRfc6454) {
  const auto o = parseOrigin("HTTPS://Call.Example.COM");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->scheme, "https");
  EXPECT_EQ(o->host, "call.example.com");
  EXPECT_EQ(o->port, 443);
  EXPECT_EQ(parseOrigin("https://call.example.com:443"), o) << "the default port is no port";
  EXPECT_NE(parseOrigin("http://call.example.com:443"), o);
  EXPECT_EQ(parseOrigin("http://[::1]:8080")->host, "[::1]");
  EXPECT_EQ(parseOrigin("http://a.example:8080")->text(), "http://a.example:8080");
  EXPECT_EQ(parseOrigin("https://a.example:443")->text(), "https://a.example");
  for (const char* bad :
       {"null", "", "https://", "https://a.example/", "https://a.example/path", "a.example",
        "ftp://a.example", "https://user@a.example", "https://a.example:0", "https://a.example:99999",
        "https://a.example:", "https://a b", "https://a.example?x"})
    EXPECT_FALSE(parseOrigin(bad)) << bad;
  EXPECT_EQ(originOfUrl("https://call.example.com:8443/rooms?x")->text(), "https://call.example.com:8443");
}

TEST(OriginPolicy, OnlyStateChangingMethodsAreChecked) {
  EXPECT_FALSE(needsOriginCheck("GET"));
  EXPECT_FALSE(needsOriginCheck("HEAD"));
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) EXPECT_TRUE(needsOriginCheck(m)) << m;
}

TEST(OriginPolicy, WithoutOriginEverythingIsAllowed) {
  EXPECT_TRUE(originAllowed(post(std::nullopt), {}));
  EXPECT_TRUE(originAllowed(post(std::nullopt, std::nullopt), {}));
}

TEST(OriginPolicy, WithoutPublicUrlTheRequestsOwnHostIsTheServer) {
  EXPECT_TRUE(originAllowed(post("http://127.0.0.1:8080"), {}));
  EXPECT_TRUE(originAllowed(post("https://127.0.0.1:8080"), {}));
  EXPECT_TRUE(originAllowed(post("HTTP://127.0.0.1:8080"), {}));
  EXPECT_TRUE(originAllowed(post("http://call.example.com", "Call.Example.com"), {}));
  EXPECT_TRUE(originAllowed(post("https://call.example.com", "call.example.com"), {}));
  EXPECT_TRUE(originAllowed(post("https://call.example.com", "call.example.com:443"), {}));
  EXPECT_TRUE(originAllowed(post("http://[::1]:8080", "[::1]:8080"), {}));
  EXPECT_FALSE(originAllowed(post("http://127.0.0.1:8081"), {})) << "another port is another origin";
  EXPECT_FALSE(originAllowed(post("http://localhost:8080"), {}));
  EXPECT_FALSE(originAllowed(post("https://evil.example"), {}));
  EXPECT_FALSE(originAllowed(post("http://evil.example", std::nullopt), {})) << "no Host: nothing is own";
}

TEST(OriginPolicy, NullAndMalformedOriginsAreForeign) {
  EXPECT_FALSE(originAllowed(post("null"), {}));
  EXPECT_FALSE(originAllowed(post("http://127.0.0.1:8080/"), {}));
  EXPECT_FALSE(originAllowed(post("http://127.0.0.1:8080, http://127.0.0.1:8080"), {}))
      << "two Origin headers, joined";
  EXPECT_FALSE(originAllowed(post(""), {}));
}

TEST(OriginPolicy, APublicUrlReplacesTheHost) {
  const OriginPolicy policy{originOfUrl("https://call.example.com/"), {}};
  EXPECT_TRUE(originAllowed(post("https://call.example.com", "10.0.0.2:8080"), policy));
  EXPECT_TRUE(originAllowed(post("https://CALL.example.com:443", "call.example.com"), policy));
  EXPECT_FALSE(originAllowed(post("http://call.example.com", "call.example.com"), policy))
      << "plain http is another origin than the https the guests open";
  EXPECT_FALSE(originAllowed(post("https://evil.example", "evil.example"), policy))
      << "a Host header the caller controls does not count once the public URL is known";
}

TEST(OriginPolicy, AllowedOriginsAreServedToo) {
  const OriginPolicy policy{std::nullopt,
                            {*parseOrigin("https://app.example.com"), *parseOrigin("http://localhost:3000")}};
  EXPECT_TRUE(originAllowed(post("https://app.example.com:443"), policy));
  EXPECT_TRUE(originAllowed(post("http://LOCALHOST:3000"), policy));
  EXPECT_TRUE(originAllowed(post("http://127.0.0.1:8080"), policy)) << "the own origin still counts";
  EXPECT_FALSE(originAllowed(post("http://app.example.com"), policy));
}

}  // namespace
}  // namespace roomgate::http
