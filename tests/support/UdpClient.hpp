#pragma once
// A WebRtcClient on a real UDP socket "connected" to a media server on 127.0.0.1: the browser's side of
// one transport, for the media integration tests.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <functional>
#include <vector>

#include "media/WebRtcClient.hpp"

namespace roomgate::testing {

// A UDP socket "connected" to the server, feeding a WebRtcClient.
class UdpClient : public media::WebRtcClient::Listener {
 public:
  UdpClient(uint16_t serverPort, media::ClientParams params) : client_(std::move(params), *this) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(serverPort);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
  }
  ~UdpClient() override { close(fd_); }

  void onClientSend(std::span<const uint8_t> d) override { (void)send(fd_, d.data(), d.size(), 0); }
  void onClientRtp(std::span<uint8_t> b, std::size_t n) override {
    rtp.emplace_back(b.begin(), b.begin() + n);
  }
  void onClientRtcp(std::span<uint8_t> b, std::size_t n) override {
    rtcp.emplace_back(b.begin(), b.begin() + n);
  }

  // Runs the client until `done` or `limit` passed.
  bool runUntil(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + limit;
    std::array<uint8_t, 1500 + media::kSrtpMaxOverhead> buffer{};
    while (Clock::now() < end) {
      if (done()) return true;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) > 0) {
        const ssize_t n = recv(fd_, buffer.data(), 1500, 0);
        if (n > 0) client_.receive(buffer, static_cast<std::size_t>(n), Clock::now());
      }
      client_.tick(Clock::now());
    }
    return done();
  }
  void sendRaw(std::span<const uint8_t> d) { (void)send(fd_, d.data(), d.size(), 0); }

  media::WebRtcClient& client() { return client_; }
  std::vector<std::vector<uint8_t>> rtp, rtcp;

 private:
  int fd_ = -1;
  media::WebRtcClient client_;
};

}  // namespace roomgate::testing
