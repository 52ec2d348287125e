#pragma once
// TokenGate: whether an access token still lets its holder in, checked wherever a token opens a door
// (the signaling join, the echo test's pass). In this order:
//   1. TokenVerifier: signature, algorithm, times, the longest lifetime, issuer, grants, room;
//   2. the revocation watermark: a token issued at or before it is refused ("token_revoked");
//   3. a token from the passcode flow (claim kFlowClaim = kPasscodeFlow) whose identity is no longer
//      invited to its room is refused ("not_invited"); hand-minted tokens skip this check.
// The guest list is behind lookups, so the token part knows no database.
// Thread: whatever thread its lookups may be called on (the server's I/O thread).
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "common/Error.hpp"
#include "token/TokenVerifier.hpp"

namespace roomgate::token {

struct GateLookups {
  // The newest revocation watermark for identity in room (every-room ones included); none if never.
  std::function<std::optional<int64_t>(std::string_view identity, std::string_view room)> revokedBefore;
  // True if identity is on the guest list and invited to room (names compared as the list does).
  std::function<bool(std::string_view identity, std::string_view room)> invited;
};

class TokenGate {
 public:
  // `verifier` is borrowed and must outlive the gate; both lookups must be set.
  TokenGate(const TokenVerifier& verifier, GateLookups lookups);

  // The token's claims, or the first refusal: TokenVerifier's errors (401), then Error::forbidden
  // "token_revoked" or "not_invited" (403), each with a sentence for the guest.
  [[nodiscard]] Result<AccessTokenClaims> admit(std::string_view token,
                                                std::optional<std::string_view> room = std::nullopt) const;

 private:
  const TokenVerifier& verifier_;
  GateLookups lookups_;
};

}  // namespace roomgate::token
