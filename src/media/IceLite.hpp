#pragma once
// IceLite: the ICE-lite side of one transport (RFC 8445 section 2.5 and 7.3, consent freshness RFC 7675).
// The browser is the controlling full agent and sends Binding requests; we answer the valid ones, learn the
// browser's addresses from them, switch to the pair it nominates with USE-CANDIDATE, and declare the
// transport dead when no valid check arrived for kConsentTimeout.
// Pure: no sockets, time comes in as an argument. Thread: the owner's.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/Endpoint.hpp"
#include "media/Stun.hpp"

namespace roomgate::media {

// RFC 7675 section 5.1: consent expires 30 s after the last valid check.
inline constexpr std::chrono::seconds kConsentTimeout{30};
// Remote addresses remembered per transport (host, server-reflexive, relayed, on v4 and v6): more is abuse.
inline constexpr std::size_t kMaxIceTuples = 8;

struct IceCredentials {
  std::string ufrag;  // ours: 8 characters of ice-char (RFC 8839 section 5.4 needs at least 4)
  std::string pwd;    // ours: 24 characters (at least 22, 128 bits)
};

class IceLite {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Answer {
    std::vector<uint8_t> response;  // to send back to the sender; empty: send nothing
    bool valid = false;             // a check with our credentials: the sender is a known tuple now
    bool selectedChanged = false;   // the nominated (sending) tuple is now the sender
  };

  // `remoteUfrag` from the browser's SDP; `now` starts the consent clock (the browser must check within it).
  IceLite(IceCredentials local, std::string remoteUfrag, TimePoint now);

  // A parsed Binding request from `from` (other STUN classes are ignored by the caller).
  [[nodiscard]] Answer onRequest(std::span<const uint8_t> packet, const StunMessage& request,
                                 const Endpoint& from, TimePoint now);

  [[nodiscard]] bool consentExpired(TimePoint now) const { return now - lastConsent_ > kConsentTimeout; }
  [[nodiscard]] bool connected() const { return selected_.has_value(); }
  // Where media and DTLS go: the nominated tuple, else the first that passed a check.
  [[nodiscard]] const std::optional<Endpoint>& selected() const { return selected_; }
  [[nodiscard]] bool knows(const Endpoint& e) const;
  [[nodiscard]] const std::vector<Endpoint>& tuples() const { return tuples_; }
  [[nodiscard]] const IceCredentials& local() const { return local_; }

 private:
  IceCredentials local_;
  std::string expectedUsername_;  // "ourUfrag:theirUfrag"
  std::vector<Endpoint> tuples_;
  std::optional<Endpoint> selected_;
  TimePoint lastConsent_;
};

}  // namespace roomgate::media
