// The media server on a real UDP socket on 127.0.0.1: a native client (the engine's parts in their client
// roles) connects through ICE-lite and DTLS and gets its RTP and RTCP echoed with the SSRCs swapped.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "media/EchoHandler.hpp"
#include "media/MediaServer.hpp"
#include "media/WebRtcClient.hpp"
#include "support/RtpPackets.hpp"
#include "support/UdpClient.hpp"

namespace roomgate::media {
namespace {

using Clock = std::chrono::steady_clock;
using testing::UdpClient;

TEST(MediaServerTest, EchoesRtpAndRtcpWithSwappedSsrcsToANativeClient) {
  const auto serverCert = DtlsCertificate::generate();
  const auto clientCert = DtlsCertificate::generate();
  MediaServer server({"127.0.0.1", 0, ""}, serverCert);
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.announceIp(), "127.0.0.1");

  const IceCredentials serverIce{"echoufrag", "0123456789abcdef0123456789abcdef"};
  const IceCredentials clientIce{"cli1", "client-password-0123456789"};
  const std::pair<uint32_t, uint32_t> pairs[] = {{0xAAAA0001, 0xBBBB0001}};
  server.createTransport("echo:test", {serverIce, clientIce.ufrag, clientCert->fingerprint(), nullptr},
                         [&] { return std::make_unique<EchoHandler>(makeSsrcSwap(pairs)); });

  UdpClient udp(server.port(), {clientIce, serverIce, serverCert->fingerprint(), clientCert, 7});
  udp.client().start(Clock::now());
  ASSERT_TRUE(udp.runUntil([&] { return udp.client().connected(); })) << "ICE + DTLS over loopback";

  for (uint16_t seq = 1; seq <= 20; ++seq) {
    auto packet = testing::rtpPacket(0xAAAA0001, seq, 160, 111);
    packet.resize(packet.size() + kSrtpMaxOverhead);
    ASSERT_TRUE(udp.client().sendRtp(packet, packet.size() - kSrtpMaxOverhead));
  }
  // A receiver report about our stream, as the browser's receiver would send.
  std::vector<uint8_t> rr = {0x81, 201, 0, 7, 0xAA, 0xAA, 0x00, 0x01, 0xBB, 0xBB, 0x00, 0x01};
  rr.resize(32 + kSrtpMaxOverhead);
  ASSERT_TRUE(udp.client().sendRtcp(rr, 32));

  ASSERT_TRUE(udp.runUntil([&] { return udp.rtp.size() == 20 && udp.rtcp.size() == 1; }));
  for (uint16_t seq = 1; seq <= 20; ++seq) {
    const auto& back = udp.rtp[seq - 1];
    auto expected = testing::rtpPacket(0xBBBB0001, seq, 160, 111);
    EXPECT_EQ(back, expected) << "seq " << seq;
  }
  const auto& report = udp.rtcp[0];
  ASSERT_EQ(report.size(), 32u);
  EXPECT_EQ(std::vector<uint8_t>(report.begin() + 4, report.begin() + 12),
            (std::vector<uint8_t>{0xBB, 0xBB, 0x00, 0x01, 0xAA, 0xAA, 0x00, 0x01}));
  EXPECT_EQ(udp.client().decryptFailures(), 0u);
  EXPECT_EQ(server.stats().transportsOpen.load(), 1u);

  // The totals move while the transport is open (folded in at every media tick), not only when it closes.
  const auto& stats = server.stats();
  EXPECT_TRUE(udp.runUntil(
      [&] {
        return stats.rtpPacketsIn.load() == 20 && stats.rtpPacketsOut.load() == 20 &&
               stats.rtcpPacketsIn.load() == 1 && stats.rtcpPacketsOut.load() == 1;
      },
      std::chrono::seconds(2)))
      << stats.rtpPacketsIn.load() << " in, " << stats.rtpPacketsOut.load() << " out";
  EXPECT_GT(stats.rtpBytesIn.load(), 20u * 12);
  EXPECT_GT(stats.rtpBytesOut.load(), 20u * 12);
  EXPECT_EQ(stats.srtpDecryptFailures.load(), 0u);
}

TEST(MediaServerTest, DatagramsFromNoTransportAreDroppedAndCounted) {
  MediaServer server({"127.0.0.1", 0, ""}, DtlsCertificate::generate());
  const auto cert = DtlsCertificate::generate();
  UdpClient udp(server.port(), {{"x", "y"}, {"nobody", "pw"}, cert->fingerprint(), cert, 1});
  const std::vector<uint8_t> junk = {0x80, 96, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5};
  udp.sendRaw(junk);
  udp.client().start(Clock::now());  // a STUN check for a ufrag no transport has
  EXPECT_TRUE(
      udp.runUntil([&] { return server.stats().unknownDatagrams.load() >= 2; }, std::chrono::seconds(5)));
  EXPECT_FALSE(udp.client().iceConnected());
}

TEST(MediaServerTest, ASecondTransportWithTheSameKeyReplacesTheFirst) {
  MediaServer server({"127.0.0.1", 0, ""}, DtlsCertificate::generate());
  const auto cert = DtlsCertificate::generate();
  struct Counting : MediaHandler {
    std::atomic<int>& closed;
    explicit Counting(std::atomic<int>& c) : closed(c) {}
    void onRtp(WebRtcTransport&, std::span<uint8_t>, std::size_t) override {}
    void onRtcp(WebRtcTransport&, std::span<uint8_t>, std::size_t) override {}
    void onClosed(const std::string&) override { ++closed; }
  };
  std::atomic<int> closed = 0;
  for (const char* ufrag : {"first1", "second"})
    server.createTransport("echo:same",
                           {{ufrag, "0123456789abcdef0123456789"}, "b", cert->fingerprint(), nullptr},
                           [&] { return std::make_unique<Counting>(closed); });
  std::promise<void> done;
  server.post([&] { done.set_value(); });
  done.get_future().wait();
  EXPECT_EQ(closed.load(), 1);
  EXPECT_EQ(server.stats().transportsOpen.load(), 1u);
}

TEST(MediaServerTest, ABusyPortIsAClearError) {
  MediaServer first({"127.0.0.1", 0, ""}, DtlsCertificate::generate());
  try {
    MediaServer second({"127.0.0.1", first.port(), ""}, DtlsCertificate::generate());
    FAIL() << "binding a port in use must fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--rtc-port"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace roomgate::media
