#pragma once
// A server-side WebRtcTransport and a client-side WebRtcClient wired back to back in memory: the whole
// ICE-lite -> DTLS -> SRTP path with no socket. What the server's transport decrypts goes to `onServerRtp`
// / `onServerRtcp`; what the client decrypts is collected in clientRtp / clientRtcp.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "media/WebRtcClient.hpp"
#include "media/WebRtcTransport.hpp"

namespace roomgate::testing {

class MediaPair final : public media::WebRtcTransport::Listener, public media::WebRtcClient::Listener {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Handler = std::function<void(std::span<uint8_t>, std::size_t)>;

  // `name` makes the ICE credentials unique among pairs.
  explicit MediaPair(const std::string& name)
      : serverCert_(media::DtlsCertificate::generate()),
        clientCert_(media::DtlsCertificate::generate()),
        endpoint_(*media::Endpoint::fromText("192.0.2.10", 50000)),
        transport({{"s" + name, "server-password-" + name + "-0123456789"},
                   "c" + name,
                   clientCert_->fingerprint(),
                   serverCert_},
                  *this, {}),
        client({{"c" + name, "client-password-" + name + "-0123456789"},
                {"s" + name, "server-password-" + name + "-0123456789"},
                serverCert_->fingerprint(),
                clientCert_,
                7},
               *this) {}

  // ICE and DTLS; true once both ends have SRTP keys.
  bool connect(TimePoint now = {}) {
    client.start(now);
    pump(now);
    return transport.connected() && client.connected();
  }

  // Delivers everything queued both ways at `now`.
  void pump(TimePoint now = {}) {
    for (int round = 0; round < 50 && (!toServer_.empty() || !toClient_.empty()); ++round) {
      while (!toServer_.empty()) {
        auto d = std::move(toServer_.front());
        toServer_.pop_front();
        const std::size_t n = d.size();
        d.resize(n + media::kSrtpMaxOverhead);
        transport.receive(d, n, endpoint_, now);
      }
      while (!toClient_.empty()) {
        auto d = std::move(toClient_.front());
        toClient_.pop_front();
        const std::size_t n = d.size();
        d.resize(n + media::kSrtpMaxOverhead);
        client.receive(d, n, now);
      }
    }
  }

  // The client sends plaintext RTP / RTCP (protected on the way).
  bool clientSendsRtp(std::vector<uint8_t> packet) {
    const std::size_t n = packet.size();
    packet.resize(n + media::kSrtpMaxOverhead);
    return client.sendRtp(packet, n);
  }
  bool clientSendsRtcp(std::vector<uint8_t> packet) {
    const std::size_t n = packet.size();
    packet.resize(n + media::kSrtpMaxOverhead);
    return client.sendRtcp(packet, n);
  }

  // Benchmarks that measure only the server's sending side: what the server sends is counted, not kept.
  void countOnly() { countOnly_ = true; }
  [[nodiscard]] uint64_t bytesToClient() const { return bytesToClient_; }
  // The next `datagrams` the server sends are lost on the way to the client.
  void loseToClient(int datagrams) { loseToClient_ = datagrams; }

  Handler onServerRtp = [](std::span<uint8_t>, std::size_t) {};
  Handler onServerRtcp = [](std::span<uint8_t>, std::size_t) {};
  std::vector<std::vector<uint8_t>> clientRtp, clientRtcp;

 private:
  void onTransportSend(const media::Endpoint&, std::span<const uint8_t> d) override {
    bytesToClient_ += d.size();
    if (loseToClient_ > 0) {
      --loseToClient_;
      return;
    }
    if (!countOnly_) toClient_.emplace_back(d.begin(), d.end());
  }
  void onTransportTuple(const media::Endpoint&) override {}
  void onRtp(std::span<uint8_t> b, std::size_t n) override { onServerRtp(b, n); }
  void onRtcp(std::span<uint8_t> b, std::size_t n) override { onServerRtcp(b, n); }
  void onTransportClosed(const std::string&) override {}
  void onClientSend(std::span<const uint8_t> d) override { toServer_.emplace_back(d.begin(), d.end()); }
  void onClientRtp(std::span<uint8_t> b, std::size_t n) override {
    clientRtp.emplace_back(b.begin(), b.begin() + n);
  }
  void onClientRtcp(std::span<uint8_t> b, std::size_t n) override {
    clientRtcp.emplace_back(b.begin(), b.begin() + n);
  }

  std::shared_ptr<const media::DtlsCertificate> serverCert_, clientCert_;
  media::Endpoint endpoint_;
  std::deque<std::vector<uint8_t>> toServer_, toClient_;
  bool countOnly_ = false;
  int loseToClient_ = 0;
  uint64_t bytesToClient_ = 0;

 public:
  media::WebRtcTransport transport;
  media::WebRtcClient client;
};

}  // namespace roomgate::testing
