#pragma once
// The `outbox` table. Thread: that of its Database.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "delivery/OutboxEntry.hpp"
#include "store/Database.hpp"

namespace roomgate::store {

class OutboxRepository {
 public:
  explicit OutboxRepository(Database& db) : db_(db) {}
  // Appends all entries in one transaction.
  void append(std::span<const delivery::OutboxEntry> entries);
  // Newest first; only those to `to` when given.
  [[nodiscard]] std::vector<delivery::OutboxEntry> list(const std::optional<std::string>& to, int limit);
  // Deletes at most `limit` entries queued before `before` (unix seconds), oldest first; returns how many.
  std::size_t pruneBefore(int64_t before, int limit);

 private:
  Database& db_;
};

}  // namespace roomgate::store
