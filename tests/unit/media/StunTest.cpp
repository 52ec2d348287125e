#include "media/Stun.hpp"

#include <gtest/gtest.h>

#include "media/Bytes.hpp"
#include "unit/media/StunVectors.hpp"

namespace roomgate::media {
namespace {

using namespace test;

StunMessage parsed(const std::vector<uint8_t>& packet) {
  auto m = parseStun(packet);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? std::move(m).value() : StunMessage{};
}

const std::array<uint8_t, kStunTransactionIdSize> kVectorTid = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                                                0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

TEST(Stun, ParsesTheRfc5769SampleRequest) {
  ASSERT_TRUE(isStun(kRfc5769Request));
  const auto m = parsed(kRfc5769Request);
  EXPECT_EQ(m.method, kStunMethodBinding);
  EXPECT_EQ(m.cls, StunClass::Request);
  EXPECT_EQ(m.transactionId, kVectorTid);
  EXPECT_EQ(m.username, "evtj:h6vY");
  EXPECT_EQ(m.priority, 0x6e0001ffu);
  EXPECT_EQ(m.iceControlled, 0x932ff9b151263b36u);
  EXPECT_FALSE(m.iceControlling);
  EXPECT_FALSE(m.useCandidate);
  EXPECT_TRUE(m.unknownAttributes.empty());  // SOFTWARE is comprehension-optional
  EXPECT_EQ(m.integrityOffset, 76u);
  EXPECT_EQ(m.fingerprintOffset, 100u);
  EXPECT_TRUE(verifyIntegrity(kRfc5769Request, m, kRfc5769Password));
  EXPECT_TRUE(verifyFingerprint(kRfc5769Request, m));
  EXPECT_FALSE(verifyIntegrity(kRfc5769Request, m, "VOkJxbRl1RmTxUk/WvJxBT"));
}

TEST(Stun, ParsesTheRfc5769Ipv4AndIpv6Responses) {
  const auto v4 = parsed(kRfc5769ResponseV4);
  EXPECT_EQ(v4.cls, StunClass::Success);
  ASSERT_TRUE(v4.xorMappedAddress);
  EXPECT_EQ(v4.xorMappedAddress->toString(), "192.0.2.1:32853");
  EXPECT_TRUE(verifyIntegrity(kRfc5769ResponseV4, v4, kRfc5769Password));
  EXPECT_TRUE(verifyFingerprint(kRfc5769ResponseV4, v4));

  const auto v6 = parsed(kRfc5769ResponseV6);
  ASSERT_TRUE(v6.xorMappedAddress);
  EXPECT_EQ(v6.xorMappedAddress->toString(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  EXPECT_TRUE(verifyIntegrity(kRfc5769ResponseV6, v6, kRfc5769Password));
  EXPECT_TRUE(verifyFingerprint(kRfc5769ResponseV6, v6));
}

TEST(Stun, ParsesTheRfc5769LongTermRequestAndVerifiesItsLongTermKey) {
  const auto m = parsed(kRfc5769LongTermRequest);
  EXPECT_EQ(m.username, kRfc5769LongTermUsername);
  EXPECT_EQ(m.realm, kRfc5769Realm);
  EXPECT_EQ(m.nonce, "f//499k954d6OL34oL9FSTvy64sA");
  EXPECT_FALSE(m.hasFingerprint());
  EXPECT_FALSE(verifyFingerprint(kRfc5769LongTermRequest, m));
  const auto key = longTermKey(kRfc5769LongTermUsername, kRfc5769Realm, kRfc5769LongTermPassword);
  EXPECT_TRUE(verifyIntegrityWithKey(kRfc5769LongTermRequest, m, key));
  EXPECT_FALSE(verifyIntegrity(kRfc5769LongTermRequest, m, kRfc5769LongTermPassword));
}

// Every byte the HMAC or the CRC covers matters: flipping any one of them fails the check that covers it
// (or the parse).
TEST(Stun, AnyFlippedByteFailsIntegrityOrFingerprint) {
  for (const auto* vector : {&kRfc5769Request, &kRfc5769ResponseV4, &kRfc5769ResponseV6}) {
    const size_t integrityEnd =
        *parsed(*vector).integrityOffset + kStunAttributeHeaderSize + kStunIntegritySize;
    for (size_t i = 0; i < vector->size(); ++i) {
      auto copy = *vector;
      copy[i] ^= 0x01;
      auto m = parseStun(copy);
      if (!m.ok()) continue;
      const bool integrity = verifyIntegrity(copy, *m, kRfc5769Password);
      const bool fingerprint = verifyFingerprint(copy, *m);
      EXPECT_FALSE(integrity && fingerprint) << "byte " << i;
      EXPECT_FALSE(fingerprint) << "byte " << i;
      if (i < integrityEnd) {
        EXPECT_FALSE(integrity) << "byte " << i;
      }
    }
  }
}

TEST(Stun, BindingSuccessReparsesAndVerifies) {
  const auto request = parsed(kRfc5769Request);
  for (const char* ip : {"198.51.100.7", "2001:db8::42"}) {
    const auto mapped = Endpoint::fromText(ip, 54321);
    ASSERT_TRUE(mapped);
    const auto bytes = buildBindingSuccess(request, *mapped, "local-password");
    const auto m = parsed(bytes);
    EXPECT_EQ(m.cls, StunClass::Success);
    EXPECT_EQ(m.method, kStunMethodBinding);
    EXPECT_EQ(m.transactionId, request.transactionId);
    EXPECT_EQ(m.xorMappedAddress, mapped);
    EXPECT_TRUE(verifyIntegrity(bytes, m, "local-password"));
    EXPECT_FALSE(verifyIntegrity(bytes, m, "other-password"));
    EXPECT_TRUE(verifyFingerprint(bytes, m));
  }
}

TEST(Stun, BindingErrorCarriesCodeReasonAndUnknownAttributes) {
  // The sample request with a comprehension-required attribute 0x7777 in place of SOFTWARE.
  auto withUnknown = kRfc5769Request;
  withUnknown[20] = 0x77;
  withUnknown[21] = 0x77;
  const auto request = parsed(withUnknown);
  ASSERT_EQ(request.unknownAttributes, std::vector<uint16_t>{0x7777});

  const auto bytes = buildBindingError(request, 420, "Unknown Attribute", std::nullopt);
  const auto m = parsed(bytes);
  EXPECT_EQ(m.cls, StunClass::Error);
  ASSERT_TRUE(m.errorCode);
  EXPECT_EQ(m.errorCode->code, 420);
  EXPECT_EQ(m.errorCode->reason, "Unknown Attribute");
  EXPECT_FALSE(m.hasIntegrity());
  EXPECT_TRUE(verifyFingerprint(bytes, m));
  // UNKNOWN-ATTRIBUTES = 0x7777 padded: header, 2 bytes of value, 2 of padding, before FINGERPRINT.
  const std::vector<uint8_t> unknownAttr = {0x00, 0x0A, 0x00, 0x02, 0x77, 0x77, 0x00, 0x00};
  EXPECT_TRUE(std::search(bytes.begin(), bytes.end(), unknownAttr.begin(), unknownAttr.end()) != bytes.end());

  const auto conflict = buildBindingError(request, 487, "Role Conflict", std::string_view("pw"));
  const auto c = parsed(conflict);
  ASSERT_TRUE(c.errorCode);
  EXPECT_EQ(c.errorCode->code, 487);
  EXPECT_TRUE(verifyIntegrity(conflict, c, "pw"));
  EXPECT_TRUE(verifyFingerprint(conflict, c));
}

TEST(Stun, BindingRequestCarriesTheIceAttributes) {
  BindingRequestParams p;
  p.transactionId = kVectorTid;
  p.username = "remote:local";
  p.password = "remote-password";
  p.priority = 0x7e7f00ff;
  p.controlling = true;
  p.tiebreaker = 0x0102030405060708;
  p.useCandidate = true;
  const auto bytes = buildBindingRequest(p);
  const auto m = parsed(bytes);
  EXPECT_EQ(m.cls, StunClass::Request);
  EXPECT_EQ(m.method, kStunMethodBinding);
  EXPECT_EQ(m.username, "remote:local");
  EXPECT_EQ(m.priority, 0x7e7f00ffu);
  EXPECT_EQ(m.iceControlling, 0x0102030405060708u);
  EXPECT_FALSE(m.iceControlled);
  EXPECT_TRUE(m.useCandidate);
  EXPECT_TRUE(verifyIntegrity(bytes, m, "remote-password"));
  EXPECT_TRUE(verifyFingerprint(bytes, m));

  p.controlling = false;
  p.useCandidate = false;
  const auto controlled = parsed(buildBindingRequest(p));
  EXPECT_EQ(controlled.iceControlled, 0x0102030405060708u);
  EXPECT_FALSE(controlled.iceControlling);
  EXPECT_FALSE(controlled.useCandidate);
}

TEST(Stun, WriterEncodesMethodAndClassBits) {
  // RFC 8489 section 6: Binding success response is 0x0101, error response 0x0111, indication 0x0011.
  for (auto [cls, type] : {std::pair{StunClass::Request, 0x0001}, std::pair{StunClass::Indication, 0x0011},
                           std::pair{StunClass::Success, 0x0101}, std::pair{StunClass::Error, 0x0111}}) {
    const auto bytes = StunWriter(kStunMethodBinding, cls, kVectorTid).finish(std::nullopt, false);
    ASSERT_EQ(bytes.size(), kStunHeaderSize);
    EXPECT_EQ((bytes[0] << 8) | bytes[1], type);
    EXPECT_EQ(parsed(bytes).cls, cls);
  }
  // Methods up to 0xFF keep the first byte within RFC 7983's 0..3.
  const auto odd = StunWriter(0x0AB, StunClass::Error, kVectorTid).finish(std::nullopt, false);
  EXPECT_EQ(parsed(odd).method, 0x0AB);
}

TEST(Stun, Crc32MatchesTheCheckValue) {
  EXPECT_EQ(crc32(bytesOf("123456789")), 0xCBF43926u);
}

struct Malformed {
  const char* name;
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> edited(std::vector<uint8_t> v, size_t at, std::vector<uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), v.begin() + static_cast<std::ptrdiff_t>(at));
  return v;
}
std::vector<uint8_t> appended(std::vector<uint8_t> v, std::vector<uint8_t> bytes) {
  v.insert(v.end(), bytes.begin(), bytes.end());
  const size_t length = v.size() - kStunHeaderSize;
  v[2] = static_cast<uint8_t>(length >> 8);
  v[3] = static_cast<uint8_t>(length);
  return v;
}

TEST(Stun, RejectsMalformedMessages) {
  const auto& r = kRfc5769Request;
  // The response without its FINGERPRINT (72 bytes), so attributes can be appended after integrity.
  const std::vector<uint8_t> noFingerprint = edited({r.begin(), r.begin() + 100}, 2, {0x00, 0x50});
  ASSERT_TRUE(parseStun(noFingerprint).ok());
  const std::vector<Malformed> cases = {
      {"empty", {}},
      {"short header", {r.begin(), r.begin() + 19}},
      {"truncated body", {r.begin(), r.end() - 4}},
      {"first byte 4", edited(r, 0, {0x40})},
      {"bad cookie", edited(r, 4, {0x21, 0x12, 0xa4, 0x43})},
      {"header length too long", edited(r, 2, {0x00, 0x5c})},
      {"header length too short", edited(r, 2, {0x00, 0x54})},
      {"length not a multiple of 4", appended({r.begin(), r.begin() + 20}, {0x80, 0x22, 0x00})},
      {"attribute overruns", edited(r, 22, {0x00, 0x60})},
      {"attribute padding overruns",
       appended({r.begin(), r.begin() + 20}, {0x80, 0x22, 0x00, 0x05, 1, 2, 3, 4})},
      {"fingerprint not last", appended(r, {0x80, 0x22, 0x00, 0x00})},
      {"garbage after integrity", appended(noFingerprint, {0x80, 0x22, 0x00, 0x04, 1, 2, 3, 4})},
      {"two integrities", appended(noFingerprint, std::vector<uint8_t>(r.begin() + 76, r.begin() + 100))},
      {"priority of 3 bytes", appended({r.begin(), r.begin() + 20}, {0x00, 0x24, 0x00, 0x03, 1, 2, 3, 0})},
      {"use-candidate with a value",
       appended({r.begin(), r.begin() + 20}, {0x00, 0x25, 0x00, 0x04, 1, 2, 3, 4})},
      {"integrity of 16 bytes",
       appended({r.begin(), r.begin() + 20}, std::vector<uint8_t>{0x00, 0x08, 0x00, 0x10, 0, 0, 0, 0, 0, 0,
                                                                  0,    0,    0,    0,    0, 0, 0, 0, 0, 0})},
      {"error code class 7", appended({r.begin(), r.begin() + 20}, {0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0})},
      {"error code number 100",
       appended({r.begin(), r.begin() + 20}, {0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100})},
      {"address family 3",
       appended({r.begin(), r.begin() + 20}, {0x00, 0x20, 0x00, 0x08, 0, 3, 0, 0, 0, 0, 0, 0})},
      {"ipv6 address of 8 bytes",
       appended({r.begin(), r.begin() + 20}, {0x00, 0x20, 0x00, 0x08, 0, 2, 0, 0, 0, 0, 0, 0})},
  };
  for (const auto& c : cases) {
    const auto m = parseStun(c.bytes);
    EXPECT_FALSE(m.ok()) << c.name;
    if (!m.ok()) {
      EXPECT_EQ(m.error().code, "stun_malformed") << c.name;
    }
  }
  std::vector<uint8_t> longUsername(kStunHeaderSize, 0);
  std::copy(r.begin(), r.begin() + 20, longUsername.begin());
  const std::vector<uint8_t> header = {0x00, 0x06, static_cast<uint8_t>((kStunMaxUsernameSize + 4) >> 8),
                                       static_cast<uint8_t>(kStunMaxUsernameSize + 4)};
  auto tooLong = appended(longUsername, header);
  tooLong = appended(tooLong, std::vector<uint8_t>(kStunMaxUsernameSize + 4, 'a'));
  EXPECT_FALSE(parseStun(tooLong).ok());
}

TEST(Stun, IsStunFollowsRfc7983) {
  EXPECT_TRUE(isStun(kRfc5769Request));
  EXPECT_FALSE(isStun(std::span(kRfc5769Request).first(19)));
  auto dtls = kRfc5769Request;
  dtls[0] = 22;
  EXPECT_FALSE(isStun(dtls));
}

TEST(Stun, IntegrityChecksRefuseAMessageFromAnotherPacket) {
  const auto m = parsed(kRfc5769Request);
  const std::vector<uint8_t> shorter(kRfc5769Request.begin(), kRfc5769Request.begin() + 90);
  EXPECT_FALSE(verifyIntegrity(shorter, m, kRfc5769Password));
  EXPECT_FALSE(verifyFingerprint(shorter, m));
  EXPECT_FALSE(verifyFingerprint(kRfc5769ResponseV4, m));
}

TEST(Endpoint, ConvertsToAndFromText) {
  const auto v4 = Endpoint::fromText("192.0.2.1", 3478);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family, AddressFamily::V4);
  EXPECT_EQ(v4->address[0], 192);
  EXPECT_EQ(v4->address[4], 0);
  EXPECT_EQ(v4->toString(), "192.0.2.1:3478");
  const auto v6 = Endpoint::fromText("2001:DB8::1", 9);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family, AddressFamily::V6);
  EXPECT_EQ(v6->ipText(), "2001:db8::1");
  EXPECT_EQ(v6->toString(), "[2001:db8::1]:9");
  for (const char* bad : {"", "192.0.2", "192.0.2.256", "[::1]", "::1%eth0", "example.org", "1.2.3.4 "}) {
    EXPECT_FALSE(Endpoint::fromText(bad, 1)) << bad;
  }
  EXPECT_FALSE(Endpoint::fromText(std::string(100, '1'), 1));
}

}  // namespace
}  // namespace roomgate::media
