#pragma once
// Raw TCP clients for the tests that speak HTTP byte by byte to the real server (slow senders, folded
// headers, hand-made WebSocket handshakes, many idle connections), where libcurl would tidy the request.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace roomgate::testing {

// An owned socket descriptor; -1 when empty.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset();
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  void reset();
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// A TCP connection to 127.0.0.1:port from `from` (any 127/8 address: loopback covers them all),
// established (by the kernel's backlog if the server has not accepted it yet); empty Fd on failure.
Fd connectTo(uint16_t port, const std::string& from = "127.0.0.1");

// Writes all of `bytes`; false if the peer is gone (no SIGPIPE).
bool sendAll(int fd, std::string_view bytes);

// Everything `fd` receives until the peer closes, `timeout` passes, or (if given) `until` arrives.
std::string readAll(int fd, std::chrono::milliseconds timeout, std::string_view until = {});

// Sends `request` on a new connection from `from` and returns what comes back before the server
// closes it (or `timeout` passes).
std::string roundTrip(uint16_t port, const std::string& request,
                      std::chrono::milliseconds timeout = std::chrono::seconds(3),
                      const std::string& from = "127.0.0.1");

// GET `path` (Connection: close) from `from`: the raw response.
std::string rawGet(uint16_t port, const std::string& path, const std::string& from = "127.0.0.1");

// True if the server closed `fd` (EOF or reset) without sending anything, by now.
bool closedByServer(int fd);

// The body of a raw HTTP response (after the blank line); empty if there is none.
std::string bodyOf(const std::string& response);

// The value of `series` (name and labels exactly as written) in the server's /metrics, read from
// `from`; -1 if absent.
long long metricValue(uint16_t port, const std::string& series, const std::string& from = "127.0.0.1");

}  // namespace roomgate::testing
