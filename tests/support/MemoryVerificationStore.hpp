#pragma once
// In-memory VerificationStore for unit tests of the verification service.
#include <algorithm>
#include <iterator>
#include <map>
#include <vector>

#include "verify/VerificationStore.hpp"

namespace roomgate::testing {

class MemoryVerificationStore final : public verify::VerificationStore {
 public:
  void atomically(const std::function<void()>& fn) override {
    auto saved = std::make_pair(records_, sends_);
    try {
      fn();
    } catch (...) {
      std::tie(records_, sends_) = saved;
      throw;
    }
  }
  std::optional<verify::VerificationRecord> findPending(std::string_view destination) override {
    const verify::VerificationRecord* best = nullptr;
    for (const auto& [sid, r] : records_)
      if (r.destination == destination && r.status == verify::VerificationStatus::kPending &&
          (!best || r.createdAt >= best->createdAt))
        best = &r;
    if (!best) return std::nullopt;
    return *best;
  }
  std::optional<verify::VerificationRecord> find(std::string_view sid) override {
    auto it = records_.find(std::string(sid));
    if (it == records_.end()) return std::nullopt;
    return it->second;
  }
  void insert(const verify::VerificationRecord& r) override { records_[r.sid] = r; }
  void update(std::string_view sid, verify::VerificationStatus status, int checks) override {
    auto& r = records_.at(std::string(sid));
    r.status = status;
    r.checks = checks;
  }
  std::vector<int64_t> sendTimes(std::string_view destination, int64_t since) override {
    std::vector<int64_t> out;
    for (const auto& [d, t] : sends_)
      if (d == destination && t > since) out.push_back(t);
    return out;
  }
  void recordSend(std::string_view destination, int64_t at) override { sends_.emplace_back(destination, at); }
  void forgetSend(std::string_view destination, int64_t at) override {
    auto it = std::find(sends_.rbegin(), sends_.rend(), std::pair<std::string, int64_t>(destination, at));
    if (it != sends_.rend()) sends_.erase(std::next(it).base());
  }
  std::size_t prune(int64_t before) override {
    std::size_t n = std::erase_if(records_, [&](const auto& kv) { return kv.second.expiresAt < before; });
    n += std::erase_if(sends_, [&](const auto& s) { return s.second < before; });
    return n;
  }

  [[nodiscard]] const std::map<std::string, verify::VerificationRecord>& records() const { return records_; }

 private:
  std::map<std::string, verify::VerificationRecord> records_;
  std::vector<std::pair<std::string, int64_t>> sends_;
};

}  // namespace roomgate::testing
