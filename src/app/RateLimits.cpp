#include "app/RateLimits.hpp"

#include <algorithm>
#include <cmath>

#include "common/Check.hpp"
#include "common/IpRange.hpp"

namespace roomgate::app {

TokenBuckets::TokenBuckets(BucketSpec spec, std::size_t maxKeys) : spec_(spec), maxKeys_(maxKeys) {
  CHECK(spec_.burst > 0 && spec_.refill > std::chrono::milliseconds::zero() && maxKeys_ > 0);
}

int TokenBuckets::take(const std::string& key, int64_t nowMs) {
  const double perMs = 1.0 / static_cast<double>(spec_.refill.count());
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= maxKeys_) evict(nowMs);
    it = buckets_.emplace(key, Bucket{static_cast<double>(spec_.burst), nowMs}).first;
  }
  Bucket& b = it->second;
  b.tokens = std::min<double>(spec_.burst,
                              b.tokens + static_cast<double>(std::max<int64_t>(0, nowMs - b.atMs)) * perMs);
  b.atMs = nowMs;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / perMs / 1000.0)));
}

void TokenBuckets::evict(int64_t nowMs) {
  const double refillMs = static_cast<double>(spec_.refill.count());
  std::erase_if(buckets_, [&](const auto& kv) {
    return kv.second.tokens + static_cast<double>(nowMs - kv.second.atMs) / refillMs >= spec_.burst;
  });
  if (buckets_.size() < maxKeys_) return;
  // Everyone is still limited: forget the bucket touched longest ago.
  auto oldest = std::min_element(buckets_.begin(), buckets_.end(),
                                 [](const auto& a, const auto& b) { return a.second.atMs < b.second.atMs; });
  buckets_.erase(oldest);
}

FailureBudget::FailureBudget(int maxFailures, Seconds window, std::size_t maxKeys)
    : maxFailures_(maxFailures), window_(window), maxKeys_(maxKeys) {
  CHECK(maxFailures_ > 0 && window_ > Seconds::zero() && maxKeys_ > 0);
}

void FailureBudget::expire(std::deque<int64_t>& times, int64_t nowSeconds) const {
  while (!times.empty() && times.front() <= nowSeconds - window_.count()) times.pop_front();
}

int FailureBudget::secondsUntilAllowed(const std::string& key, int64_t nowSeconds) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  expire(it->second, nowSeconds);
  if (static_cast<int>(it->second.size()) < maxFailures_) return 0;
  return static_cast<int>(std::max<int64_t>(1, it->second.front() + window_.count() - nowSeconds));
}

void FailureBudget::fail(const std::string& key, int64_t nowSeconds) {
  if (!failures_.contains(key) && failures_.size() >= maxKeys_) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      expire(it->second, nowSeconds);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= maxKeys_) {
      auto oldest = std::min_element(failures_.begin(), failures_.end(), [](const auto& a, const auto& b) {
        return a.second.back() < b.second.back();
      });
      failures_.erase(oldest);
    }
  }
  auto& times = failures_[key];
  expire(times, nowSeconds);
  times.push_back(nowSeconds);
}

std::string addressKey(std::string_view address) {
  auto parsed = parseIpAddress(address);
  if (!parsed || parsed->v4) return std::string(address);
  std::fill(parsed->bytes.begin() + 8, parsed->bytes.end(), uint8_t{0});
  return formatIpAddress(*parsed) + "/64";
}

}  // namespace roomgate::app
