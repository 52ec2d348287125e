#pragma once
// The `audit` table (schema migration 5): append-only rows of common/AuditLog.hpp's records.
// Thread: that of its Database (the server's I/O thread; the CLI reads with its own connection).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/AuditLog.hpp"
#include "store/Database.hpp"

namespace roomgate::store {

// Which rows list() returns.
struct AuditQuery {
  std::optional<std::string> identity{};  // ignoring ASCII case
  std::optional<std::string> room{};      // ignoring ASCII case
  std::optional<int64_t> since{};         // unix seconds, inclusive
  int limit = 100;                        // the newest this many that match
};

class AuditRepository {
 public:
  explicit AuditRepository(Database& db) : db_(db) {}
  // One cached INSERT; inside the caller's (or the turn's) transaction when one is open.
  void append(const AuditRecord& r);
  // The newest `query.limit` matching rows, oldest first (newest last).
  [[nodiscard]] std::vector<AuditRecord> list(const AuditQuery& query);
  // Deletes at most `limit` rows older than `before` (unix seconds), oldest first; returns how many.
  std::size_t pruneBefore(int64_t before, int limit);

 private:
  Database& db_;
};

}  // namespace roomgate::store
