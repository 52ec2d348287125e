#pragma once
// The rules of the built-in verification service, as Twilio Verify states them, in pure functions:
// they take the stored state and the time and return a decision; Verifier does the I/O.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/Clock.hpp"
#include "common/Random.hpp"

namespace roomgate::verify {

// Twilio Verify: a code is valid for 10 minutes.
inline constexpr Seconds kCodeLifetime{600};
// Twilio Verify: 5 check attempts per verification; the 6th is refused and the verification is dead.
inline constexpr int kMaxChecks = 5;
// Twilio Verify: at most 5 sends (first send or resend) per destination per 10 minutes.
inline constexpr int kMaxSendsPerWindow = 5;
inline constexpr Seconds kSendWindow{600};
// Code length: 6 digits by default; Twilio Verify allows 4 to 10.
inline constexpr int kDefaultCodeLength = 6;
inline constexpr int kMinCodeLength = 4;
inline constexpr int kMaxCodeLength = 10;

// Twilio Verify's names; kCanceled marks one superseded by a new verification to the same destination.
enum class VerificationStatus { kPending, kApproved, kMaxAttempts, kCanceled };

[[nodiscard]] std::string_view toString(VerificationStatus s);
[[nodiscard]] std::optional<VerificationStatus> parseVerificationStatus(std::string_view s);

// One verification as stored. The code itself is never stored: `nonce` seeds its derivation (so a resend
// can deliver the same code) under a key only the server holds, and `codeHash` is a keyed hash of it.
struct VerificationRecord {
  std::string sid;          // "VE" + 32 hex, as Twilio's
  std::string destination;  // E.164 phone, e-mail address, or a decoy for names not on the list
  std::string channel;      // "sms", "email"
  std::string nonce;        // 16 random bytes
  std::string codeHash;     // HMAC-SHA256 bytes
  int digits = kDefaultCodeLength;
  VerificationStatus status = VerificationStatus::kPending;
  int checks = 0;
  int64_t createdAt = 0;  // unix seconds
  int64_t expiresAt = 0;  // unix seconds
};

// What start() must do, given the newest live verification for the destination and the times of the
// sends to it within the window.
struct StartDecision {
  enum class Kind { kCreate, kResend, kRateLimited } kind;
  int retryAfterSeconds = 0;  // with kRateLimited: when the oldest send leaves the window
};
[[nodiscard]] StartDecision decideStart(const VerificationRecord* live, std::span<const int64_t> sendTimes,
                                        int64_t now);

// True if `r` can still be checked at `now`.
[[nodiscard]] bool isLive(const VerificationRecord& r, int64_t now);

enum class CheckOutcome {
  kApproved,       // right code; the verification is used up
  kWrongCode,      // wrong code; attempts remain
  kTooManyChecks,  // attempts exhausted (this one included); the verification is dead
  kNotFound,       // no such verification, expired, or already used
};
struct CheckDecision {
  CheckOutcome outcome;
  int checksRemaining = 0;
};
// Decides a check of a code whose match against the stored hash is `codeMatches`. `r` is null when no
// verification exists. Attempts are counted before the comparison, so the 6th try fails even if right.
[[nodiscard]] CheckDecision decideCheck(const VerificationRecord* r, bool codeMatches, int64_t now);

// A code of `digits` decimal digits, each draw uniform over [0, 10^digits) by rejection sampling.
[[nodiscard]] std::string drawCode(Random& source, int digits);

// A deterministic byte stream HMAC-SHA256(key, seed || counter): the code's source, seeded per
// verification by a nonce from the CSPRNG, so the same code can be derived again for a resend.
class HmacStream final : public Random {
 public:
  HmacStream(std::string key, std::string seed) : key_(std::move(key)), seed_(std::move(seed)) {}
  void fill(std::span<std::byte> out) override;

 private:
  std::string key_, seed_;
  uint32_t counter_ = 0;
  std::string block_;
  std::size_t used_ = 0;
};

}  // namespace roomgate::verify
