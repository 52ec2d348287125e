#pragma once
// RembPolicy: the bitrate the server announces to one publisher's video stream in REMB
// (draft-alvestrand-rmcat-remb), from what its subscribers report:
//  - each subscriber has a loss-based estimate, starting at kInitialVideoBitrateBps and moved by its
//    receiver reports' fraction lost: above kHighLoss it drops to estimate * (1 - 0.5 * loss), below
//    kLowLoss it grows by kIncreasePerSecond per second since its previous report (at most one second's
//    worth per report), in between it holds (RFC 8698-like, as in GCC's loss-based controller);
//  - a subscriber's own REMB, when it sends one, caps its estimate;
//  - the target is the minimum over subscribers, clamped to [kMinVideoBitrateBps, kMaxVideoBitrateBps];
//  - tick() says to send it at most every kRembInterval, or at once when the target falls by more than
//    kRembImmediateDrop below the last value sent. With no subscribers nothing is sent.
// Pure arithmetic, time passed in. Thread: the media thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace roomgate::media {

// A floor at which a 360p picture still moves; below it a subscriber is better off without video.
inline constexpr uint64_t kMinVideoBitrateBps = 100'000;
// 720p30 at good quality; more only costs every other subscriber's downlink.
inline constexpr uint64_t kMaxVideoBitrateBps = 2'500'000;
// Where a subscriber's estimate starts: a 540p picture; clean reports take it to kMax in ~12 s.
inline constexpr uint64_t kInitialVideoBitrateBps = 1'000'000;
inline constexpr double kHighLoss = 0.10;           // above: the path is congested, back off
inline constexpr double kLowLoss = 0.02;            // below: the path has room, grow
inline constexpr double kIncreasePerSecond = 0.08;  // growth while loss stays low
// Chromium sends REMB about once a second; more often only adds RTCP.
inline constexpr std::chrono::milliseconds kRembInterval{1000};
// A fall larger than this is sent at once: the publisher must back off before queues grow.
inline constexpr double kRembImmediateDrop = 0.03;

class RembPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  // `subscriber` is any id unique among this stream's subscribers (its SSRC toward the server).
  void onRemb(uint32_t subscriber, uint64_t bitrateBps);
  // A receiver report block about this stream; `fractionLost` is RFC 3550's /256 fixed point.
  void onReceiverReport(uint32_t subscriber, uint8_t fractionLost, Clock::time_point now);
  void removeSubscriber(uint32_t subscriber);

  // The bitrate to put in a REMB now, or nullopt.
  [[nodiscard]] std::optional<uint64_t> tick(Clock::time_point now);
  // The current target (kMaxVideoBitrateBps with no subscribers).
  [[nodiscard]] uint64_t target() const;

 private:
  struct Subscriber {
    uint32_t id = 0;
    double lossBasedBps = kInitialVideoBitrateBps;
    std::optional<uint64_t> rembBps;
    std::optional<Clock::time_point> lastReportAt;
  };
  Subscriber& subscriber(uint32_t id);

  std::vector<Subscriber> subscribers_;  // a room's few dozen: a linear search is the fastest
  std::optional<uint64_t> lastSentBps_;
  std::optional<Clock::time_point> lastSentAt_;
};

}  // namespace roomgate::media
