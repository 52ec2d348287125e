// A WebRtcTransport (the server's side) and a WebRtcClient (a browser's side) wired back to back in memory,
// with time passed in: ICE-lite checks, the DTLS handshake, SRTP both ways, consent expiry.
#include <gtest/gtest.h>

#include <deque>

#include "media/Stun.hpp"
#include "media/WebRtcClient.hpp"
#include "media/WebRtcTransport.hpp"
#include "support/RtpPackets.hpp"

namespace roomgate::media {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;
using std::chrono::seconds;
using testing::rtpPacket;

const Endpoint kBrowser = *Endpoint::fromText("192.0.2.10", 50000);
const Endpoint kStranger = *Endpoint::fromText("198.51.100.7", 40000);

struct Wire {
  std::deque<std::vector<uint8_t>> toServer, toClient;
};

struct ServerSide : WebRtcTransport::Listener {
  Wire& wire;
  std::vector<Endpoint> tuples;
  std::vector<std::vector<uint8_t>> rtp, rtcp;
  std::optional<std::string> closed;
  bool connected = false;
  explicit ServerSide(Wire& w) : wire(w) {}
  void onTransportSend(const Endpoint& to, std::span<const uint8_t> d) override {
    EXPECT_EQ(to, kBrowser);
    wire.toClient.emplace_back(d.begin(), d.end());
  }
  void onTransportTuple(const Endpoint& from) override { tuples.push_back(from); }
  void onTransportConnected() override { connected = true; }
  void onRtp(std::span<uint8_t> b, std::size_t n) override { rtp.emplace_back(b.begin(), b.begin() + n); }
  void onRtcp(std::span<uint8_t> b, std::size_t n) override { rtcp.emplace_back(b.begin(), b.begin() + n); }
  void onTransportClosed(const std::string& reason) override { closed = reason; }
};

struct ClientSide : WebRtcClient::Listener {
  Wire& wire;
  std::vector<std::vector<uint8_t>> rtp;
  bool connected = false;
  explicit ClientSide(Wire& w) : wire(w) {}
  void onClientSend(std::span<const uint8_t> d) override { wire.toServer.emplace_back(d.begin(), d.end()); }
  void onClientConnected() override { connected = true; }
  void onClientRtp(std::span<uint8_t> b, std::size_t n) override {
    rtp.emplace_back(b.begin(), b.begin() + n);
  }
};

class TransportTest : public ::testing::Test {
 protected:
  std::shared_ptr<const DtlsCertificate> serverCert = DtlsCertificate::generate();
  std::shared_ptr<const DtlsCertificate> browserCert = DtlsCertificate::generate();
  IceCredentials serverIce{"srvufrag", "server-password-0123456789"};
  IceCredentials browserIce{"brwsr", "browser-password-0123456789"};
  TimePoint t0{};
  Wire wire;
  ServerSide server{wire};
  ClientSide client{wire};
  WebRtcTransport transport{
      {serverIce, browserIce.ufrag, browserCert->fingerprint(), serverCert}, server, t0};
  std::unique_ptr<WebRtcClient> browser = makeClient(serverIce.pwd);

  std::unique_ptr<WebRtcClient> makeClient(const std::string& serverPwd) {
    return std::make_unique<WebRtcClient>(
        ClientParams{browserIce, {serverIce.ufrag, serverPwd}, serverCert->fingerprint(), browserCert, 42},
        client);
  }

  // Delivers everything queued, both ways, at time `now`, from `from`.
  void pump(TimePoint now, const Endpoint& from = kBrowser) {
    for (int round = 0; round < 50 && (!wire.toServer.empty() || !wire.toClient.empty()); ++round) {
      while (!wire.toServer.empty()) {
        auto d = std::move(wire.toServer.front());
        wire.toServer.pop_front();
        d.resize(d.size() + kSrtpMaxOverhead);
        transport.receive(d, d.size() - kSrtpMaxOverhead, from, now);
      }
      while (!wire.toClient.empty()) {
        auto d = std::move(wire.toClient.front());
        wire.toClient.pop_front();
        d.resize(d.size() + kSrtpMaxOverhead);
        browser->receive(d, d.size() - kSrtpMaxOverhead, now);
      }
    }
  }

  void connect() {
    browser->start(t0);
    pump(t0);
    ASSERT_TRUE(server.connected);
    ASSERT_TRUE(client.connected);
  }
};

TEST_F(TransportTest, IceThenDtlsThenSrtpBothWays) {
  connect();
  EXPECT_EQ(server.tuples, std::vector<Endpoint>{kBrowser});
  EXPECT_EQ(transport.ice().selected(), kBrowser);
  EXPECT_EQ(transport.dtlsState(), DtlsState::Connected);

  auto packet = rtpPacket(0x1234, 1, 1000);
  auto buffer = packet;
  buffer.resize(packet.size() + kSrtpMaxOverhead);
  ASSERT_TRUE(browser->sendRtp(buffer, packet.size()));
  EXPECT_NE(wire.toServer.back(), packet) << "encrypted on the wire";
  pump(t0);
  ASSERT_EQ(server.rtp.size(), 1u);
  EXPECT_EQ(server.rtp[0], packet);

  buffer = packet;
  buffer.resize(packet.size() + kSrtpMaxOverhead);
  ASSERT_TRUE(transport.sendRtp(buffer, packet.size()));
  pump(t0);
  ASSERT_EQ(client.rtp.size(), 1u);
  EXPECT_EQ(client.rtp[0], packet);

  const auto& c = transport.counters();
  EXPECT_EQ(c.rtpPacketsIn, 1u);
  EXPECT_EQ(c.rtpPacketsOut, 1u);
  EXPECT_GE(c.stunRequests, 1u);
  EXPECT_GT(c.dtlsPackets, 0u);
  EXPECT_EQ(c.srtpDecryptFailures, 0u);
}

TEST_F(TransportTest, WrongPasswordIsRefusedWith401AndLearnsNothing) {
  browser = makeClient("not-the-server-password!!");
  browser->start(t0);
  pump(t0);
  EXPECT_TRUE(server.tuples.empty());
  EXPECT_FALSE(browser->iceConnected());
  EXPECT_EQ(browser->checksRefused(), 1u);
  EXPECT_EQ(transport.counters().stunRejected, 1u);
  EXPECT_FALSE(transport.ice().selected());
}

TEST_F(TransportTest, DtlsAndMediaFromAnUncheckedAddressAreDropped) {
  connect();
  auto packet = rtpPacket(0x1234, 2, 100);
  packet.resize(packet.size() + kSrtpMaxOverhead);
  ASSERT_TRUE(browser->sendRtp(packet, packet.size() - kSrtpMaxOverhead));
  pump(t0, kStranger);
  EXPECT_TRUE(server.rtp.empty());
  EXPECT_EQ(transport.counters().dropped, 1u);
}

TEST_F(TransportTest, TamperedSrtpIsCountedNotDelivered) {
  connect();
  auto packet = rtpPacket(0x1234, 3, 100);
  packet.resize(packet.size() + kSrtpMaxOverhead);
  ASSERT_TRUE(browser->sendRtp(packet, packet.size() - kSrtpMaxOverhead));
  wire.toServer.back()[30] ^= 0x40;
  pump(t0);
  EXPECT_TRUE(server.rtp.empty());
  EXPECT_EQ(transport.counters().srtpDecryptFailures, 1u);
}

TEST_F(TransportTest, ConsentLapsesThirtySecondsAfterTheLastValidCheck) {
  connect();
  // The browser keeps checking: the transport lives.
  for (int s = 5; s <= 60; s += 5) {
    browser->tick(t0 + seconds(s));
    pump(t0 + seconds(s));
    transport.tick(t0 + seconds(s));
  }
  EXPECT_FALSE(server.closed);
  // It stops (the tab closed without a word): closed once 30 s passed, not before.
  transport.tick(t0 + seconds(60 + 29));
  EXPECT_FALSE(server.closed);
  transport.tick(t0 + seconds(60 + 31));
  ASSERT_TRUE(server.closed);
  EXPECT_NE(server.closed->find("consent"), std::string::npos);
  EXPECT_TRUE(transport.closed());
  auto packet = rtpPacket(1, 1, 10);
  packet.resize(packet.size() + kSrtpMaxOverhead);
  EXPECT_FALSE(transport.sendRtp(packet, packet.size() - kSrtpMaxOverhead));
}

TEST_F(TransportTest, ATransportNobodyConnectsToCloses) {
  transport.tick(t0 + kConsentTimeout + seconds(1));
  ASSERT_TRUE(server.closed);
  EXPECT_NE(server.closed->find("never connected"), std::string::npos);
}

TEST_F(TransportTest, MalformedStunAndJunkAreCounted) {
  std::vector<uint8_t> junk = {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42};
  junk.resize(64);
  transport.receive(junk, 20, kBrowser, t0);
  std::vector<uint8_t> other(64, 0xFF);
  transport.receive(other, 10, kBrowser, t0);
  EXPECT_EQ(transport.counters().dropped, 2u);
  EXPECT_TRUE(wire.toClient.empty());
}

}  // namespace
}  // namespace roomgate::media
