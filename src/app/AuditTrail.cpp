#include "app/AuditTrail.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace roomgate::app {
namespace {
// The logger's name; a second AuditTrail in the process (tests) shares it.
constexpr const char* kLoggerName = "audit";

std::shared_ptr<spdlog::logger> auditLogger() {
  if (auto existing = spdlog::get(kLoggerName)) return existing;
  auto logger = spdlog::stderr_logger_mt(kLoggerName);
  logger->set_pattern("%v");  // the line is the JSON object, nothing before it
  logger->set_level(spdlog::level::info);
  return logger;
}
}  // namespace

std::string isoUtc(int64_t unixSeconds) {
  const std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string auditJsonLine(const AuditRecord& r) {
  nlohmann::json j = {{"ts", isoUtc(r.at)},     {"at", r.at},        {"event", r.event},
                      {"identity", r.identity}, {"room", r.room},    {"client", r.client},
                      {"outcome", r.outcome},   {"detail", r.detail}};
  if (r.known) j["known"] = *r.known;
  // Invalid UTF-8 in a name is replaced rather than thrown on: a log line must never fail a request.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

AuditTrail::AuditTrail(store::AuditRepository& repository, const Clock& clock,
                       std::function<void()> beforeWrite)
    : repository_(repository), clock_(clock), beforeWrite_(std::move(beforeWrite)), log_(auditLogger()) {}

void AuditTrail::record(AuditRecord r) {
  if (r.at == 0) r.at = unixSeconds(clock_.now());
  try {
    if (beforeWrite_) beforeWrite_();
    repository_.append(r);
  } catch (const std::exception& e) {
    spdlog::error("could not write an audit row ({} {}): {}", r.event, r.outcome, e.what());
  }
  log_->info("{}", auditJsonLine(r));
}

}  // namespace roomgate::app
