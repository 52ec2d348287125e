#pragma once
// The limits that slow a guesser or a flood down without locking guests out (docs/SECURITY.md,
// "Guessing" and "Floods"): token buckets per client address and per identity on /login and /verify,
// and a failure budget per identity. Pure: the time is given; no I/O. Used by app::JoinFlow.
// Thread: one thread (the server's I/O thread).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/Clock.hpp"

namespace roomgate::app {

// A bucket holds at most `burst` tokens and gains one every `refill`; a request takes one.
struct BucketSpec {
  int burst;
  std::chrono::milliseconds refill;
};

// /login from one client address: a household or office behind one NAT logs in a few people at once,
// a script does hundreds a second.
inline constexpr BucketSpec kLoginsPerAddress{20, Seconds(3)};
// /verify from one client address: a little more than logins (a mistyped code is checked again).
inline constexpr BucketSpec kChecksPerAddress{30, Seconds(2)};
// /login for one name (on the list or not): a guest asks again a few times; more is someone else (the
// sends themselves are limited per destination too: verify::kMaxSendsPerWindow).
inline constexpr BucketSpec kLoginsPerIdentity{12, Seconds(30)};
// /verify for one name, across all its verifications and channels.
inline constexpr BucketSpec kChecksPerIdentity{10, Seconds(30)};
// Failed checks one name may have in kFailureWindow, across channels and verifications: far under
// NIST SP 800-63B's 100, and enough for a guest who mistypes.
inline constexpr int kMaxFailedChecksPerDay = 20;
inline constexpr Seconds kFailureWindow = std::chrono::hours(24);
// Text messages per hour, all destinations together: SMS cost a customer money, and nothing a guest does
// needs more (ROOMGATE_SMS_PER_HOUR changes it). Strangers' decoys count as sends.
inline constexpr int kDefaultSmsPerHour = 1000;
// Text messages per hour to one country calling code (ROOMGATE_SMS_PER_COUNTRY_PER_HOUR): pumping goes
// for expensive destinations.
inline constexpr int kDefaultSmsPerCountryPerHour = 300;
// A bucket that allows `perHour` a hour, all of them at once at most.
// `perHour` must be positive; up to 3,600,000 (a token every millisecond).
[[nodiscard]] constexpr BucketSpec hourly(int perHour) {
  return {perHour, std::chrono::milliseconds(std::max<int64_t>(1, 3'600'000 / perHour))};
}

// Keys (addresses, names) each limiter remembers at most; beyond it, the ones whose state has run out
// (a full bucket, no failure in the window) are forgotten first, then the oldest.
inline constexpr std::size_t kMaxRateLimitKeys = 65536;

// Keyed token buckets.
class TokenBuckets {
 public:
  explicit TokenBuckets(BucketSpec spec, std::size_t maxKeys = kMaxRateLimitKeys);

  // 0 if `key` had a token (now taken); otherwise the whole seconds until it will have one (nothing
  // taken). `nowMs`: milliseconds on any clock that never goes back.
  [[nodiscard]] int take(const std::string& key, int64_t nowMs);
  [[nodiscard]] std::size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    int64_t atMs;
  };
  void evict(int64_t nowMs);

  BucketSpec spec_;
  std::size_t maxKeys_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Failures per key in a sliding window.
class FailureBudget {
 public:
  FailureBudget(int maxFailures, Seconds window, std::size_t maxKeys = kMaxRateLimitKeys);

  // 0 if `key` may fail again; otherwise the seconds until its oldest failure leaves the window.
  [[nodiscard]] int secondsUntilAllowed(const std::string& key, int64_t nowSeconds);
  void fail(const std::string& key, int64_t nowSeconds);

 private:
  void expire(std::deque<int64_t>& times, int64_t nowSeconds) const;

  int maxFailures_;
  Seconds window_;
  std::size_t maxKeys_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

// The key a client address is limited by: an IPv6 address by its /64 (one subscriber's network: a host
// there can pick any of 2^64 addresses), anything else as it is.
[[nodiscard]] std::string addressKey(std::string_view address);

}  // namespace roomgate::app
