#pragma once
// VerificationStore: where verifications and the send log live. SqliteVerificationStore keeps them in the
// database (so a restart between /login and /verify loses nothing); tests use an in-memory fake.
// Thread: one caller at a time.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/OtpPolicy.hpp"

namespace roomgate::verify {

class VerificationStore {
 public:
  virtual ~VerificationStore() = default;
  // Runs `fn` atomically: all of its reads and writes, or none of its writes.
  virtual void atomically(const std::function<void()>& fn) = 0;
  // The newest pending verification for `destination`, whatever its age (the policy judges liveness).
  [[nodiscard]] virtual std::optional<VerificationRecord> findPending(std::string_view destination) = 0;
  [[nodiscard]] virtual std::optional<VerificationRecord> find(std::string_view sid) = 0;
  virtual void insert(const VerificationRecord& r) = 0;
  virtual void update(std::string_view sid, VerificationStatus status, int checks) = 0;
  // Unix-second times of the sends to `destination` after `since`.
  [[nodiscard]] virtual std::vector<int64_t> sendTimes(std::string_view destination, int64_t since) = 0;
  virtual void recordSend(std::string_view destination, int64_t at) = 0;
  // Removes one send to `destination` recorded at `at` (a send the provider refused: it must not count).
  virtual void forgetSend(std::string_view destination, int64_t at) = 0;
  // Deletes verifications expired before `before` and sends older than `before`; returns rows removed.
  virtual std::size_t prune(int64_t before) = 0;
};

}  // namespace roomgate::verify
