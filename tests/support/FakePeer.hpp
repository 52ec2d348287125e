#pragma once
// A signaling peer for tests: records what it is sent (parsed) and how it was closed.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rtc/Peer.hpp"

namespace roomgate::testing {

class FakePeer final : public rtc::Peer {
 public:
  void send(rtc::Outgoing m) override { received.push_back(nlohmann::json::parse(*m)); }
  void close(rtc::CloseCode c, std::string_view code, std::string_view) override {
    closed = c;
    closeCode = code;
  }
  [[nodiscard]] std::vector<nlohmann::json> ofType(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& m : received)
      if (m["type"] == type) out.push_back(m);
    return out;
  }
  std::vector<nlohmann::json> received;
  std::optional<rtc::CloseCode> closed;
  std::string closeCode;
};

}  // namespace roomgate::testing
