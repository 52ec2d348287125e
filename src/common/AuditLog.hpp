#pragma once
// AuditLog: the append-only trail of who tried to get in and what happened (docs/ARCHITECTURE.md,
// "Audit log"). The join flow and the signaling service record events through this interface; the
// server's implementation (app::AuditTrail) writes a row of the `audit` table and a JSON log line, the
// tests' (tests/support/MemoryAuditLog.hpp) keeps them in memory.
// A record never holds a code, a token or a secret; destinations are masked.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomgate {

// Event names: the `event` column.
namespace audit {
inline constexpr std::string_view kLogin = "login";            // POST /login; `known`: on the guest list
inline constexpr std::string_view kSend = "send";              // a code's delivery and how it ended
inline constexpr std::string_view kCheck = "check";            // POST /verify with a code of the right shape
inline constexpr std::string_view kToken = "token";            // an access token minted (or refused at admit)
inline constexpr std::string_view kJoin = "join";              // a signaling join, admitted or refused
inline constexpr std::string_view kLeave = "leave";            // a participant left ("left", "closed", ...)
inline constexpr std::string_view kKick = "kick";              // removed by the server: "replaced", "revoked"
inline constexpr std::string_view kRevocation = "revocation";  // a revocation watermark took effect
// The most characters of a name or room as a client gave it that a record keeps (valid ones are shorter).
inline constexpr std::size_t kMaxNameChars = 128;
// The outcome of whatever succeeded without a more telling word.
inline constexpr std::string_view kOk = "ok";
}  // namespace audit

struct AuditRecord {
  int64_t id = 0;  // the row's id once stored; 0 before
  int64_t at = 0;  // unix seconds; 0 = stamped by the log when recorded
  std::string event{};
  std::string identity{};  // as given (a stranger's name too); "" if none is known yet
  std::string room{};      // "" if none
  std::string client{};    // the client's address; "" if unknown
  std::string outcome{};   // "ok", an error code, or an outcome name of app/VerificationCounters.hpp
  std::string detail{};    // e.g. "sms ********21"; never a code, token or secret
  std::optional<bool> known = std::nullopt;  // logins only: was the name on the guest list
};

// Thread: the server's I/O thread (the implementation writes with its database connection).
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(AuditRecord r) = 0;
};

}  // namespace roomgate
