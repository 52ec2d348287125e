// DTLS-SRTP end to end in memory: a client and a server session handshake through their listeners, agree
// on a profile and keys, and SRTP sessions keyed from them understand each other.
#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "media/Dtls.hpp"
#include "media/Srtp.hpp"
#include "support/RtpPackets.hpp"

namespace roomgate::media {
namespace {

using Clock = std::chrono::steady_clock;

struct Endpoint : DtlsSession::Listener {
  std::deque<std::vector<uint8_t>> outbox;
  std::optional<SrtpKeys> keys;
  std::optional<std::string> closedReason;
  DtlsState closedState = DtlsState::New;
  void onDtlsSend(std::span<const uint8_t> d) override { outbox.emplace_back(d.begin(), d.end()); }
  void onDtlsConnected(const SrtpKeys& k) override { keys = k; }
  void onDtlsClosed(DtlsState s, const std::string& reason) override {
    closedState = s;
    closedReason = reason;
  }
};

// Delivers datagrams both ways until neither side has anything to say; `drop` may discard one.
void pump(DtlsSession& a, Endpoint& ea, DtlsSession& b, Endpoint& eb,
          const std::function<bool(const std::vector<uint8_t>&)>& drop = {}) {
  for (int rounds = 0; rounds < 50 && (!ea.outbox.empty() || !eb.outbox.empty()); ++rounds) {
    while (!ea.outbox.empty()) {
      auto d = std::move(ea.outbox.front());
      ea.outbox.pop_front();
      if (!drop || !drop(d)) b.receive(d, Clock::now());
    }
    while (!eb.outbox.empty()) {
      auto d = std::move(eb.outbox.front());
      eb.outbox.pop_front();
      if (!drop || !drop(d)) a.receive(d, Clock::now());
    }
  }
}

struct Pair {
  std::shared_ptr<const DtlsCertificate> serverCert = DtlsCertificate::generate();
  std::shared_ptr<const DtlsCertificate> clientCert = DtlsCertificate::generate();
  Endpoint serverEnd, clientEnd;
  DtlsSession server{serverCert, DtlsRole::Server, clientCert->fingerprint(), serverEnd};
  DtlsSession client{clientCert, DtlsRole::Client, serverCert->fingerprint(), clientEnd};
};

TEST(DtlsTest, CertificateFingerprintIsSha256HexPairs) {
  const auto cert = DtlsCertificate::generate();
  EXPECT_EQ(cert->fingerprint().size(), 95u);
  EXPECT_EQ(normaliseFingerprint(cert->fingerprint()), cert->fingerprint());
  EXPECT_NE(DtlsCertificate::generate()->fingerprint(), cert->fingerprint());
}

TEST(DtlsTest, NormaliseFingerprintRejectsMalformed) {
  EXPECT_FALSE(normaliseFingerprint(""));
  EXPECT_FALSE(normaliseFingerprint("AB:CD"));
  std::string good(95, 'a');
  for (std::size_t i = 2; i < good.size(); i += 3) good[i] = ':';
  std::string upper = good;
  for (auto& c : upper)
    if (c == 'a') c = 'A';
  EXPECT_EQ(normaliseFingerprint(good), upper);
  std::string bad = good;
  bad[5] = ';';
  EXPECT_FALSE(normaliseFingerprint(bad));
  bad = good;
  bad[0] = 'g';
  EXPECT_FALSE(normaliseFingerprint(bad));
}

TEST(DtlsTest, HandshakeExportsMatchingKeysAndGcmProfile) {
  Pair p;
  p.server.start(Clock::now());
  p.client.start(Clock::now());
  ASSERT_FALSE(p.clientEnd.outbox.empty()) << "the client speaks first";
  pump(p.client, p.clientEnd, p.server, p.serverEnd);
  ASSERT_EQ(p.client.state(), DtlsState::Connected) << p.clientEnd.closedReason.value_or("");
  ASSERT_EQ(p.server.state(), DtlsState::Connected) << p.serverEnd.closedReason.value_or("");
  ASSERT_TRUE(p.clientEnd.keys && p.serverEnd.keys);
  EXPECT_EQ(p.clientEnd.keys->profile, SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(p.clientEnd.keys->localKeySalt, p.serverEnd.keys->remoteKeySalt);
  EXPECT_EQ(p.clientEnd.keys->remoteKeySalt, p.serverEnd.keys->localKeySalt);
  EXPECT_NE(p.clientEnd.keys->localKeySalt, p.clientEnd.keys->remoteKeySalt);
  EXPECT_EQ(p.clientEnd.keys->localKeySalt.size(), 28u);
  for (const auto& d : p.clientEnd.outbox) EXPECT_LE(d.size(), static_cast<std::size_t>(kDtlsMtu));
}

TEST(DtlsTest, WrongFingerprintFailsTheHandshakeWithAReason) {
  const auto serverCert = DtlsCertificate::generate();
  const auto clientCert = DtlsCertificate::generate();
  const auto stranger = DtlsCertificate::generate();
  Endpoint se, ce;
  DtlsSession server(serverCert, DtlsRole::Server, stranger->fingerprint(), se);
  DtlsSession client(clientCert, DtlsRole::Client, serverCert->fingerprint(), ce);
  client.start(Clock::now());
  pump(client, ce, server, se);
  EXPECT_EQ(server.state(), DtlsState::Failed);
  ASSERT_TRUE(se.closedReason);
  EXPECT_NE(se.closedReason->find("fingerprint"), std::string::npos);
  EXPECT_FALSE(se.keys);
}

TEST(DtlsTest, GarbageFailsOrIsIgnoredButNeverCrashes) {
  const auto cert = DtlsCertificate::generate();
  Endpoint e;
  DtlsSession server(cert, DtlsRole::Server, cert->fingerprint(), e);
  const std::vector<uint8_t> junk = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3};
  server.receive(junk, Clock::now());
  server.receive({}, Clock::now());
  EXPECT_NE(server.state(), DtlsState::Connected);
}

TEST(DtlsTest, LostFlightIsRetransmittedAfterItsTimer) {
  Pair p;
  p.client.start(Clock::now());
  // The server's first flight is lost.
  p.client.receive({}, Clock::now());
  auto hello = std::move(p.clientEnd.outbox);
  p.clientEnd.outbox.clear();
  for (auto& d : hello) p.server.receive(d, Clock::now());
  ASSERT_FALSE(p.serverEnd.outbox.empty());
  p.serverEnd.outbox.clear();
  // OpenSSL's first retransmission timer is one second.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  p.client.tick(Clock::now());
  ASSERT_FALSE(p.clientEnd.outbox.empty()) << "the ClientHello is sent again";
  pump(p.client, p.clientEnd, p.server, p.serverEnd);
  EXPECT_EQ(p.client.state(), DtlsState::Connected);
  EXPECT_EQ(p.server.state(), DtlsState::Connected);
}

TEST(DtlsTest, HandshakePastItsDeadlineFails) {
  Pair p;
  const auto start = Clock::now();
  p.client.start(start);
  p.client.tick(start + kDtlsHandshakeTimeout + std::chrono::seconds(1));
  EXPECT_EQ(p.client.state(), DtlsState::Failed);
  EXPECT_TRUE(p.clientEnd.closedReason);
}

TEST(DtlsTest, CloseNotifyReachesThePeer) {
  Pair p;
  p.client.start(Clock::now());
  pump(p.client, p.clientEnd, p.server, p.serverEnd);
  ASSERT_EQ(p.server.state(), DtlsState::Connected);
  p.client.close();
  pump(p.client, p.clientEnd, p.server, p.serverEnd);
  EXPECT_EQ(p.server.state(), DtlsState::Closed);
  EXPECT_EQ(p.serverEnd.closedState, DtlsState::Closed);
}

class SrtpTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpTest, ProtectedPacketsRoundTripAndTamperingIsRefused) {
  const SrtpProfile profile = GetParam();
  std::vector<uint8_t> key(profile == SrtpProfile::AeadAes128Gcm ? 28 : 30);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
  SrtpSession out(profile, key, SrtpSession::Direction::Outbound);
  SrtpSession in(profile, key, SrtpSession::Direction::Inbound);

  for (std::size_t size : {100u, 1200u}) {
    const auto plain = testing::rtpPacket(0x11223344, static_cast<uint16_t>(size), size);
    std::vector<uint8_t> buffer(plain.size() + kSrtpMaxOverhead);
    std::copy(plain.begin(), plain.end(), buffer.begin());
    const std::size_t sealed = out.protectRtp(buffer, plain.size());
    ASSERT_GT(sealed, plain.size());
    EXPECT_NE(std::vector<uint8_t>(buffer.begin() + 12, buffer.begin() + 40),
              std::vector<uint8_t>(plain.begin() + 12, plain.begin() + 40));
    auto tampered = buffer;
    tampered[20] ^= 1;
    EXPECT_EQ(in.unprotectRtp(tampered, sealed), 0u);
    const std::size_t opened = in.unprotectRtp(buffer, sealed);
    ASSERT_EQ(opened, plain.size());
    EXPECT_EQ(std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(opened)),
              plain);
    // The same packet again is a replay.
    std::vector<uint8_t> again(plain.size() + kSrtpMaxOverhead);
    std::copy(plain.begin(), plain.end(), again.begin());
    SrtpSession out2(profile, key, SrtpSession::Direction::Outbound);
    const std::size_t resealed = out2.protectRtp(again, plain.size());
    EXPECT_EQ(in.unprotectRtp(again, resealed), 0u);
  }
  // RTCP: a receiver report.
  const std::vector<uint8_t> rr = {0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
  std::vector<uint8_t> buffer(rr.size() + kSrtpMaxOverhead);
  std::copy(rr.begin(), rr.end(), buffer.begin());
  const std::size_t sealed = out.protectRtcp(buffer, rr.size());
  ASSERT_GT(sealed, rr.size());
  ASSERT_EQ(in.unprotectRtcp(buffer, sealed), rr.size());
  EXPECT_TRUE(std::equal(rr.begin(), rr.end(), buffer.begin()));
}

TEST_P(SrtpTest, ProtectRefusesWithoutRoomForTheTrailer) {
  const SrtpProfile profile = GetParam();
  std::vector<uint8_t> key(profile == SrtpProfile::AeadAes128Gcm ? 28 : 30, 3);
  SrtpSession out(profile, key, SrtpSession::Direction::Outbound);
  auto packet = testing::rtpPacket(0x11223344, 1, 50);
  EXPECT_EQ(out.protectRtp(packet, packet.size()), 0u);
  SrtpSession in(profile, key, SrtpSession::Direction::Inbound);
  std::vector<uint8_t> tiny = {0x80, 96, 0};
  EXPECT_EQ(in.unprotectRtp(tiny, tiny.size()), 0u);
}

TEST(DtlsSrtpTest, KeysFromAHandshakeProtectBothWays) {
  Pair p;
  p.client.start(Clock::now());
  pump(p.client, p.clientEnd, p.server, p.serverEnd);
  ASSERT_TRUE(p.clientEnd.keys && p.serverEnd.keys);
  const auto& ck = *p.clientEnd.keys;
  const auto& sk = *p.serverEnd.keys;
  SrtpSession clientOut(ck.profile, ck.localKeySalt, SrtpSession::Direction::Outbound);
  SrtpSession serverIn(sk.profile, sk.remoteKeySalt, SrtpSession::Direction::Inbound);
  SrtpSession serverOut(sk.profile, sk.localKeySalt, SrtpSession::Direction::Outbound);
  SrtpSession clientIn(ck.profile, ck.remoteKeySalt, SrtpSession::Direction::Inbound);
  const auto plain = testing::rtpPacket(0x11223344, 7, 300);
  std::vector<uint8_t> buffer(plain.size() + kSrtpMaxOverhead);
  std::copy(plain.begin(), plain.end(), buffer.begin());
  std::size_t n = clientOut.protectRtp(buffer, plain.size());
  ASSERT_EQ(serverIn.unprotectRtp(buffer, n), plain.size());
  n = serverOut.protectRtp(buffer, plain.size());
  ASSERT_EQ(clientIn.unprotectRtp(buffer, n), plain.size());
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), buffer.begin()));
}

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpTest,
                         ::testing::Values(SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80),
                         [](const auto& info) {
                           return info.param == SrtpProfile::AeadAes128Gcm ? std::string("Gcm")
                                                                           : std::string("CmSha1");
                         });

}  // namespace
}  // namespace roomgate::media
