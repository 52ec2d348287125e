// Group rooms' media on a real UDP socket on 127.0.0.1: a native publisher and subscriber (the engine's
// parts in their client roles) connect to the media server; the Sfu forwards the publisher's track to the
// subscriber with the subscriber's SSRC and payload type, asks the publisher for a key frame, stops when
// the publisher leaves, and reports a transport that closes by itself.
#include "media/Sfu.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "media/MediaServer.hpp"
#include "media/Rtcp.hpp"
#include "media/Rtp.hpp"
#include "media/SdpOffer.hpp"
#include "support/RtpPackets.hpp"
#include "support/UdpClient.hpp"

namespace roomgate::media {
namespace {

using Clock = std::chrono::steady_clock;
using testing::UdpClient;

constexpr uint32_t kPublisherSsrc = 0x11110001;
constexpr uint32_t kSubscriberSsrc = 0x22220001;
constexpr uint8_t kPublisherVp8Pt = 100;  // the subscriber's is sdp::kOfferVp8Pt (96)

sdp::NegotiatedCodec vp8(uint8_t pt) {
  sdp::NegotiatedCodec c;
  c.codec.payloadType = pt;
  c.codec.name = "VP8";
  c.codec.clockRate = 90000;
  c.codec.rtcpFeedback = {"nack", "nack pli", "ccm fir", "goog-remb"};  // as browsers offer it
  return c;
}

// A media server with an Sfu, and the closes it reports.
struct Rig {
  std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::generate();
  MediaServer server{{"127.0.0.1", 0, ""}, cert};
  OpenSslRandom random;
  std::mutex mutex;
  std::vector<std::pair<std::string, TransportRole>> closed;
  Sfu sfu{server, random,
          [this](const std::string&, const std::string& sid, TransportRole role, const std::string&) {
            std::lock_guard lock(mutex);
            closed.emplace_back(sid, role);
          }};

  // A native client for a transport the Sfu opens with `ice`; `serverExpects` is the fingerprint the
  // server pins (the client's own, unless a test wants DTLS to fail).
  struct Client {
    std::shared_ptr<const DtlsCertificate> cert = DtlsCertificate::generate();
    std::unique_ptr<UdpClient> udp;
  };
  TransportParams paramsFor(const Client& c, const std::string& ufrag) {
    return {{ufrag + "srv", "server-password-0123456789"}, ufrag, c.cert->fingerprint(), nullptr};
  }
  void connect(Client& c, const std::string& ufrag) {
    c.udp =
        std::make_unique<UdpClient>(server.port(), ClientParams{{ufrag, "client-password-0123456789"},
                                                                {ufrag + "srv", "server-password-0123456789"},
                                                                cert->fingerprint(),
                                                                c.cert,
                                                                42});
    c.udp->client().start(Clock::now());
  }
  std::size_t closedCount() {
    std::lock_guard lock(mutex);
    return closed.size();
  }
};

TEST(SfuTest, ForwardsAPublishersTrackToASubscriberOverUdpAndStopsWhenThePublisherLeaves) {
  Rig rig;
  Rig::Client pub, sub;
  TrackSpec track;
  track.id = "PAann:1:1";
  track.kind = sdp::MediaKind::kVideo;
  track.ssrc = kPublisherSsrc;
  track.codecs = {vp8(kPublisherVp8Pt)};
  rig.sfu.publish("RM1", "PAann", rig.paramsFor(pub, "pubu"), {track});
  rig.sfu.openSubscriber("RM1", "PAbob", rig.paramsFor(sub, "subu"));
  SubscriptionSpec spec;
  spec.ssrc = kSubscriberSsrc;
  spec.codecs = {vp8(sdp::kOfferVp8Pt)};
  rig.sfu.subscribe("RM1", "PAbob", track.id, spec);

  rig.connect(pub, "pubu");
  rig.connect(sub, "subu");
  ASSERT_TRUE(pub.udp->runUntil([&] { return pub.udp->client().connected(); }));
  ASSERT_TRUE(sub.udp->runUntil([&] { return sub.udp->client().connected(); }));

  // The publisher is asked for a key frame for the new subscriber (a PLI naming its SSRC).
  ASSERT_TRUE(pub.udp->runUntil([&] {
    for (const auto& r : pub.udp->rtcp) {
      auto packets = splitRtcpCompound(r);
      if (!packets) continue;
      for (const auto& p : *packets)
        if (auto pli = parsePli(p); pli && pli->mediaSsrc == kPublisherSsrc) return true;
    }
    return false;
  })) << "no PLI for the publisher";

  for (uint16_t seq = 1; seq <= 30; ++seq) {
    auto packet = testing::rtpPacket(kPublisherSsrc, seq, 1000, kPublisherVp8Pt);
    packet.resize(packet.size() + kSrtpMaxOverhead);
    ASSERT_TRUE(pub.udp->client().sendRtp(packet, packet.size() - kSrtpMaxOverhead));
  }
  ASSERT_TRUE(sub.udp->runUntil([&] { return sub.udp->rtp.size() >= 30; }))
      << "forwarded: " << sub.udp->rtp.size();
  for (const auto& p : sub.udp->rtp) {
    auto parsed = parseRtp(p);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->ssrc, kSubscriberSsrc);
    EXPECT_EQ(parsed->payloadType, sdp::kOfferVp8Pt);
    EXPECT_EQ(parsed->payloadSize, 1000u);
  }
  EXPECT_EQ(sub.udp->client().decryptFailures(), 0u);
  ASSERT_TRUE(sub.udp->runUntil([&] { return rig.sfu.stats().packetsForwarded.load() >= 30; }));
  EXPECT_EQ(rig.sfu.stats().tracks.load(), 1u);
  EXPECT_EQ(rig.sfu.stats().subscriptions.load(), 1u);

  // The publisher leaves: its track is gone, nothing more is forwarded, and no "closed" is reported
  // (the Sfu closed it on purpose).
  rig.sfu.leave("RM1", "PAann");
  ASSERT_TRUE(sub.udp->runUntil([&] { return rig.sfu.stats().tracks.load() == 0; }));
  const auto before = sub.udp->rtp.size();
  for (uint16_t seq = 31; seq <= 40; ++seq) {
    auto packet = testing::rtpPacket(kPublisherSsrc, seq, 1000, kPublisherVp8Pt);
    packet.resize(packet.size() + kSrtpMaxOverhead);
    (void)pub.udp->client().sendRtp(packet, packet.size() - kSrtpMaxOverhead);
  }
  sub.udp->runUntil([] { return false; }, std::chrono::milliseconds(300));
  EXPECT_EQ(sub.udp->rtp.size(), before);
  EXPECT_EQ(rig.closedCount(), 0u);
}

TEST(SfuTest, ATransportThatFailsByItselfIsReportedWithItsRole) {
  Rig rig;
  Rig::Client sub, impostor;
  // The server pins a certificate the client does not have: DTLS fails, the transport closes by itself.
  rig.sfu.openSubscriber("RM1", "PAbob", rig.paramsFor(impostor, "subu"));
  rig.connect(sub, "subu");
  ASSERT_TRUE(sub.udp->runUntil([&] { return rig.closedCount() == 1; }));
  std::lock_guard lock(rig.mutex);
  EXPECT_EQ(rig.closed[0].first, "PAbob");
  EXPECT_EQ(rig.closed[0].second, TransportRole::kSubscriber);
}

}  // namespace
}  // namespace roomgate::media
