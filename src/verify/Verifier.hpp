#pragma once
// Verifier: the built-in verification service, with Twilio Verify's semantics (see OtpPolicy.hpp).
// start() creates a verification for a destination or, inside its lifetime, re-issues the same code;
// check() compares a code in constant time against the stored keyed hash.
// Thread: one caller at a time (the server's I/O thread).
#include <string>
#include <string_view>

#include "common/Clock.hpp"
#include "common/Error.hpp"
#include "common/Random.hpp"
#include "verify/OtpPolicy.hpp"
#include "verify/VerificationStore.hpp"

namespace roomgate::verify {

struct Started {
  std::string sid;
  std::string code;  // to deliver; never stored, never logged outside --dev
  bool resent = false;
  int64_t expiresAt = 0;
  int64_t sentAt = 0;  // unix seconds of the send recorded for it (see sendFailed)
};

struct Checked {
  CheckOutcome outcome;
  int checksRemaining = 0;
};

class Verifier {
 public:
  // `secret` is the server's master secret; the code and hash keys are derived from it.
  Verifier(VerificationStore& store, const Clock& clock, Random& random, std::string_view secret,
           int codeLength = kDefaultCodeLength);

  // Starts (or resends) a verification. Errors: 429 "too_many_sends" with Retry-After.
  [[nodiscard]] Result<Started> start(std::string_view destination, std::string_view channel);
  // The send of `started` was refused by the provider: it no longer counts toward the send limit, so
  // the guest may ask again at once (a resend inside the lifetime then delivers the same code).
  void sendFailed(std::string_view destination, const Started& started);
  // Checks `code` (digits only; the caller validates the format) against verification `sid`.
  [[nodiscard]] Checked check(std::string_view sid, std::string_view code);
  // Seconds until a send to `destination` would not be rate limited; at least 1 (a Retry-After value).
  [[nodiscard]] int secondsUntilSendAllowed(std::string_view destination);
  // Removes state that can no longer matter; returns rows removed.
  std::size_t prune();

 private:
  [[nodiscard]] std::string codeFor(const VerificationRecord& r) const;
  [[nodiscard]] std::string hashOf(std::string_view sid, std::string_view code) const;

  VerificationStore& store_;
  const Clock& clock_;
  Random& random_;
  std::string codeKey_;
  std::string hashKey_;
  int codeLength_;
};

}  // namespace roomgate::verify
