#pragma once
// WebRtcClient: the browser's side of a WebRtcTransport, built from the engine's own parts in their client
// roles — a controlling ICE agent that nominates the server's one candidate, a DTLS client, SRTP. Used by
// the tests and the load generator to talk to the SFU the way a browser does, without a browser.
// Pure like WebRtcTransport: datagrams and time come in as arguments. Thread: its owner's.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "media/Dtls.hpp"
#include "media/Endpoint.hpp"
#include "media/IceLite.hpp"
#include "media/Srtp.hpp"

namespace roomgate::media {

// How often an unanswered Binding request is repeated, and a connected client refreshes consent.
inline constexpr std::chrono::milliseconds kClientCheckInterval{500};
inline constexpr std::chrono::seconds kClientConsentInterval{5};

struct ClientParams {
  IceCredentials local;           // our ufrag and pwd (as a browser's SDP offer would carry them)
  IceCredentials remote;          // the server's, from its SDP answer
  std::string remoteFingerprint;  // the server's DTLS certificate, from its SDP answer
  std::shared_ptr<const DtlsCertificate> certificate;
  uint64_t tiebreaker = 0;
};

class WebRtcClient final : private DtlsSession::Listener {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onClientSend(std::span<const uint8_t> datagram) = 0;  // to the server
    virtual void onClientConnected() {}
    virtual void onClientRtp(std::span<uint8_t> buffer, std::size_t length) = 0;
    virtual void onClientRtcp(std::span<uint8_t> /*buffer*/, std::size_t /*length*/) {}
    virtual void onClientClosed(const std::string& /*reason*/) {}
  };

  WebRtcClient(ClientParams params, Listener& listener);
  ~WebRtcClient() override;

  // Sends the first connectivity check (with USE-CANDIDATE: we nominate the only pair there is).
  void start(TimePoint now);
  // A datagram from the server; `buffer` has kSrtpMaxOverhead bytes of room after `length`.
  void receive(std::span<uint8_t> buffer, std::size_t length, TimePoint now);
  void tick(TimePoint now);
  // Protect in place and send; false if not connected.
  bool sendRtp(std::span<uint8_t> buffer, std::size_t length);
  bool sendRtcp(std::span<uint8_t> buffer, std::size_t length);

  [[nodiscard]] bool iceConnected() const { return iceConnected_; }
  [[nodiscard]] bool connected() const { return srtp_ != nullptr; }
  [[nodiscard]] uint64_t checksAnswered() const { return checksAnswered_; }
  [[nodiscard]] uint64_t checksRefused() const { return checksRefused_; }
  [[nodiscard]] uint64_t decryptFailures() const { return decryptFailures_; }

 private:
  void onDtlsSend(std::span<const uint8_t> datagram) override;
  void onDtlsConnected(const SrtpKeys& keys) override;
  void onDtlsClosed(DtlsState state, const std::string& reason) override;
  void sendCheck(TimePoint now);

  ClientParams params_;
  Listener& listener_;
  DtlsSession dtls_;
  std::unique_ptr<SrtpPair> srtp_;  // once DTLS is done
  bool iceConnected_ = false;
  TimePoint lastCheck_{};
  uint64_t transactions_ = 0;
  uint64_t checksAnswered_ = 0;
  uint64_t checksRefused_ = 0;
  uint64_t decryptFailures_ = 0;
};

}  // namespace roomgate::media
