#pragma once
// VerificationCounters: how the join flow's code sends and checks ended, for /metrics. Each outcome is
// counted once, where JoinFlow decides it (a provider's verdict included: that completion runs on the I/O
// thread too). Plain integers: JoinFlow and /metrics both run on the I/O thread only.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace roomgate::app {

// Channels in the order of kSendChannelNames.
inline constexpr std::array<std::string_view, 2> kSendChannelNames = {"sms", "email"};

// How a /login that reached the send ended (after the guest list lookup and the channel choice; requests
// refused for their shape are not sends).
enum class SendOutcome {
  kSent,         // queued to the console, or accepted by the provider
  kDecoy,        // a name not on the guest list: a decoy verification, nothing sent
  kRateLimited,  // the send limit per destination (roomgate's or the provider's 429)
  kRefused,      // the provider refused the destination or the message (a 4xx other than 429)
  kFailed,       // the provider failed or could not be reached (5xx, timeout), or the queue was full
  kUnavailable,  // no channel of that kind is configured: 503 before anything was spent
};
inline constexpr std::array<std::string_view, 6> kSendOutcomeNames = {"sent",    "decoy",  "rate_limited",
                                                                      "refused", "failed", "unavailable"};

// How a /verify whose code had the right shape ended.
enum class CheckResult {
  kApproved,       // the right code (whether or not a room then admitted the guest)
  kWrongCode,      // a wrong code (and every code for a decoy)
  kExpired,        // no live verification: expired, used, or never started
  kTooManyChecks,  // attempts exhausted
  kFailed,         // Twilio Verify failed or could not be reached
};
inline constexpr std::array<std::string_view, 5> kCheckResultNames = {"approved", "wrong_code", "expired",
                                                                      "too_many_checks", "failed"};

// Which limit of app/RateLimits.hpp refused a request.
enum class RateLimit {
  kLoginAddress,
  kLoginIdentity,
  kVerifyAddress,
  kVerifyIdentity,
  kFailureBudget,
  kSmsPerHour,
  kSmsPerCountry,
  kSmsCountryNotAllowed,
};
inline constexpr std::array<std::string_view, 8> kRateLimitNames = {
    "login_per_address", "login_per_identity", "verify_per_address", "verify_per_identity",
    "failure_budget",    "sms_per_hour",       "sms_per_country",    "sms_country_not_allowed"};

struct VerificationCounters {
  std::array<std::array<uint64_t, kSendOutcomeNames.size()>, kSendChannelNames.size()> sends{};
  std::array<uint64_t, kCheckResultNames.size()> checks{};
  std::array<uint64_t, kRateLimitNames.size()> rateLimited{};
  void countRateLimited(RateLimit limit) { ++rateLimited[static_cast<std::size_t>(limit)]; }
  [[nodiscard]] uint64_t limited(RateLimit limit) const {
    return rateLimited[static_cast<std::size_t>(limit)];
  }

  // `channel` is "sms" or "email" (anything else counts as "sms": JoinFlow validated it before).
  void countSend(std::string_view channel, SendOutcome outcome) {
    ++sends[channel == "email" ? 1 : 0][static_cast<std::size_t>(outcome)];
  }
  void countCheck(CheckResult result) { ++checks[static_cast<std::size_t>(result)]; }
  [[nodiscard]] uint64_t sent(std::string_view channel, SendOutcome outcome) const {
    return sends[channel == "email" ? 1 : 0][static_cast<std::size_t>(outcome)];
  }
  [[nodiscard]] uint64_t checked(CheckResult result) const {
    return checks[static_cast<std::size_t>(result)];
  }
};

}  // namespace roomgate::app
