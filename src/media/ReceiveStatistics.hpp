#pragma once
// ReceiveStatistics: what the server knows of one incoming RTP stream, as the report block of a receiver
// report says it (RFC 3550 6.4.1, appendix A.3 and A.8): the extended highest sequence number, packets
// lost in all and since the last report, interarrival jitter, and the last sender report with the delay
// since it, from which the publisher's browser computes its round-trip time.
// Pure: arrival times and the clock rate are passed in. Thread: the media thread.
#include <chrono>
#include <cstdint>
#include <optional>

#include "media/Rtcp.hpp"

namespace roomgate::media {

// How often the server sends a receiver report to each publisher (RFC 3550 suggests 5 s for the
// session; browsers report about once a second, and a fresh RTT helps their bandwidth estimate).
inline constexpr std::chrono::milliseconds kReceiverReportInterval{1000};

class ReceiveStatistics {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ReceiveStatistics(uint32_t clockRate) : clockRate_(clockRate) {}

  // A packet of the stream arrived at `now` (retransmissions restored from RTX included).
  void onPacket(uint16_t seq, uint32_t rtpTimestamp, Clock::time_point now);
  // The publisher's sender report for this stream arrived at `now`.
  void onSenderReport(uint64_t ntpTimestamp, Clock::time_point now);

  // The report block for `ssrc` at `now`, and the start of the next interval; nullopt before the first
  // packet.
  [[nodiscard]] std::optional<RtcpReportBlock> report(uint32_t ssrc, Clock::time_point now);
  // True when a report is due at `now` (kReceiverReportInterval since the last one, and packets came).
  [[nodiscard]] bool due(Clock::time_point now) const;

 private:
  uint32_t clockRate_;
  bool started_ = false;
  uint16_t maxSeq_ = 0;
  uint32_t cycles_ = 0;  // sequence number wraps, shifted left by 16
  uint32_t baseSeq_ = 0;
  uint64_t received_ = 0;
  uint64_t expectedPrior_ = 0, receivedPrior_ = 0;
  double jitter_ = 0;  // in timestamp units (A.8)
  std::optional<int64_t> lastTransit_;
  uint32_t lastSr_ = 0;  // middle 32 bits of the last SR's NTP timestamp
  std::optional<Clock::time_point> lastSrAt_;
  std::optional<Clock::time_point> lastReportAt_;
};

}  // namespace roomgate::media
