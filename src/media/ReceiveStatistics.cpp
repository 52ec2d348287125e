#include "media/ReceiveStatistics.hpp"

#include <algorithm>
#include <cmath>

namespace roomgate::media {
namespace {

// RFC 3550 A.1: a jump this large is a restart or a misordering, not loss.
constexpr uint16_t kMaxDropout = 3000;
constexpr uint16_t kMaxMisorder = 100;
// The 24-bit signed cumulative-lost field (RFC 3550 6.4.1).
constexpr int64_t kMaxCumulativeLost = 0x7FFFFF;
constexpr int64_t kMinCumulativeLost = -0x800000;

}  // namespace

void ReceiveStatistics::onPacket(uint16_t seq, uint32_t rtpTimestamp, Clock::time_point now) {
  if (!started_) {
    started_ = true;
    maxSeq_ = seq;
    baseSeq_ = seq;
  } else {
    const uint16_t delta = static_cast<uint16_t>(seq - maxSeq_);
    if (delta < kMaxDropout) {
      if (seq < maxSeq_) cycles_ += 1u << 16;  // wrapped
      maxSeq_ = seq;
    } else if (delta <= 0xFFFF - kMaxMisorder) {
      // A large jump (the publisher restarted its numbering): start counting afresh from here.
      maxSeq_ = seq;
      baseSeq_ = seq;
      cycles_ = 0;
      received_ = 0;
      expectedPrior_ = receivedPrior_ = 0;
    }
    // else: a late or duplicate packet; counted as received below.
  }
  ++received_;

  // Interarrival jitter (A.8): transit times in timestamp units.
  const auto arrival = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const int64_t arrivalUnits = arrival * static_cast<int64_t>(clockRate_) / 1'000'000;
  const int64_t transit = arrivalUnits - static_cast<int64_t>(rtpTimestamp);
  if (lastTransit_) {
    const double d = std::abs(static_cast<double>(static_cast<int32_t>(transit - *lastTransit_)));
    jitter_ += (d - jitter_) / 16.0;
  }
  lastTransit_ = transit;
}

void ReceiveStatistics::onSenderReport(uint64_t ntpTimestamp, Clock::time_point now) {
  lastSr_ = static_cast<uint32_t>(ntpTimestamp >> 16);
  lastSrAt_ = now;
}

bool ReceiveStatistics::due(Clock::time_point now) const {
  return started_ && (!lastReportAt_ || now - *lastReportAt_ >= kReceiverReportInterval);
}

std::optional<RtcpReportBlock> ReceiveStatistics::report(uint32_t ssrc, Clock::time_point now) {
  if (!started_) return std::nullopt;
  lastReportAt_ = now;
  const uint32_t extendedMax = cycles_ + maxSeq_;
  const uint64_t expected = uint64_t{extendedMax} - baseSeq_ + 1;
  const int64_t lost = static_cast<int64_t>(expected) - static_cast<int64_t>(received_);
  const uint64_t expectedInterval = expected - expectedPrior_;
  const uint64_t receivedInterval = received_ - receivedPrior_;
  expectedPrior_ = expected;
  receivedPrior_ = received_;
  const int64_t lostInterval =
      static_cast<int64_t>(expectedInterval) - static_cast<int64_t>(receivedInterval);

  RtcpReportBlock block;
  block.ssrc = ssrc;
  block.fractionLost =
      expectedInterval == 0 || lostInterval <= 0
          ? 0
          : static_cast<uint8_t>(std::min<int64_t>(255, (lostInterval << 8) / expectedInterval));
  block.cumulativeLost = static_cast<int32_t>(std::clamp(lost, kMinCumulativeLost, kMaxCumulativeLost));
  block.highestSequence = extendedMax;
  block.jitter = static_cast<uint32_t>(jitter_);
  if (lastSrAt_) {
    block.lastSr = lastSr_;
    const auto since = std::chrono::duration_cast<std::chrono::microseconds>(now - *lastSrAt_).count();
    block.delaySinceLastSr = static_cast<uint32_t>(std::max<int64_t>(0, since) * 65536 / 1'000'000);
  }
  return block;
}

}  // namespace roomgate::media
