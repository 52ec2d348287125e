#pragma once
// Retention: removes audit rows and outbox entries older than ROOMGATE_AUDIT_RETENTION_DAYS, in bounded
// batches so that one pass never holds the I/O thread (and the turn's transaction) for long. The server
// runs a pass every kRetentionInterval and, while a pass removed a whole batch, the next batch after
// kRetentionBatchPause. Thread: that of the repositories' Database (the I/O thread).
#include <chrono>
#include <cstddef>

#include "common/Clock.hpp"
#include "store/AuditRepository.hpp"
#include "store/OutboxRepository.hpp"

namespace roomgate::app {

// Hourly: a row lives at most an hour past its retention, and a quiet server does almost nothing.
inline constexpr std::chrono::milliseconds kRetentionInterval{3'600'000};
// Rows deleted per table per batch: a few milliseconds of deleting, short enough for a turn.
inline constexpr int kRetentionBatchRows = 500;
// Between two batches of one pass: requests waiting on the I/O thread go first.
inline constexpr std::chrono::milliseconds kRetentionBatchPause{100};

class Retention {
 public:
  // `db` and `clock` are borrowed; `days` is Config::auditRetentionDays (1..3650).
  Retention(store::Database& db, const Clock& clock, int days)
      : db_(db), audit_(db), outbox_(db), clock_(clock), days_(days) {}

  // The oldest unix time kept: rows at or after it stay.
  [[nodiscard]] int64_t cutoff() const;
  // Deletes at most kRetentionBatchRows audit rows and as many outbox entries older than cutoff(), in
  // one transaction; true if either table had a full batch (more may remain: run again soon).
  [[nodiscard]] bool pruneBatch();

 private:
  store::Database& db_;
  store::AuditRepository audit_;
  store::OutboxRepository outbox_;
  const Clock& clock_;
  int days_;
};

}  // namespace roomgate::app
