// token::TokenVerifier, and TokenMinter as the source of valid tokens.
//
// Encoding: byte 0 bit 0 chooses the mode; the clock is at kNow plus a signed offset (i32).
//   0 (arbitrary): the offset, then the rest of the input is a token, verified with and (byte 0 bit 1)
//     without an expected room.
//   1 (minted): identity and room (raw bytes, any UTF-8 or not), ttl (u32 % (kMaxTokenTtl + 2) s), issue
//     time (kNow plus a signed i32), the offset; the minted token is verified, then mutated once (byte:
//     kind % 5 flip / delete / insert / truncate / swap; u16 position; u8 value) and verified again.
//
// Invariants:
//   - verify() never throws and answers only the documented codes, each with status 401;
//   - it accepts only tokens whose third part is exactly base64url(HMAC-SHA256(our secret, the first two
//     parts)), issued by our key SID, granting a non-empty identity and room, inside the time window
//     (exp >= now - leeway, iat and nbf <= now + leeway), and for the expected room if one is given;
//   - a token the minter makes verifies exactly when the window holds, gives back the identity, room,
//     iat and exp it was minted with, and is refused with token_signature by a verifier with another key;
//     minting fails only with the documented codes;
//   - a mutation of a valid token that changes it is never accepted.
#include <array>
#include <set>
#include <string>
#include <string_view>

#include "../tests/support/Fakes.hpp"
#include "FuzzCheck.hpp"
#include "FuzzInput.hpp"
#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "token/AccessToken.hpp"
#include "token/TokenVerifier.hpp"

namespace {

using namespace roomgate;
using namespace roomgate::token;

constexpr int64_t kNow = 1'700'000'000;
const TokenCredentials kKey{"AC00000000000000000000000000000000", "SK00000000000000000000000000000000",
                            "fuzz-api-key-secret-0123456789abcdef"};
const TokenCredentials kOtherKey{kKey.accountSid, kKey.apiKeySid, "another-api-key-secret-0123456789"};
const std::set<std::string> kVerifyCodes{"token_malformed", "token_algorithm",     "token_signature",
                                         "token_expired",   "token_not_yet_valid", "token_issuer",
                                         "token_grant",     "token_room"};
const std::set<std::string> kMintCodes{"invalid_identity", "invalid_room", "invalid_ttl", "invalid_time",
                                       "token_too_large"};

// verify(), checked against the invariants above whatever the token.
Result<AccessTokenClaims> verified(const TokenVerifier& v, const Clock& clock, std::string_view token,
                                   std::optional<std::string_view> room = std::nullopt) {
  auto claims = v.verify(token, room);
  if (!claims) {
    FUZZ_CHECK(claims.error().status == 401 && kVerifyCodes.contains(claims.error().code));
    return claims;
  }
  const auto dot = token.rfind('.');
  FUZZ_CHECK(dot != std::string_view::npos &&
             token.substr(dot + 1) == base64UrlEncode(hmacSha256(kKey.apiKeySecret, token.substr(0, dot))));
  const int64_t now = unixSeconds(clock.now()), leeway = kTokenLeeway.count();
  FUZZ_CHECK(claims->issuer == kKey.apiKeySid && !claims->identity.empty() && !claims->room.empty());
  FUZZ_CHECK(claims->expiresAt >= now - leeway && claims->issuedAt <= now + leeway);
  FUZZ_CHECK(!claims->notBefore || *claims->notBefore <= now + leeway);
  FUZZ_CHECK(!room || claims->room == *room);
  return claims;
}

std::string mutated(std::string t, fuzz::Input& in) {
  const uint8_t kind = in.u8() % 5;
  const std::size_t at = t.empty() ? 0 : in.u16() % t.size();
  const char value = static_cast<char>(in.u8());
  switch (kind) {
    case 0:
      return fuzz::flipped(t, at, static_cast<uint8_t>(value));
    case 1:
      return t.erase(at, 1);
    case 2:
      return t.insert(at, 1, value);
    case 3:
      return t.substr(0, at);
    default:
      std::swap(t[at], t[static_cast<uint8_t>(value) % t.size()]);
      return t;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in({data, size});
  const uint8_t mode = in.u8();
  testing::FakeClock clock(kNow);
  const TokenVerifier verifier(kKey, clock), other(kOtherKey, clock);
  const auto at = [&](uint32_t offset) { clock.set(kNow + static_cast<int32_t>(offset)); };

  if (!(mode & 1)) {
    at(in.u32());
    const std::string token = in.rest();
    (void)verified(verifier, clock, token,
                   (mode & 2) ? std::optional<std::string_view>("My Room") : std::nullopt);
    (void)verified(verifier, clock, token);
    return 0;
  }

  const std::string identity = in.bytes(160), room = in.bytes(160);
  const Seconds ttl(in.u32() % (kMaxTokenTtl.count() + 2));
  const int64_t issuedAt = kNow + static_cast<int32_t>(in.u32());
  at(in.u32());
  const TokenMinter minter(kKey, clock);
  const auto token = minter.mintAt(identity, room, ttl, issuedAt);
  if (!token) {
    FUZZ_CHECK(token.error().status == 400 && kMintCodes.contains(token.error().code));
    return 0;
  }
  const int64_t now = unixSeconds(clock.now()), leeway = kTokenLeeway.count();
  const bool inWindow = issuedAt + ttl.count() >= now - leeway && issuedAt <= now + leeway;
  const auto claims = verified(verifier, clock, *token, room);
  FUZZ_CHECK(claims.ok() == inWindow);
  if (claims) {
    FUZZ_CHECK(claims->identity == identity && claims->room == room);
    FUZZ_CHECK(claims->issuedAt == issuedAt && claims->expiresAt == issuedAt + ttl.count());
    FUZZ_CHECK(!verified(verifier, clock, *token, room + "x"));
  }
  const auto forged = other.verify(*token);
  FUZZ_CHECK(!forged && forged.error().code == "token_signature");

  const std::string changed = mutated(*token, in);
  FUZZ_CHECK(changed == *token || !verified(verifier, clock, changed));
  return 0;
}
