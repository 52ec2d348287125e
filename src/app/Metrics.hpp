#pragma once
// Metrics: the text of GET /metrics, in the Prometheus text exposition format 0.0.4. A pure writer: a
// snapshot of the server's figures in, text out. Every metric it may emit is listed, with its meaning, in
// docs/ARCHITECTURE.md ("Metrics"); names are stable. Counters end in _total; gauges do not.
// Thread: any; the stats objects it reads are atomics (the media thread writes them), the rest is copied.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "app/VerificationCounters.hpp"

namespace roomgate::media {
struct MediaServerStats;
struct SfuStats;
}  // namespace roomgate::media

namespace roomgate::app {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The HTTP server's connections (signaling WebSockets included), as http::Server counts them.
struct ConnectionFigures {
  uint64_t open = 0;                  // HTTP connections and signaling WebSockets
  uint64_t limit = 0;                 // the cap
  uint64_t refused = 0;               // closed at once: `open` was at `limit`
  uint64_t acceptPauses = 0;          // accept() ran out of descriptors or memory and paused
  uint64_t perAddressLimit = 0;       // the cap per client address (trusted proxies exempt)
  uint64_t refusedPerAddress = 0;     // closed at once: their address had `perAddressLimit` open
  uint64_t slowHeaders = 0;           // closed: the request's headers took longer than their deadline
  uint64_t slowBodies = 0;            // closed: the request's body took longer than its deadline
  uint64_t foldedHeaders = 0;         // refused with 400: obsolete line folding
  uint64_t invalidWebSocketKeys = 0;  // upgrades refused with 400: Sec-WebSocket-Key not 16 bytes
  uint64_t foreignOrigins = 0;        // refused with 403: a foreign Origin (POST routes and upgrades)
};

struct MetricsSnapshot {
  // Live rooms (signaling) by type ("peer-to-peer", "group"); both types are always written.
  std::map<std::string, uint64_t> roomsByType;
  uint64_t participants = 0;  // joined participants, those in their reconnect window included
  const media::MediaServerStats* media = nullptr;  // null: no media figures written
  const media::SfuStats* sfu = nullptr;            // null: no SFU figures written (no group-room media)
  VerificationCounters verification;
  ConnectionFigures connections;
};

[[nodiscard]] std::string renderMetrics(const MetricsSnapshot& snapshot);

// A label value as the format writes it between double quotes: \ " and newline escaped.
[[nodiscard]] std::string escapeLabelValue(std::string_view value);

}  // namespace roomgate::app
