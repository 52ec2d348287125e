#include "token/TokenGate.hpp"

#include "common/Check.hpp"

namespace roomgate::token {

TokenGate::TokenGate(const TokenVerifier& verifier, GateLookups lookups)
    : verifier_(verifier), lookups_(std::move(lookups)) {
  CHECK(lookups_.revokedBefore && lookups_.invited);
}

Result<AccessTokenClaims> TokenGate::admit(std::string_view token,
                                           std::optional<std::string_view> room) const {
  auto claims = verifier_.verify(token, room);
  if (!claims) return claims;
  if (auto wm = lookups_.revokedBefore(claims->identity, claims->room); wm && claims->issuedAt <= *wm)
    return Error::forbidden(
        "token_revoked",
        "This access token was revoked: you were removed from the guest list for this room.");
  if (claims->flow == kPasscodeFlow && !lookups_.invited(claims->identity, claims->room))
    return Error::forbidden("not_invited", "You are no longer invited to " + claims->room +
                                               ". Ask the host to invite you again.");
  return claims;
}

}  // namespace roomgate::token
