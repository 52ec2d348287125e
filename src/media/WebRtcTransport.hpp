#pragma once
// WebRtcTransport: one browser's BUNDLE transport on the SFU's shared UDP port — ICE-lite, then DTLS, then
// SRTP/SRTCP with rtcp-mux. Datagrams are demultiplexed by first byte (RFC 7983): STUN to IceLite, DTLS to
// the DtlsSession, RTP/RTCP to SRTP and then to the Listener in the clear.
// Pure: it neither owns a socket nor reads a clock; the MediaServer feeds it datagrams and time.
// Thread: the media thread (one per MediaServer).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "media/Dtls.hpp"
#include "media/Endpoint.hpp"
#include "media/IceLite.hpp"
#include "media/Srtp.hpp"

namespace roomgate::media {

// What one transport counted; logged when it closes and summed for /metrics.
struct TransportCounters {
  uint64_t stunRequests = 0;         // Binding requests answered with success
  uint64_t stunRejected = 0;         // answered with an error (400, 401, 420, 487)
  uint64_t dtlsPackets = 0;          // DTLS datagrams received
  uint64_t srtpDecryptFailures = 0;  // SRTP/SRTCP that failed authentication or replay checks
  uint64_t srtpEncryptFailures = 0;
  uint64_t rtpPacketsIn = 0, rtpBytesIn = 0;
  uint64_t rtcpPacketsIn = 0, rtcpBytesIn = 0;
  uint64_t rtpPacketsOut = 0, rtpBytesOut = 0;
  uint64_t rtcpPacketsOut = 0, rtcpBytesOut = 0;
  uint64_t dropped = 0;  // before ICE/DTLS were ready, from an unchecked address, or unclassifiable
};

struct TransportParams {
  IceCredentials local;
  std::string remoteUfrag;
  std::string remoteFingerprint;  // sha-256, from the browser's SDP
  std::shared_ptr<const DtlsCertificate> certificate;
};

class WebRtcTransport final : private DtlsSession::Listener {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  class Listener {
   public:
    virtual ~Listener() = default;
    // Put `datagram` on the wire to `to`.
    virtual void onTransportSend(const Endpoint& to, std::span<const uint8_t> datagram) = 0;
    // `from` passed an ICE check: datagrams from it belong to this transport from now on.
    virtual void onTransportTuple(const Endpoint& from) = 0;
    // DTLS is done and SRTP keyed: media can flow both ways.
    virtual void onTransportConnected() {}
    // Decrypted RTP or RTCP, in `buffer[0, length)`; `buffer` has room for re-protection after it and may be
    // modified (it is the receive buffer).
    virtual void onRtp(std::span<uint8_t> buffer, std::size_t length) = 0;
    virtual void onRtcp(std::span<uint8_t> buffer, std::size_t length) = 0;
    // The transport is dead (ICE consent lapsed, DTLS failed or closed); it drops everything from now on.
    virtual void onTransportClosed(const std::string& reason) = 0;
  };

  WebRtcTransport(TransportParams params, Listener& listener, TimePoint now);
  ~WebRtcTransport() override;

  // A datagram from `from` routed here (by ufrag or 5-tuple). `buffer[0, length)` is the datagram;
  // `buffer` must have kSrtpMaxOverhead bytes of room after it.
  void receive(std::span<uint8_t> buffer, std::size_t length, const Endpoint& from, TimePoint now);
  // Protects `buffer[0, length)` in place and sends it on the selected tuple; false if it was not sent
  // (not connected yet, closed, or SRTP refused). `buffer` needs kSrtpMaxOverhead bytes of room.
  bool sendRtp(std::span<uint8_t> buffer, std::size_t length);
  bool sendRtcp(std::span<uint8_t> buffer, std::size_t length);
  // Timers: DTLS retransmission and ICE consent. Call every few tens of milliseconds.
  void tick(TimePoint now);
  // Closes (DTLS close_notify if connected) and tells the listener with `reason`.
  void close(const std::string& reason);

  [[nodiscard]] bool connected() const { return srtp_ != nullptr; }
  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] const IceLite& ice() const { return ice_; }
  [[nodiscard]] DtlsState dtlsState() const { return dtls_.state(); }
  [[nodiscard]] const TransportCounters& counters() const { return counters_; }

 private:
  void onDtlsSend(std::span<const uint8_t> datagram) override;
  void onDtlsConnected(const SrtpKeys& keys) override;
  void onDtlsClosed(DtlsState state, const std::string& reason) override;
  void receiveStun(std::span<const uint8_t> packet, const Endpoint& from, TimePoint now);
  bool send(std::span<uint8_t> buffer, std::size_t length, bool rtcp);

  Listener& listener_;
  IceLite ice_;
  DtlsSession dtls_;
  std::unique_ptr<SrtpPair> srtp_;  // once DTLS is done
  TransportCounters counters_;
  bool closed_ = false;
};

}  // namespace roomgate::media
