#pragma once
// Arithmetic on RTP's wrapping 16-bit sequence numbers and 32-bit timestamps (RFC 3550 A.1), and the
// conversion of wall time to RTP clock ticks, shared by the forwarding and feedback classes. Pure; any
// thread.
#include <chrono>
#include <cstdint>
#include <limits>

namespace roomgate::media {

// How far `a` is ahead of `b`, in (-32768, 32767]: positive if `a` is newer, across the wrap.
[[nodiscard]] constexpr int32_t seqDelta(uint16_t a, uint16_t b) {
  return static_cast<int16_t>(static_cast<uint16_t>(a - b));
}

// The same for 32-bit RTP timestamps.
[[nodiscard]] constexpr int64_t timestampDelta(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a - b));
}

// `elapsed` in ticks of a `clockRate` Hz clock, rounded down; negative durations give 0 and the
// result is capped at 2^31 - 1 so that it stays "ahead" in timestampDelta.
[[nodiscard]] constexpr uint32_t elapsedTicks(std::chrono::steady_clock::duration elapsed,
                                              uint32_t clockRate) {
  constexpr int64_t kMaxTicks = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMaxMicros = int64_t{1} << 40;  // ~12.7 days: keeps the products below in int64
  constexpr int64_t kMicrosPerSecond = 1'000'000;
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  if (us <= 0) return 0;
  if (us > kMaxMicros) us = kMaxMicros;
  const int64_t ticks = (us / kMicrosPerSecond) * int64_t{clockRate} +
                        (us % kMicrosPerSecond) * int64_t{clockRate} / kMicrosPerSecond;
  return static_cast<uint32_t>(ticks < kMaxTicks ? ticks : kMaxTicks);
}

}  // namespace roomgate::media
