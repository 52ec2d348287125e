#include "http/ClientAddress.hpp"

#include <gtest/gtest.h>

namespace roomgate::http {
namespace {

TrustedProxies trusted(std::initializer_list<const char*> ranges) {
  std::vector<IpRange> out;
  for (const char* r : ranges) out.push_back(parseIpRange(r).value());
  return TrustedProxies(std::move(out));
}

Request from(std::string peer, std::optional<std::string> forwardedFor = std::nullopt) {
  Request r;
  r.remoteAddress = std::move(peer);
  if (forwardedFor) r.headers["x-forwarded-for"] = *forwardedFor;
  return r;
}

TEST(IpRange, ParsesAddressesAndRanges) {
  EXPECT_TRUE(parseIpRange("10.0.0.0/8"));
  EXPECT_TRUE(parseIpRange("192.0.2.7"));
  EXPECT_TRUE(parseIpRange("2001:db8::/32"));
  EXPECT_TRUE(parseIpRange("::1"));
  EXPECT_TRUE(parseIpRange("0.0.0.0/0"));
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "2001:db8::/129", "10.0.0.1/8", "proxy.example.com",
                          "10.0.0.0/8x", "1.2.3", "10.0.0.0/-1"})
    EXPECT_FALSE(parseIpRange(bad)) << bad;
}

TEST(IpRange, MatchesByPrefixAndFamily) {
  const auto set = trusted({"10.0.0.0/8", "192.0.2.7", "fd00::/8"});
  EXPECT_TRUE(set.contains("10.255.1.2"));
  EXPECT_TRUE(set.contains("192.0.2.7"));
  EXPECT_FALSE(set.contains("192.0.2.8"));
  EXPECT_TRUE(set.contains("fd12::1"));
  EXPECT_FALSE(set.contains("fe80::1"));
  EXPECT_TRUE(set.contains("::ffff:10.1.2.3")) << "an IPv4-mapped peer is its IPv4 address";
  EXPECT_FALSE(set.contains("not an address"));
  EXPECT_FALSE(TrustedProxies().contains("10.0.0.1"));
  EXPECT_TRUE(trusted({"172.16.0.0/12"}).contains("172.31.255.255"));
  EXPECT_FALSE(trusted({"172.16.0.0/12"}).contains("172.32.0.0"));
}

TEST(ClientAddress, WithoutTrustedProxiesTheHeaderIsIgnored) {
  EXPECT_EQ(clientAddress(from("203.0.113.9", "198.51.100.1"), {}), "203.0.113.9");
  EXPECT_EQ(clientAddress(from("203.0.113.9", "198.51.100.1"), trusted({"10.0.0.0/8"})), "203.0.113.9")
      << "a peer that is not a trusted proxy may write anything";
}

TEST(ClientAddress, BehindATrustedProxyTheRightMostUntrustedEntry) {
  const auto proxies = trusted({"10.0.0.0/8"});
  EXPECT_EQ(clientAddress(from("10.0.0.5", "198.51.100.1"), proxies), "198.51.100.1");
  // The client forged the first entry; the proxy appended the real one.
  EXPECT_EQ(clientAddress(from("10.0.0.5", "1.1.1.1, 198.51.100.1"), proxies), "198.51.100.1");
  // Two proxies in a row.
  EXPECT_EQ(clientAddress(from("10.0.0.5", "1.1.1.1,198.51.100.1 , 10.0.0.9"), proxies), "198.51.100.1");
  EXPECT_EQ(clientAddress(from("10.0.0.5", "2001:DB8::7"), proxies), "2001:db8::7") << "canonical text";
  EXPECT_EQ(clientAddress(from("::ffff:10.0.0.5", "[2001:db8::7]"), proxies), "2001:db8::7");
}

TEST(ClientAddress, EdgeCasesBehindATrustedProxy) {
  const auto proxies = trusted({"10.0.0.0/8"});
  EXPECT_EQ(clientAddress(from("10.0.0.5"), proxies), "10.0.0.5") << "no header: the proxy itself";
  EXPECT_EQ(clientAddress(from("10.0.0.5", "10.1.1.1, 10.0.0.9"), proxies), "10.1.1.1")
      << "all trusted: the left-most";
  EXPECT_EQ(clientAddress(from("10.0.0.5", "198.51.100.1, garbage"), proxies), "10.0.0.5")
      << "an entry that is not an address stops the walk at the last trusted hop";
  EXPECT_EQ(clientAddress(from("10.0.0.5", "garbage, 198.51.100.1"), proxies), "198.51.100.1");
  EXPECT_EQ(clientAddress(from("10.0.0.5", ""), proxies), "10.0.0.5");
}

TEST(ClientAddress, ThePeerInCanonicalForm) {
  EXPECT_EQ(clientAddress(from("::ffff:127.0.0.1"), {}), "127.0.0.1");
  EXPECT_EQ(clientAddress(from(""), {}), "");
}

}  // namespace
}  // namespace roomgate::http
