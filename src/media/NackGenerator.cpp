#include "media/NackGenerator.hpp"

#include <algorithm>

#include "media/SeqNum.hpp"

namespace roomgate::media {

NackGenerator::NackGenerator() {
  missing_.reserve(kMaxMissing + 1);
}

bool NackGenerator::onPacket(uint16_t seq, Clock::time_point now) {
  if (!started_) {
    started_ = true;
    highestExt_ = seq;
    return false;
  }
  const int32_t delta = seqDelta(seq, static_cast<uint16_t>(highestExt_));
  if (delta > static_cast<int32_t>(kMaxMissing) + 1 || -delta > static_cast<int32_t>(kMaxMissing)) {
    reset(seq);
    return true;
  }
  if (delta > 0) {
    for (int64_t ext = highestExt_ + 1; ext < highestExt_ + delta; ++ext) {
      missing_.push_back({ext, now, std::nullopt, 0});
      if (missing_.size() > kMaxMissing) giveUp(1);
    }
    highestExt_ += delta;
    return false;
  }
  const int64_t ext = highestExt_ + delta;
  const auto it = std::lower_bound(missing_.begin(), missing_.end(), ext,
                                   [](const Missing& m, int64_t e) { return m.ext < e; });
  if (it != missing_.end() && it->ext == ext) {
    if (it->retries > 0) ++recovered_;
    missing_.erase(it);
  }
  return false;
}

std::vector<uint16_t> NackGenerator::tick(Clock::time_point now) {
  const auto interval = std::max(rtt_, kMinNackInterval);
  std::vector<uint16_t> out;
  size_t kept = 0;
  for (Missing& m : missing_) {
    const bool due = !m.lastNackAt || now - *m.lastNackAt >= interval;
    if (now - m.detectedAt > kMaxNackAge || (due && m.retries >= kMaxNackRetries)) {
      ++lostForGood_;
      continue;
    }
    if (due) {
      out.push_back(static_cast<uint16_t>(m.ext));
      m.lastNackAt = now;
      ++m.retries;
    }
    missing_[kept++] = m;
  }
  missing_.resize(kept);
  nacksSent_ += out.size();
  return out;
}

void NackGenerator::reset(uint16_t seq) {
  ++resets_;
  lostForGood_ += missing_.size();
  missing_.clear();
  highestExt_ = seq;
}

void NackGenerator::giveUp(size_t count) {
  lostForGood_ += count;
  missing_.erase(missing_.begin(), missing_.begin() + static_cast<std::ptrdiff_t>(count));
}

}  // namespace roomgate::media
