#include "app/Retention.hpp"

#include <spdlog/spdlog.h>

namespace roomgate::app {

int64_t Retention::cutoff() const {
  constexpr int64_t kSecondsPerDay = 86'400;
  return unixSeconds(clock_.now()) - int64_t{days_} * kSecondsPerDay;
}

bool Retention::pruneBatch() {
  const int64_t before = cutoff();
  store::Transaction tx(db_);
  const std::size_t audit = audit_.pruneBefore(before, kRetentionBatchRows);
  const std::size_t outbox = outbox_.pruneBefore(before, kRetentionBatchRows);
  tx.commit();
  if (audit + outbox > 0)
    spdlog::info("retention: removed {} audit row(s) and {} outbox entr{} older than {} day(s)", audit,
                 outbox, outbox == 1 ? "y" : "ies", days_);
  const auto full = static_cast<std::size_t>(kRetentionBatchRows);
  return audit == full || outbox == full;
}

}  // namespace roomgate::app
