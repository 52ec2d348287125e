#pragma once
// Server: HTTP/1.1 on one io_context and one thread (Boost.Beast, kept inside Server.cpp).
// Reads a request with size limits and timeouts, hands it to the Api, writes the response; keep-alive.
// Thread: construct, then run() on one thread; stop() from any thread (or SIGINT/SIGTERM).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace roomgate::rtc {
class RtcService;
}

namespace roomgate::http {

class Api;

// Request header block limit: a cookie and a few headers fit many times over.
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
// A connection idle (or a request trickling in) this long is closed.
inline constexpr std::chrono::seconds kIdleTimeout{30};
// Open connections at most; beyond it new ones are closed at once, so a flood cannot exhaust descriptors.
inline constexpr std::size_t kMaxConnections = 4096;

class Server {
 public:
  // Binds `listen` ("host:port"; port 0 picks a free one). Throws std::runtime_error naming the address
  // and the reason if it cannot. `api` and `rtc` are borrowed; WebSocket upgrades of GET /rtc go to
  // `rtc` (refused with 404 when null).
  Server(const std::string& listen, Api& api, rtc::RtcService* rtc);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] uint16_t port() const;
  // Runs `task` on the I/O thread every `period`, first after one period.
  void every(std::chrono::milliseconds period, std::function<void()> task);
  // Group commit: `open` runs before the first request of an event-loop turn and `commit` after the
  // turn's ready work; the turn's responses are written only after `commit`, as 503s if it failed.
  void setTurnHooks(std::function<void()> open, std::function<bool()> commit);
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
