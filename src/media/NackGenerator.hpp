#pragma once
// NackGenerator: the server's NACKs (RFC 4585 6.2.1) to one publisher's incoming stream. Fed the seq of
// every packet received (an RTX packet's OSN, after unwrapping), it lists the seqs missing behind the
// newest; tick() says which to NACK now, batched:
//  - a missing seq is NACKed at the first tick after its gap was seen, then again every
//    max(RTT, kMinNackInterval), kMaxNackRetries times in all;
//  - it is given up (lost for good) after kMaxNackRetries NACKs, when older than kMaxNackAge, or when
//    more than kMaxMissing seqs are missing (the oldest go first);
//  - a jump of more than kMaxMissing either way resets the list and NACKs nothing (a new source run, or
//    a loss too large to repair: the owner asks for a key frame instead);
//  - a missing seq that arrives (late, retransmitted or RTX) leaves the list.
// Pure: no I/O, time passed in; the list is preallocated. Thread: the media thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace roomgate::media {

class NackGenerator {
 public:
  using Clock = std::chrono::steady_clock;
  // Retries per seq (libwebrtc's receiver uses 10): past that the publisher has dropped it from history.
  static constexpr int kMaxNackRetries = 10;
  // Re-NACK spacing floor: below a LAN RTT a second NACK only duplicates the first.
  static constexpr std::chrono::milliseconds kMinNackInterval{20};
  // Until setRtt(): libwebrtc's default RTT before a measurement.
  static constexpr std::chrono::milliseconds kDefaultRtt{100};
  // A packet recovered later than this is useless to subscribers' jitter buffers (and to ours).
  static constexpr std::chrono::milliseconds kMaxNackAge{1000};
  // ~4 s of 1.5 Mbit/s video: a larger loss is repaired by a key frame, not by NACKs.
  static constexpr size_t kMaxMissing = 500;

  NackGenerator();

  // A packet with `seq` arrived at `now`. True if it reset the list (a jump over kMaxMissing).
  bool onPacket(uint16_t seq, Clock::time_point now);
  // The seqs to NACK now, oldest first (buildNack's order); drops those given up.
  [[nodiscard]] std::vector<uint16_t> tick(Clock::time_point now);
  void setRtt(std::chrono::milliseconds rtt) { rtt_ = rtt; }

  [[nodiscard]] size_t missingCount() const { return missing_.size(); }
  [[nodiscard]] uint64_t nacksSent() const { return nacksSent_; }      // seqs NACKed, each time counted
  [[nodiscard]] uint64_t recovered() const { return recovered_; }      // NACKed, then arrived
  [[nodiscard]] uint64_t lostForGood() const { return lostForGood_; }  // given up
  [[nodiscard]] uint64_t resets() const { return resets_; }

 private:
  struct Missing {
    int64_t ext = 0;  // extended seq
    Clock::time_point detectedAt{};
    std::optional<Clock::time_point> lastNackAt;
    int retries = 0;
  };

  void reset(uint16_t seq);
  void giveUp(size_t count);

  bool started_ = false;
  int64_t highestExt_ = 0;
  std::chrono::milliseconds rtt_ = kDefaultRtt;
  std::vector<Missing> missing_;  // ascending ext, at most kMaxMissing
  uint64_t nacksSent_ = 0;
  uint64_t recovered_ = 0;
  uint64_t lostForGood_ = 0;
  uint64_t resets_ = 0;
};

}  // namespace roomgate::media
