#pragma once
// TokenVerifier: checks an access token minted with our own Twilio API key (TokenMinter, or the npm
// package with the same key) and returns what it grants. Used where roomgate itself must trust a token.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/Clock.hpp"
#include "common/Error.hpp"
#include "token/AccessToken.hpp"

namespace roomgate::token {

// Clock skew tolerated on exp, nbf and iat: enough for machines kept roughly in sync by NTP.
inline constexpr Seconds kTokenLeeway = std::chrono::seconds(30);

// The claims of a verified token.
struct AccessTokenClaims {
  std::string identity;              // grants.identity
  std::string room;                  // grants.video.room
  std::string issuer;                // iss: the API key SID
  std::string subject;               // sub: the account SID ("" if absent)
  std::string jti;                   // jti ("" if absent)
  int64_t issuedAt = 0;              // iat, Unix seconds
  int64_t expiresAt = 0;             // exp, Unix seconds
  std::optional<int64_t> notBefore;  // nbf, Unix seconds, if present
  std::string flow;                  // the kFlowClaim claim ("" if absent or not a string)
};

// Immutable after construction; safe to share between threads (as long as the Clock is).
class TokenVerifier {
 public:
  // `clock` must outlive the verifier. `leeway` must not be negative. `maxLifetime`: the longest exp - iat
  // accepted (a longer-lived token is refused even while it is valid).
  TokenVerifier(TokenCredentials credentials, const Clock& clock, Seconds leeway = kTokenLeeway,
                Seconds maxLifetime = kMaxTokenTtl);

  // The claims of `token`, or Error::unauthorized with the first failing check, in this order:
  //   "token_malformed"      longer than kMaxTokenBytes, not three base64url parts, header or payload not a
  //                          JSON object; or (after the signature) iat/exp/nbf not integers
  //   "token_algorithm"      header alg is not exactly "HS256" (so "none", HS512, RS256, missing: refused)
  //   "token_signature"      the HMAC-SHA256 with our API key secret does not match (constant-time compare)
  //   "token_expired"        exp < now - leeway
  //   "token_not_yet_valid"  nbf (if present) > now + leeway, or iat > now + leeway
  //   "token_lifetime"       exp - iat > maxLifetime
  //   "token_issuer"         iss is not our API key SID
  //   "token_grant"          grants.identity or grants.video.room missing, empty or not a string
  //   "token_room"           expectedRoom is given and differs from grants.video.room
  // Never throws on any input.
  [[nodiscard]] Result<AccessTokenClaims> verify(
      std::string_view token, std::optional<std::string_view> expectedRoom = std::nullopt) const;

 private:
  [[nodiscard]] Result<AccessTokenClaims> verifyUnguarded(std::string_view token,
                                                          std::optional<std::string_view> expectedRoom) const;

  TokenCredentials credentials_;
  const Clock& clock_;
  Seconds leeway_;
  Seconds maxLifetime_;
};

}  // namespace roomgate::token
