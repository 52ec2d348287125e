#pragma once
// MediaServer: the SFU's one UDP port and the media thread behind it. Every browser transport shares the
// port (as mediasoup's WebRtcServer does): a datagram is routed to its transport by the local ICE ufrag in a
// STUN USERNAME, else by its source address (learned from valid ICE checks); anything else is dropped and
// counted. Owns the transports and the handlers bound to them (the echo test; a room's media next).
// Thread: construct and stop on any thread; the media thread runs everything inside; createTransport() and
// closeTransport() may be called from any thread (they post to the media thread).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "media/Dtls.hpp"
#include "media/WebRtcTransport.hpp"

namespace roomgate::media {

// Transports at most: each holds DTLS and SRTP state; past this new ones are refused.
inline constexpr std::size_t kMaxTransports = 2000;
// How often DTLS retransmission timers and ICE consent are checked.
inline constexpr std::chrono::milliseconds kMediaTickInterval{50};
// The UDP receive buffer asked of the kernel: bursts of video from many senders must not overflow it.
inline constexpr int kUdpReceiveBufferBytes = 4 * 1024 * 1024;

struct MediaServerOptions {
  std::string listenIp = "127.0.0.1";
  uint16_t port = 40000;   // 0 picks a free one (tests)
  std::string announceIp;  // the address put in candidates; empty: listenIp
};

// The media logic bound to one transport: the echo test, a group room's publisher or subscriber (Sfu).
// Called on the media thread only.
class MediaHandler {
 public:
  virtual ~MediaHandler() = default;
  // The transport exists (not connected yet); it lives until onClosed() has returned.
  virtual void onAttached(WebRtcTransport&) {}
  virtual void onConnected(WebRtcTransport&) {}
  // Decrypted packets; `buffer` may be modified and re-sent through the transport (it has room).
  virtual void onRtp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) = 0;
  virtual void onRtcp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) = 0;
  virtual void onClosed(const std::string& /*reason*/) {}
};

// Totals across transports, readable from any thread (for logs and /metrics). The media thread adds each
// transport's RTP, RTCP and SRTP figures at every tick (kMediaTickInterval) and when it closes, so they lag
// by a tick at most; the UDP byte totals move with every datagram. Relaxed atomics: each is a count on its
// own, read without ordering against the others.
struct MediaServerStats {
  std::atomic<uint64_t> transportsOpen{0};
  std::atomic<uint64_t> transportsCreated{0};
  std::atomic<uint64_t> transportsRefused{0};  // past kMaxTransports
  std::atomic<uint64_t> unknownDatagrams{0};   // from no known transport
  std::atomic<uint64_t> rtpPacketsIn{0}, rtpPacketsOut{0};
  std::atomic<uint64_t> rtpBytesIn{0}, rtpBytesOut{0};
  std::atomic<uint64_t> rtcpPacketsIn{0}, rtcpPacketsOut{0};
  std::atomic<uint64_t> bytesIn{0}, bytesOut{0};  // every UDP datagram's payload (STUN, DTLS, SRTP)
  std::atomic<uint64_t> srtpDecryptFailures{0}, srtpEncryptFailures{0};
};

class MediaServer {
 public:
  // Binds the UDP port; throws std::runtime_error naming the address and the reason if it cannot.
  MediaServer(MediaServerOptions options, std::shared_ptr<const DtlsCertificate> certificate);
  ~MediaServer();  // stops the thread, closes every transport
  MediaServer(const MediaServer&) = delete;
  MediaServer& operator=(const MediaServer&) = delete;

  [[nodiscard]] uint16_t port() const;
  [[nodiscard]] const std::string& announceIp() const;
  [[nodiscard]] const DtlsCertificate& certificate() const { return *certificate_; }
  [[nodiscard]] const MediaServerStats& stats() const;

  // Makes a transport for `params` (certificate filled in here) with the handler `makeHandler` returns.
  // `key` names its owner (e.g. "echo:alice"): an existing transport with the same key is closed first, so
  // one guest holds one. Any thread; on the media thread (in a posted task, never inside a handler's
  // callback) they run at once, so what follows in the same task sees the transport made or gone.
  using HandlerFactory = std::function<std::unique_ptr<MediaHandler>()>;
  void createTransport(std::string key, TransportParams params, HandlerFactory makeHandler);
  void closeTransport(std::string key, std::string reason);

  // Runs `task` on the media thread (tests, shutdown).
  void post(std::function<void()> task);
  // Runs `hook` on the media thread at every tick (kMediaTickInterval), after the transports' timers; an
  // empty function removes it. Any thread.
  using TickHook = std::function<void(std::chrono::steady_clock::time_point)>;
  void setTickHook(TickHook hook);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<const DtlsCertificate> certificate_;
};

}  // namespace roomgate::media
