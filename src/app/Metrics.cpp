#include "app/Metrics.hpp"

#include <atomic>
#include <initializer_list>
#include <utility>

#include "media/MediaServer.hpp"
#include "media/Sfu.hpp"

namespace roomgate::app {
namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Escapes \ and newline, and " too when `quote` (label values; HELP text keeps its quotes).
std::string escaped(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

// Appends families in the exposition format: a HELP and a TYPE line, then the family's samples.
class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escaped(help, /*quote=*/false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(uint64_t value, Labels labels = {}) {
    out_ += name_;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [label, text] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += label;
        out_ += "=\"";
        out_ += escapeLabelValue(text);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string name_;
};

uint64_t load(const std::atomic<uint64_t>& a) {
  return a.load(std::memory_order_relaxed);
}

void writeRooms(Writer& w, const MetricsSnapshot& s) {
  std::map<std::string, uint64_t> rooms = {{"peer-to-peer", 0}, {"group", 0}};
  for (const auto& [type, n] : s.roomsByType) rooms[type] = n;
  w.family("roomgate_rooms", "gauge", "Rooms with at least one participant, by room type.");
  for (const auto& [type, n] : rooms) w.sample(n, {{"type", type}});
  w.family("roomgate_participants", "gauge",
           "Participants in rooms, those inside their reconnect window included.");
  w.sample(s.participants);
}

// One unlabelled figure of a stats object: its metric name, type and help, and the atomic it reads.
template <typename Stats>
struct Figure {
  std::string_view name;
  std::string_view type;
  std::string_view help;
  std::atomic<uint64_t> Stats::*field;
};

template <typename Stats, std::size_t N>
void writeFigures(Writer& w, const Stats& stats, const Figure<Stats> (&figures)[N]) {
  for (const auto& f : figures) {
    w.family(f.name, f.type, f.help);
    w.sample(load(stats.*f.field));
  }
}

using media::MediaServerStats;
constexpr Figure<MediaServerStats> kMediaFigures[] = {
    {"roomgate_media_transports", "gauge",
     "Open WebRTC transports on the media server (echo checks included).", &MediaServerStats::transportsOpen},
    {"roomgate_media_transports_created_total", "counter", "WebRTC transports created.",
     &MediaServerStats::transportsCreated},
    {"roomgate_media_transports_refused_total", "counter",
     "WebRTC transports refused because the media server was full.", &MediaServerStats::transportsRefused},
    {"roomgate_udp_datagrams_unknown_total", "counter",
     "UDP datagrams on the media port from no known transport (dropped).",
     &MediaServerStats::unknownDatagrams},
    {"roomgate_udp_bytes_received_total", "counter", "UDP payload bytes received on the media port.",
     &MediaServerStats::bytesIn},
    {"roomgate_udp_bytes_sent_total", "counter", "UDP payload bytes sent from the media port.",
     &MediaServerStats::bytesOut},
    {"roomgate_rtp_packets_received_total", "counter", "RTP packets received and decrypted.",
     &MediaServerStats::rtpPacketsIn},
    {"roomgate_rtp_bytes_received_total", "counter", "Bytes of RTP packets received (SRTP, as on the wire).",
     &MediaServerStats::rtpBytesIn},
    {"roomgate_rtp_packets_sent_total", "counter", "RTP packets encrypted and sent.",
     &MediaServerStats::rtpPacketsOut},
    {"roomgate_rtp_bytes_sent_total", "counter", "Bytes of RTP packets sent (SRTP, as on the wire).",
     &MediaServerStats::rtpBytesOut},
    {"roomgate_rtcp_packets_received_total", "counter", "RTCP compound packets received and decrypted.",
     &MediaServerStats::rtcpPacketsIn},
    {"roomgate_rtcp_packets_sent_total", "counter", "RTCP compound packets encrypted and sent.",
     &MediaServerStats::rtcpPacketsOut},
};

using media::SfuStats;
constexpr Figure<SfuStats> kSfuFigures[] = {
    {"roomgate_sfu_rooms", "gauge", "Group rooms with media on the SFU.", &SfuStats::rooms},
    {"roomgate_tracks", "gauge", "Published tracks forwarded by the SFU.", &SfuStats::tracks},
    {"roomgate_subscriptions", "gauge", "Track subscriptions: one per receiving participant and track.",
     &SfuStats::subscriptions},
    {"roomgate_sfu_packets_received_total", "counter", "RTP packets from publishers taken in by the SFU.",
     &SfuStats::packetsIn},
    {"roomgate_sfu_bytes_received_total", "counter", "Bytes of RTP from publishers taken in by the SFU.",
     &SfuStats::bytesIn},
    {"roomgate_forwarded_packets_total", "counter", "RTP packets forwarded to subscribers.",
     &SfuStats::packetsForwarded},
    {"roomgate_forwarded_bytes_total", "counter", "Bytes of RTP forwarded to subscribers.",
     &SfuStats::bytesForwarded},
    {"roomgate_nacks_received_total", "counter", "Generic NACKs received from subscribers.",
     &SfuStats::nacksReceived},
    {"roomgate_retransmissions_sent_total", "counter",
     "Packets retransmitted to subscribers in answer to NACKs.", &SfuStats::retransmissionsSent},
    {"roomgate_nacks_sent_total", "counter", "Generic NACKs sent to publishers for lost packets.",
     &SfuStats::nacksSent},
    {"roomgate_plis_received_total", "counter",
     "Picture loss indications (PLI, FIR) received from subscribers.", &SfuStats::plisReceived},
    {"roomgate_keyframe_requests_sent_total", "counter", "Key frame requests (PLI, FIR) sent to publishers.",
     &SfuStats::keyframeRequestsSent},
    {"roomgate_rembs_sent_total", "counter", "REMB bandwidth estimates sent to publishers.",
     &SfuStats::rembsSent},
    {"roomgate_receiver_reports_sent_total", "counter", "RTCP receiver reports sent to publishers.",
     &SfuStats::receiverReportsSent},
    {"roomgate_transport_feedback_sent_total", "counter",
     "Transport-wide congestion control feedback packets sent to publishers.",
     &SfuStats::transportFeedbackSent},
};

void writeMedia(Writer& w, const MediaServerStats& m) {
  writeFigures(w, m, kMediaFigures);
  w.family(
      "roomgate_srtp_failures_total", "counter",
      "SRTP/SRTCP packets that failed: in = authentication or replay check on receipt, out = protection.");
  w.sample(load(m.srtpDecryptFailures), {{"direction", "in"}});
  w.sample(load(m.srtpEncryptFailures), {{"direction", "out"}});
}

void writeVerification(Writer& w, const VerificationCounters& v) {
  w.family("roomgate_verification_sends_total", "counter",
           "Code sends asked for by /login, by channel and outcome (decoy: a name not on the guest list).");
  for (std::size_t c = 0; c < kSendChannelNames.size(); ++c)
    for (std::size_t o = 0; o < kSendOutcomeNames.size(); ++o)
      w.sample(v.sends[c][o], {{"channel", kSendChannelNames[c]}, {"outcome", kSendOutcomeNames[o]}});
  w.family("roomgate_verification_checks_total", "counter", "Codes checked by /verify, by outcome.");
  for (std::size_t o = 0; o < kCheckResultNames.size(); ++o)
    w.sample(v.checks[o], {{"outcome", kCheckResultNames[o]}});
  w.family("roomgate_rate_limited_total", "counter",
           "/login and /verify requests refused with 429 by a rate limit (app/RateLimits.hpp), by limit.");
  for (std::size_t l = 0; l < kRateLimitNames.size(); ++l)
    w.sample(v.rateLimited[l], {{"limit", kRateLimitNames[l]}});
}

void writeConnections(Writer& w, const ConnectionFigures& c) {
  w.family("roomgate_connections", "gauge", "Open client connections: HTTP and signaling WebSockets.");
  w.sample(c.open);
  w.family("roomgate_connections_limit", "gauge",
           "The most client connections held at once (from the open-file limit); more are closed at once.");
  w.sample(c.limit);
  w.family("roomgate_connections_per_address_limit", "gauge",
           "The most client connections held at once from one address (trusted proxies exempt).");
  w.sample(c.perAddressLimit);
  w.family("roomgate_connections_refused_total", "counter",
           "Connections closed as soon as accepted, by reason: the limit, or the limit per address.");
  w.sample(c.refused, {{"reason", "limit"}});
  w.sample(c.refusedPerAddress, {{"reason", "per_address"}});
  w.family("roomgate_accept_pauses_total", "counter",
           "Times accepting paused because the process ran out of file descriptors or memory.");
  w.sample(c.acceptPauses);
  w.family("roomgate_slow_requests_closed_total", "counter",
           "Connections closed because a request's headers or body did not arrive within their deadline.");
  w.sample(c.slowHeaders, {{"phase", "headers"}});
  w.sample(c.slowBodies, {{"phase", "body"}});
  w.family("roomgate_requests_refused_total", "counter",
           "Requests refused before any route ran, by reason (the error code of the answer).");
  w.sample(c.foldedHeaders, {{"reason", "folded_header"}});
  w.sample(c.invalidWebSocketKeys, {{"reason", "invalid_websocket_key"}});
  w.sample(c.foreignOrigins, {{"reason", "origin_not_allowed"}});
}

}  // namespace

std::string escapeLabelValue(std::string_view value) {
  return escaped(value, /*quote=*/true);
}

std::string renderMetrics(const MetricsSnapshot& snapshot) {
  Writer w;
  writeRooms(w, snapshot);
  if (snapshot.media) writeMedia(w, *snapshot.media);
  if (snapshot.sfu) writeFigures(w, *snapshot.sfu, kSfuFigures);
  writeVerification(w, snapshot.verification);
  writeConnections(w, snapshot.connections);
  return w.take();
}

}  // namespace roomgate::app
