#pragma once
// AuditTrail: the server's AuditLog. Each record is stamped with the clock, appended to the `audit`
// table (store::AuditRepository: one cached INSERT, in the turn's transaction) and written as one JSON
// object on one line to the "audit" logger (stderr, no prefix): {"ts","event","identity","room",
// "client","known","outcome","detail"}. A failed write is logged and dropped: the request it describes
// is still answered. Thread: the I/O thread only.
#include <functional>
#include <memory>
#include <string>

#include "common/AuditLog.hpp"
#include "common/Clock.hpp"
#include "store/AuditRepository.hpp"

namespace spdlog {
class logger;
}

namespace roomgate::app {

// The JSON object of `r` on one line, as the log writes it and `roomgate audit --json` prints it.
[[nodiscard]] std::string auditJsonLine(const AuditRecord& r);
// `unixSeconds` as ISO 8601 UTC ("2026-12-03T12:56:37Z").
[[nodiscard]] std::string isoUtc(int64_t unixSeconds);

class AuditTrail final : public AuditLog {
 public:
  // `beforeWrite` runs before each row is written (the server joins the event-loop turn's transaction
  // there); may be empty. `repository` and `clock` are borrowed.
  AuditTrail(store::AuditRepository& repository, const Clock& clock, std::function<void()> beforeWrite = {});
  void record(AuditRecord r) override;

 private:
  store::AuditRepository& repository_;
  const Clock& clock_;
  std::function<void()> beforeWrite_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace roomgate::app
