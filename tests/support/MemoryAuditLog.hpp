#pragma once
// The in-memory AuditLog for unit tests: keeps every record in order. Thread-safe (the unit tests'
// delivery completions run on the worker).
#include <mutex>
#include <string_view>
#include <vector>

#include "common/AuditLog.hpp"

namespace roomgate::testing {

class MemoryAuditLog final : public AuditLog {
 public:
  void record(AuditRecord r) override {
    std::lock_guard lock(mu_);
    records_.push_back(std::move(r));
  }
  [[nodiscard]] std::vector<AuditRecord> all() const {
    std::lock_guard lock(mu_);
    return records_;
  }
  // The records of `event`, in order.
  [[nodiscard]] std::vector<AuditRecord> of(std::string_view event) const {
    std::lock_guard lock(mu_);
    std::vector<AuditRecord> out;
    for (const auto& r : records_)
      if (r.event == event) out.push_back(r);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<AuditRecord> records_;
};

}  // namespace roomgate::testing
