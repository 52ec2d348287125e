#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace roomgate::delivery {

// The record of one delivery attempt: the audit trail of every send, and in --dev the development
// outbox (body and code included) served at GET /dev/outbox.
struct OutboxEntry {
  int64_t id = 0;
  std::string verificationSid;
  std::string to;
  std::string channel;
  std::optional<std::string> body;   // only with --dev
  std::optional<std::string> code;   // only with --dev
  std::string status;                // "sent", "failed", "abandoned"
  std::optional<std::string> error;  // why it failed
  int64_t queuedAt = 0;              // unix seconds
  std::optional<int64_t> sentAt;     // unix seconds, when status is "sent"
};

}  // namespace roomgate::delivery
