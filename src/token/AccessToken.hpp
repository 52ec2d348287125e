#pragma once
// Twilio Video access tokens: the JWT a guest's browser hands to Twilio to join one room as one identity.
// TokenMinter writes them byte-for-byte as the npm `twilio` package (AccessToken + VideoGrant, HS256)
// does, which tests/integration/TokenCompatTest.cpp checks against the real package.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/Clock.hpp"
#include "common/Error.hpp"

namespace roomgate::token {

// The Twilio API key a token is signed with (Console > API keys) and the account it belongs to.
struct TokenCredentials {
  std::string accountSid;    // "AC...": the token's `sub`
  std::string apiKeySid;     // "SK...": the token's `iss` and the prefix of its `jti`
  std::string apiKeySecret;  // the HMAC-SHA256 key; never logged
};

// One hour, the npm package's default: long enough for a call, short enough that a leaked token dies soon.
inline constexpr Seconds kDefaultTokenTtl = std::chrono::hours(1);
// 24 hours, the longest lifetime Twilio accepts for an access token.
inline constexpr Seconds kMaxTokenTtl = std::chrono::hours(24);
// The private claim that says how a token was earned; Twilio ignores claims it does not know. A token
// from the passcode flow (JoinFlow) carries kPasscodeFlow, and a join then also checks that its identity
// is still invited to its room. Tokens minted by hand (`roomgate token`) carry none.
inline constexpr std::string_view kFlowClaim = "roomgate_flow";
inline constexpr std::string_view kPasscodeFlow = "passcode";
// Tokens longer than this are refused unread (a real one is well under 1 KiB), and never minted.
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;

// Mints access tokens. Immutable after construction, so one instance is safe to share between threads
// (as long as the Clock is).
class TokenMinter {
 public:
  // `clock` must outlive the minter.
  TokenMinter(TokenCredentials credentials, const Clock& clock);

  // A token for `identity` in `room`, issued now and valid for `ttl`; `flow`, if not empty, is written
  // as the kFlowClaim claim.
  [[nodiscard]] Result<std::string> mint(std::string_view identity, std::string_view room,
                                         Seconds ttl = kDefaultTokenTtl, std::string_view flow = {}) const;

  // The same, issued at `issuedAtUnixSeconds` (iat; exp = iat + ttl). Errors, all Error::badRequest:
  //   "invalid_identity"  identity empty or not valid UTF-8
  //   "invalid_room"      room empty or not valid UTF-8
  //   "invalid_ttl"       ttl <= 0 or > kMaxTokenTtl
  //   "invalid_time"      issuedAtUnixSeconds negative or past year 9999
  //   "token_too_large"   the token would exceed kMaxTokenBytes (TokenVerifier would refuse it)
  // and Error::internal if the credentials are empty or not valid UTF-8 (a configuration fault).
  [[nodiscard]] Result<std::string> mintAt(std::string_view identity, std::string_view room, Seconds ttl,
                                           int64_t issuedAtUnixSeconds, std::string_view flow = {}) const;

 private:
  TokenCredentials credentials_;
  const Clock& clock_;
};

}  // namespace roomgate::token
