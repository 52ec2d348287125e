#include "support/RawSocket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

namespace roomgate::testing {

using namespace std::chrono_literals;

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Fd connectTo(uint16_t port, const std::string& from) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (from != "127.0.0.1") {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, from.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return Fd();
  }
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(port);
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) return Fd();
  return fd;
}

bool sendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string readAll(int fd, std::chrono::milliseconds timeout, std::string_view until) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
    if (!until.empty() && out.find(until) != std::string::npos) return out;
  }
}

std::string roundTrip(uint16_t port, const std::string& request, std::chrono::milliseconds timeout,
                      const std::string& from) {
  Fd fd = connectTo(port, from);
  if (fd.get() < 0 || !sendAll(fd.get(), request)) return "";
  return readAll(fd.get(), timeout);
}

std::string rawGet(uint16_t port, const std::string& path, const std::string& from) {
  return roundTrip(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 3s,
                   from);
}

bool closedByServer(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

std::string bodyOf(const std::string& response) {
  const auto blank = response.find("\r\n\r\n");
  return blank == std::string::npos ? "" : response.substr(blank + 4);
}

long long metricValue(uint16_t port, const std::string& series, const std::string& from) {
  std::istringstream in(bodyOf(rawGet(port, "/metrics", from)));
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(series + " ")) return std::stoll(line.substr(series.size() + 1));
  return -1;
}

}  // namespace roomgate::testing
