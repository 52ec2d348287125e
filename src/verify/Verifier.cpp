#include "verify/Verifier.hpp"

#include <vector>

#include "common/Check.hpp"
#include "common/Crypto.hpp"
#include "common/Encoding.hpp"

namespace roomgate::verify {
namespace {
constexpr std::size_t kNonceBytes = 16;
}

Verifier::Verifier(VerificationStore& store, const Clock& clock, Random& random, std::string_view secret,
                   int codeLength)
    : store_(store),
      clock_(clock),
      random_(random),
      codeKey_(deriveKey(secret, "otp-code")),
      hashKey_(deriveKey(secret, "otp-hash")),
      codeLength_(codeLength) {
  CHECK(codeLength >= kMinCodeLength && codeLength <= kMaxCodeLength);
}

std::string Verifier::codeFor(const VerificationRecord& r) const {
  HmacStream stream(codeKey_, r.nonce);
  return drawCode(stream, r.digits);
}

std::string Verifier::hashOf(std::string_view sid, std::string_view code) const {
  return std::string(asString(hmacSha256(hashKey_, std::string(sid) + ":" + std::string(code))));
}

Result<Started> Verifier::start(std::string_view destination, std::string_view channel) {
  const int64_t now = unixSeconds(clock_.now());
  std::optional<Result<Started>> result;
  store_.atomically([&] {
    const auto live = store_.findPending(destination);
    const auto sends = store_.sendTimes(destination, now - kSendWindow.count());
    const auto decision = decideStart(live ? &*live : nullptr, sends, now);
    switch (decision.kind) {
      case StartDecision::Kind::kRateLimited:
        result = Error::tooMany("too_many_sends",
                                "Too many codes were sent to you in the last 10 minutes. Wait a few minutes, "
                                "then ask for a new one.",
                                decision.retryAfterSeconds);
        return;
      case StartDecision::Kind::kResend:
        store_.recordSend(destination, now);
        result = Started{live->sid, codeFor(*live), true, live->expiresAt, now};
        return;
      case StartDecision::Kind::kCreate: {
        if (live) store_.update(live->sid, VerificationStatus::kCanceled, live->checks);  // superseded
        VerificationRecord r;
        r.sid = "VE" + randomHex(random_, 16);
        r.destination = std::string(destination);
        r.channel = std::string(channel);
        std::vector<std::byte> nonce(kNonceBytes);
        random_.fill(nonce);
        r.nonce.assign(reinterpret_cast<const char*>(nonce.data()), nonce.size());
        r.digits = codeLength_;
        r.createdAt = now;
        r.expiresAt = now + kCodeLifetime.count();
        std::string code = codeFor(r);
        r.codeHash = hashOf(r.sid, code);
        store_.insert(r);
        store_.recordSend(destination, now);
        result = Started{r.sid, std::move(code), false, r.expiresAt, now};
        return;
      }
    }
  });
  CHECK(result.has_value());
  return std::move(*result);
}

void Verifier::sendFailed(std::string_view destination, const Started& started) {
  store_.atomically([&] { store_.forgetSend(destination, started.sentAt); });
}

Checked Verifier::check(std::string_view sid, std::string_view code) {
  const int64_t now = unixSeconds(clock_.now());
  Checked out{CheckOutcome::kNotFound, 0};
  store_.atomically([&] {
    const auto r = store_.find(sid);
    // Hash whatever was given, even with no record: the work done does not depend on what exists.
    const std::string given = hashOf(sid, code);
    const bool matches = r && constantTimeEqual(asBytes(given), asBytes(r->codeHash));
    const auto d = decideCheck(r ? &*r : nullptr, matches, now);
    out = {d.outcome, d.checksRemaining};
    if (!r || d.outcome == CheckOutcome::kNotFound) return;
    const int checks = r->checks + (r->checks < kMaxChecks ? 1 : 0);
    switch (d.outcome) {
      case CheckOutcome::kApproved:
        store_.update(sid, VerificationStatus::kApproved, checks);
        break;
      case CheckOutcome::kWrongCode:
        store_.update(sid, VerificationStatus::kPending, checks);
        break;
      case CheckOutcome::kTooManyChecks:
        store_.update(sid, VerificationStatus::kMaxAttempts, checks);
        break;
      case CheckOutcome::kNotFound:
        break;
    }
  });
  return out;
}

int Verifier::secondsUntilSendAllowed(std::string_view destination) {
  const int64_t now = unixSeconds(clock_.now());
  const auto sends = store_.sendTimes(destination, now - kSendWindow.count());
  const auto d = decideStart(nullptr, sends, now);
  return d.kind == StartDecision::Kind::kRateLimited ? d.retryAfterSeconds : 1;
}

std::size_t Verifier::prune() {
  // Keep everything that can still expire, be checked or count toward a send window.
  const int64_t before = unixSeconds(clock_.now()) - std::max(kCodeLifetime, kSendWindow).count();
  return store_.prune(before);
}

}  // namespace roomgate::verify
