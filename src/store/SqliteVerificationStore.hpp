#pragma once
// VerificationStore on SQLite (tables `verifications` and `sends`). Thread: that of its Database.
#include "store/Database.hpp"
#include "verify/VerificationStore.hpp"

namespace roomgate::store {

class SqliteVerificationStore final : public verify::VerificationStore {
 public:
  explicit SqliteVerificationStore(Database& db) : db_(db) {}

  void atomically(const std::function<void()>& fn) override;
  std::optional<verify::VerificationRecord> findPending(std::string_view destination) override;
  std::optional<verify::VerificationRecord> find(std::string_view sid) override;
  void insert(const verify::VerificationRecord& r) override;
  void update(std::string_view sid, verify::VerificationStatus status, int checks) override;
  std::vector<int64_t> sendTimes(std::string_view destination, int64_t since) override;
  void recordSend(std::string_view destination, int64_t at) override;
  void forgetSend(std::string_view destination, int64_t at) override;
  std::size_t prune(int64_t before) override;

  // The channel and destination of the newest approved verification among `destinations`, if any.
  [[nodiscard]] std::optional<std::pair<std::string, std::string>> lastApproved(
      const std::vector<std::string>& destinations);

 private:
  Database& db_;
};

}  // namespace roomgate::store
