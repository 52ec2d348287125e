// CPU per forwarded packet: one publisher's 1200-byte video packets fanned out by media::Router to N
// subscribers (once: the track's retransmission copy; each: rewrite, SRTP protect, hand to the socket layer),
// beside the bare cost of libsrtp's srtp_protect for the same packets, in one run. Transports are connected
// in memory (tests/support/MediaPair.hpp); the socket send is not included (it is the same for any SFU).
// Then the memory the Router holds for the track and per subscription (Router::memoryUse: sizeof plus
// preallocated buffers), and what that makes for a group room where everyone publishes one video track.
//
// Usage: bench_forward [--packets N] [--rounds R]   Prints a table of medians, then one of bytes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "BareSrtp.hpp"
#include "media/Router.hpp"
#include "media/SdpOffer.hpp"
#include "support/Fakes.hpp"
#include "support/MediaPair.hpp"

using namespace roomgate;
using namespace roomgate::media;
using Steady = std::chrono::steady_clock;

namespace {

constexpr uint32_t kPubSsrc = 0x1000;
constexpr std::size_t kPacketBytes = 1200;

std::vector<uint8_t> packet(uint16_t seq, uint32_t ts) {
  auto p = bench::rtpHeader(96, seq, ts, kPubSsrc);
  p.push_back(0x10);  // VP8 descriptor, not a key frame
  p.resize(kPacketBytes, 0x42);
  return p;
}

// This thread's CPU time in ns: unlike wall time, hardly inflated by other load on the machine.
double cpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

struct PerPacket {
  double wall = 0, cpu = 0;  // ns
};

// ns per srtp_protect of a kPacketBytes packet with libsrtp alone (GCM, as browsers negotiate).
PerPacket bareProtect(std::size_t packets) {
  std::vector<uint8_t> key(28, 9);
  const auto session = bench::bareGcmSession(ssrc_any_outbound, key);
  std::vector<uint8_t> buffer(kPacketBytes + kSrtpMaxOverhead);
  const auto t0 = Steady::now();
  const double c0 = cpuNs();
  for (std::size_t i = 0; i < packets; ++i) {
    const auto p = packet(static_cast<uint16_t>(i), static_cast<uint32_t>(i * 3000));
    std::memcpy(buffer.data(), p.data(), p.size());
    int n = static_cast<int>(p.size());
    if (srtp_protect(session.get(), buffer.data(), &n) != srtp_err_status_ok) std::exit(1);
  }
  const auto t1 = Steady::now();
  return {std::chrono::duration<double, std::nano>(t1 - t0).count() / packets, (cpuNs() - c0) / packets};
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t packets = 3000;
  int rounds = 5;
  bench::parseRunOptions(argc, argv, packets, rounds);
  std::printf(
      "Forwarding 1200-byte VP8 packets, one publisher to N subscribers, %zu packets x %d rounds, "
      "medians\n\n",
      packets, rounds);
  std::printf(
      "| N | ns per forwarded packet | bare srtp_protect | overhead above the crypto | CPU ns per forwarded "
      "packet | CPU bare | CPU overhead |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  std::vector<std::pair<std::size_t, Router::MemoryUse>> memory;
  for (const std::size_t n :
       {std::size_t{1}, std::size_t{5}, std::size_t{10}, std::size_t{25}, std::size_t{50}}) {
    testing::FakeRandom random;
    Router router(random);
    testing::MediaPair publisher("pub");
    if (!publisher.connect()) return 1;
    sdp::Codec vp8;
    vp8.payloadType = 96;
    vp8.name = "VP8";
    vp8.clockRate = 90000;
    vp8.rtcpFeedback = {"nack", "nack pli"};
    router.addTrack(publisher.transport,
                    {"pub:1", sdp::MediaKind::kVideo, kPubSsrc, std::nullopt, {{vp8, std::nullopt}}, {}});
    std::vector<std::unique_ptr<testing::MediaPair>> subscribers;
    for (std::size_t i = 0; i < n; ++i) {
      subscribers.push_back(std::make_unique<testing::MediaPair>("sub" + std::to_string(i)));
      if (!subscribers.back()->connect()) return 1;
      subscribers.back()->countOnly();
      router.subscribe(
          "pub:1", subscribers.back()->transport,
          {static_cast<uint32_t>(0xA000 + 2 * i), static_cast<uint32_t>(0xA001 + 2 * i),
           sdp::subscriberCodecs(sdp::MediaKind::kVideo), sdp::subscriberExtensions(sdp::MediaKind::kVideo)},
          {});
    }
    memory.emplace_back(n, router.memoryUse());
    std::vector<double> forward, bare, forwardCpu, bareCpu;
    uint16_t seq = 0;
    std::vector<uint8_t> buffer(1500 + kSrtpMaxOverhead);
    for (int r = 0; r < rounds; ++r) {
      const auto t0 = Steady::now();
      const double c0 = cpuNs();
      for (std::size_t i = 0; i < packets; ++i) {
        ++seq;
        const auto p = packet(seq, seq * 3000u);
        std::memcpy(buffer.data(), p.data(), p.size());
        router.onRtp(publisher.transport, buffer, p.size(),
                     Steady::time_point{} + std::chrono::milliseconds(seq * 3));
      }
      const auto t1 = Steady::now();
      forward.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / (packets * n));
      forwardCpu.push_back((cpuNs() - c0) / (packets * n));
      const PerPacket b = bareProtect(packets);
      bare.push_back(b.wall);
      bareCpu.push_back(b.cpu);
    }
    const double f = bench::median(forward), b = bench::median(bare);
    const double fc = bench::median(forwardCpu), bc = bench::median(bareCpu);
    std::printf("| %zu | %.0f | %.0f | %+.0f | %.0f | %.0f | %+.0f |\n", n, f, b, f - b, fc, bc, fc - bc);
  }
  std::printf(
      "\nMemory held by the Router (sizeof plus preallocated buffers), one video track to N subscribers\n\n");
  std::printf("| N | bytes per track | bytes per subscription | N-person room, everyone publishing |\n");
  std::printf("| ---: | ---: | ---: | ---: |\n");
  for (const auto& [n, m] : memory) {
    const std::size_t perOut = m.subscriptions / n;
    // N tracks, each to the N - 1 others.
    std::printf("| %zu | %zu | %zu | %.1f MB |\n", n, m.tracks, perOut,
                static_cast<double>(n * m.tracks + n * (n - 1) * perOut) / 1e6);
  }
  return 0;
}
