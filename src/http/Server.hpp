#pragma once
// Server: HTTP/1.1 on one io_context and one thread (Boost.Beast, kept inside Server.cpp).
// Reads a request with size limits and timeouts, hands it to the Api, writes the response; keep-alive.
// Thread: construct, then run() on one thread; stop() from any thread (or SIGINT/SIGTERM).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/Metrics.hpp"
#include "http/ClientAddress.hpp"

namespace roomgate::rtc {
class RtcService;
}

namespace roomgate::http {

class Api;

// Request header block limit: a cookie and a few headers fit many times over.
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
// A connection idle this long (no byte of a next request; or a response the client does not take) is
// closed.
inline constexpr std::chrono::seconds kIdleTimeout{30};
// A request's header block must be complete this long after its first byte, however steadily it trickles
// in (slowloris): a browser sends its headers in one packet.
inline constexpr std::chrono::seconds kHeaderDeadline{10};
// A request's body must be complete this long after its header: kMaxBodyBytes (64 KiB) in 15 s is
// ~4.4 KB/s, slower than a poor mobile link.
inline constexpr std::chrono::seconds kBodyDeadline{15};
// Open connections at most (HTTP and signaling WebSockets alike); beyond it new ones are closed at once,
// so a flood cannot exhaust descriptors.
inline constexpr std::size_t kMaxConnections = 4096;
// Open connections at most from one client address (TCP peer; ROOMGATE_TRUSTED_PROXIES exempt), so one
// host cannot take every slot. A full 50-guest group room behind one NAT (an office) needs at most ~350:
// per browser one signaling WebSocket and up to 6 parallel HTTP connections (Chromium's per-host limit).
// ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS changes it.
inline constexpr std::size_t kMaxConnectionsPerAddress = 512;
// File descriptors kept back from the connection cap for everything else the process opens: the
// database (file, WAL and shared memory, twice: the I/O thread's connection and the checkpointer's),
// the media socket, the event loops' own descriptors, provider requests (libcurl) and logs.
inline constexpr std::size_t kReservedDescriptors = 64;
// When accept() fails for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), accepting
// pauses this long: the pending connection stays in the kernel's backlog, and retrying at once would
// only spin (the accept loops of Beast's examples and nginx pause likewise).
inline constexpr std::chrono::milliseconds kAcceptPause{250};

// The connection cap for a process that may open `descriptorLimit` files: kMaxConnections, lowered so
// that kReservedDescriptors stay free (half the limit, when it is too small to keep them all).
[[nodiscard]] constexpr std::size_t connectionCap(std::size_t descriptorLimit) {
  const std::size_t usable = descriptorLimit > 2 * kReservedDescriptors
                                 ? descriptorLimit - kReservedDescriptors
                                 : descriptorLimit / 2;
  return usable < kMaxConnections ? usable : kMaxConnections;
}

class Server {
 public:
  // Binds `listen` ("host:port"; port 0 picks a free one). Throws std::runtime_error naming the address
  // and the reason if it cannot. `api` and `rtc` are borrowed; WebSocket upgrades of GET /rtc go to
  // `rtc` (refused with 404 when null). At most `maxConnections` are open at once, and at most
  // `maxPerAddress` from one TCP peer address unless it is in `trustedProxies`.
  Server(const std::string& listen, Api& api, rtc::RtcService* rtc,
         std::size_t maxConnections = kMaxConnections, std::size_t maxPerAddress = kMaxConnectionsPerAddress,
         TrustedProxies trustedProxies = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] uint16_t port() const;
  // The connection figures for /metrics. On the I/O thread only.
  [[nodiscard]] app::ConnectionFigures connectionStats() const;
  // Runs `task` on the I/O thread every `period`, first after one period.
  void every(std::chrono::milliseconds period, std::function<void()> task);
  // Group commit: `open` runs before the first request of an event-loop turn and `commit` after the
  // turn's ready work; the turn's responses are written only after `commit`, as 503s if it failed.
  void setTurnHooks(std::function<void()> open, std::function<bool()> commit);
  // Opens the current turn's transaction if none is open, for a write outside a request (a signaling
  // message, a timer, a completion); it commits with the turn's other writes. I/O thread only.
  void joinTurn();
  // Runs `task` on the I/O thread soon. Thread-safe.
  void post(std::function<void()> task);
  // After run() returned: runs the tasks posted since (nothing else).
  void poll();
  // Runs `task` once on the I/O thread after `delay`.
  void after(std::chrono::milliseconds delay, std::function<void()> task);
  // Serves until stop() or SIGINT/SIGTERM.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace roomgate::http
