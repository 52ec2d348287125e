// SRTP through the engine's path vs libsrtp alone, per packet, in one run.
//
// engine: WebRtcTransport::receive (RFC 7983 classify, tuple check, SRTP unprotect) -> EchoHandler (SSRC
//         swap) -> WebRtcTransport::sendRtp (SRTP protect) -> the listener's send (a counter here: no
//         syscall, which is the same in both and not the engine's cost).
// bare:   srtp_unprotect + srtp_protect on the same packets with libsrtp's own API, no engine code.
// Both use the profile a browser negotiates with us (SRTP_AEAD_AES_128_GCM) and fresh packets every time
// (the replay window refuses a packet seen twice), prepared outside the timed loops.
//
// Usage: bench_srtp [--packets N] [--rounds R]   Prints a table of medians over R rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "BareSrtp.hpp"
#include "media/EchoHandler.hpp"
#include "media/WebRtcClient.hpp"
#include "media/WebRtcTransport.hpp"

using namespace roomgate::media;
using Clock = std::chrono::steady_clock;

namespace {

const Endpoint kBrowser = *Endpoint::fromText("192.0.2.10", 50000);
constexpr uint32_t kBrowserSsrc = 0x11223344, kEchoSsrc = 0x55667788;
constexpr std::size_t kSlot = 1500 + kSrtpMaxOverhead;

std::vector<uint8_t> rtpPacket(uint16_t seq, uint32_t ts, std::size_t size) {
  auto p = roomgate::bench::rtpHeader(96, seq, ts, kBrowserSsrc);
  p.resize(size, 0x5A);
  return p;
}

// A server transport and a client connected in memory; the client makes the wire packets.
struct Rig : WebRtcTransport::Listener, WebRtcClient::Listener {
  std::vector<std::vector<uint8_t>> toServer, toClient;
  uint64_t sentBytes = 0;
  bool capture = true;  // false: the engine's sends are only counted
  std::shared_ptr<const DtlsCertificate> serverCert = DtlsCertificate::generate();
  std::shared_ptr<const DtlsCertificate> clientCert = DtlsCertificate::generate();
  IceCredentials serverIce{"benchsrv", "bench-server-password-0123"};
  IceCredentials clientIce{"benchcli", "bench-client-password-0123"};
  EchoHandler echo{makeSsrcSwap(std::vector<std::pair<uint32_t, uint32_t>>{{kBrowserSsrc, kEchoSsrc}})};
  WebRtcTransport transport{{serverIce, clientIce.ufrag, clientCert->fingerprint(), serverCert}, *this, {}};
  WebRtcClient client{{clientIce, serverIce, serverCert->fingerprint(), clientCert, 9}, *this};

  void onTransportSend(const Endpoint&, std::span<const uint8_t> d) override {
    sentBytes += d.size();
    if (capture) toClient.emplace_back(d.begin(), d.end());
  }
  void onTransportTuple(const Endpoint&) override {}
  void onRtp(std::span<uint8_t> b, std::size_t n) override { echo.onRtp(transport, b, n); }
  void onRtcp(std::span<uint8_t>, std::size_t) override {}
  void onTransportClosed(const std::string& reason) override {
    std::fprintf(stderr, "closed: %s\n", reason.c_str());
  }
  void onClientSend(std::span<const uint8_t> d) override { toServer.emplace_back(d.begin(), d.end()); }
  void onClientRtp(std::span<uint8_t>, std::size_t) override {}

  void connect() {
    client.start({});
    for (int round = 0; round < 50 && (!toServer.empty() || !toClient.empty()); ++round) {
      auto up = std::move(toServer);
      toServer.clear();
      for (auto& d : up) {
        const std::size_t n = d.size();
        d.resize(kSlot);
        transport.receive(d, n, kBrowser, {});
      }
      auto down = std::move(toClient);
      toClient.clear();
      for (auto& d : down) {
        const std::size_t n = d.size();
        d.resize(kSlot);
        client.receive(d, n, {});
      }
    }
    if (!transport.connected() || !client.connected()) {
      std::fprintf(stderr, "the in-memory handshake failed\n");
      std::exit(1);
    }
    capture = false;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t packets = 20000;
  int rounds = 7;
  roomgate::bench::parseRunOptions(argc, argv, packets, rounds);
  Rig rig;
  rig.connect();

  // libsrtp on its own: one inbound and one outbound session, GCM, as the engine's are.
  std::vector<uint8_t> key(28);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 13 + 5);
  const auto bareSender = roomgate::bench::bareGcmSession(ssrc_any_outbound, key);  // plays the browser
  const auto bareIn = roomgate::bench::bareGcmSession(ssrc_any_inbound, key);
  const auto bareOut = roomgate::bench::bareGcmSession(ssrc_any_outbound, key);

  std::printf("SRTP per packet (AEAD_AES_128_GCM), %zu packets x %d rounds, medians\n\n", packets, rounds);
  std::printf("| packet | libsrtp unprotect+protect | engine path | engine overhead |\n");
  std::printf("| ---: | ---: | ---: | ---: |\n");
  uint16_t seq = 0;
  uint32_t ts = 0;
  std::vector<uint8_t> slab(packets * kSlot);
  std::vector<std::size_t> lengths(packets);
  for (const std::size_t size : {std::size_t{1200}, std::size_t{100}}) {
    std::vector<double> bare, engine;
    for (int r = 0; r < rounds; ++r) {
      // Engine: wire packets from the client (untimed), then the timed path.
      for (std::size_t i = 0; i < packets; ++i) {
        auto p = rtpPacket(++seq, ts += 3000, size);
        p.resize(kSlot);
        if (!rig.client.sendRtp(p, size)) std::exit(1);
      }
      for (std::size_t i = 0; i < packets; ++i) {
        const auto& d = rig.toServer[i];
        std::memcpy(&slab[i * kSlot], d.data(), d.size());
        lengths[i] = d.size();
      }
      rig.toServer.clear();
      const uint64_t before = rig.transport.counters().rtpPacketsOut;
      auto t0 = Clock::now();
      for (std::size_t i = 0; i < packets; ++i)
        rig.transport.receive({&slab[i * kSlot], kSlot}, lengths[i], kBrowser, {});
      auto t1 = Clock::now();
      if (rig.transport.counters().rtpPacketsOut - before != packets) {
        std::fprintf(stderr, "the engine dropped packets\n");
        return 1;
      }
      engine.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / packets);

      // Bare libsrtp on the same sizes.
      for (std::size_t i = 0; i < packets; ++i) {
        auto p = rtpPacket(++seq, ts += 3000, size);
        std::memcpy(&slab[i * kSlot], p.data(), size);
        int n = static_cast<int>(size);
        if (srtp_protect(bareSender.get(), &slab[i * kSlot], &n) != srtp_err_status_ok) return 1;
        lengths[i] = static_cast<std::size_t>(n);
      }
      t0 = Clock::now();
      for (std::size_t i = 0; i < packets; ++i) {
        uint8_t* p = &slab[i * kSlot];
        int n = static_cast<int>(lengths[i]);
        if (srtp_unprotect(bareIn.get(), p, &n) != srtp_err_status_ok) return 1;
        if (srtp_protect(bareOut.get(), p, &n) != srtp_err_status_ok) return 1;
      }
      t1 = Clock::now();
      bare.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / packets);
    }
    const double b = roomgate::bench::median(bare), e = roomgate::bench::median(engine);
    std::printf("| %zu B | %.0f ns | %.0f ns | %+.0f ns |\n", size, b, e, e - b);
  }
  return 0;
}
