#include "verify/OtpPolicy.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "common/Check.hpp"
#include "common/Crypto.hpp"

namespace roomgate::verify {

std::string_view toString(VerificationStatus s) {
  switch (s) {
    case VerificationStatus::kPending:
      return "pending";
    case VerificationStatus::kApproved:
      return "approved";
    case VerificationStatus::kMaxAttempts:
      return "max_attempts_reached";
    case VerificationStatus::kCanceled:
      return "canceled";
  }
  return "pending";
}

std::optional<VerificationStatus> parseVerificationStatus(std::string_view s) {
  for (auto v : {VerificationStatus::kPending, VerificationStatus::kApproved,
                 VerificationStatus::kMaxAttempts, VerificationStatus::kCanceled})
    if (toString(v) == s) return v;
  return std::nullopt;
}

bool isLive(const VerificationRecord& r, int64_t now) {
  return r.status == VerificationStatus::kPending && now < r.expiresAt && r.checks < kMaxChecks;
}

StartDecision decideStart(const VerificationRecord* live, std::span<const int64_t> sendTimes, int64_t now) {
  const int64_t windowStart = now - kSendWindow.count();
  int inWindow = 0;
  int64_t oldest = now;
  for (int64_t t : sendTimes) {
    if (t > windowStart) {
      ++inWindow;
      oldest = std::min(oldest, t);
    }
  }
  if (inWindow >= kMaxSendsPerWindow) {
    const int64_t wait = oldest + kSendWindow.count() - now;
    return {StartDecision::Kind::kRateLimited, static_cast<int>(std::max<int64_t>(1, wait))};
  }
  if (live && isLive(*live, now)) return {StartDecision::Kind::kResend, 0};
  return {StartDecision::Kind::kCreate, 0};
}

CheckDecision decideCheck(const VerificationRecord* r, bool codeMatches, int64_t now) {
  if (!r || r->status == VerificationStatus::kApproved || r->status == VerificationStatus::kCanceled ||
      now >= r->expiresAt)
    return {CheckOutcome::kNotFound, 0};
  if (r->status == VerificationStatus::kMaxAttempts || r->checks >= kMaxChecks)
    return {CheckOutcome::kTooManyChecks, 0};
  const int used = r->checks + 1;
  if (codeMatches) return {CheckOutcome::kApproved, kMaxChecks - used};
  if (used >= kMaxChecks) return {CheckOutcome::kTooManyChecks, 0};
  return {CheckOutcome::kWrongCode, kMaxChecks - used};
}

std::string drawCode(Random& source, int digits) {
  CHECK(digits >= kMinCodeLength && digits <= kMaxCodeLength);
  uint64_t bound = 1;
  for (int i = 0; i < digits; ++i) bound *= 10;
  // Reject draws at or above the largest multiple of `bound` below 2^64: every code equally likely.
  // 2^64 mod bound; values above UINT64_MAX - excess form the incomplete last block.
  const uint64_t excess = (UINT64_MAX % bound + 1) % bound;
  const uint64_t lastAccepted = UINT64_MAX - excess;
  uint64_t v;
  for (;;) {
    std::array<std::byte, 8> b;
    source.fill(b);
    std::memcpy(&v, b.data(), sizeof v);
    if (v <= lastAccepted) break;
  }
  v %= bound;
  std::string code(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v /= 10)
    code[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
  return code;
}

void HmacStream::fill(std::span<std::byte> out) {
  for (auto& b : out) {
    if (used_ == block_.size()) {
      const char ctr[4] = {static_cast<char>(counter_ >> 24), static_cast<char>(counter_ >> 16),
                           static_cast<char>(counter_ >> 8), static_cast<char>(counter_)};
      ++counter_;
      block_ = std::string(asString(hmacSha256(key_, seed_ + std::string(ctr, 4))));
      used_ = 0;
    }
    b = static_cast<std::byte>(block_[used_++]);
  }
}

}  // namespace roomgate::verify
