#pragma once
// Token bucket: `rate` tokens per second, at most `burst` saved. Pure: the caller passes the time.
#include <chrono>

namespace roomgate::rtc {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double ratePerSecond, double burst) : rate_(ratePerSecond), burst_(burst), tokens_(burst) {}

  // True if one more event at `now` is within the limit (and counts it).
  [[nodiscard]] bool allow(Clock::time_point now) {
    if (started_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    }
    started_ = true;
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_, burst_, tokens_;
  bool started_ = false;
  Clock::time_point last_{};
};

}  // namespace roomgate::rtc
