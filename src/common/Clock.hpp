#pragma once
// Clock: the one source of "now" for everything that expires (codes, tokens, cookies, rate windows).
// Injected so tests drive time with FakeClock (tests/support/FakeClock.hpp).
#include <chrono>
#include <cstdint>

namespace roomgate {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
};

// Wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Whole seconds since the Unix epoch, the unit of JWT claims and of the database columns.
[[nodiscard]] inline int64_t unixSeconds(TimePoint t) {
  return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}
[[nodiscard]] inline TimePoint fromUnixSeconds(int64_t s) {
  return TimePoint(Seconds(s));
}

}  // namespace roomgate
