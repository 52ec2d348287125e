#include "token/TokenVerifier.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/Check.hpp"
#include "common/Crypto.hpp"
#include "common/Encoding.hpp"

namespace roomgate::token {
namespace {

using nlohmann::json;

Error malformed() {
  return Error::unauthorized("token_malformed", "The access token is not a well-formed token.");
}

// A JSON object from base64url text, or nullopt. Uses the non-throwing parse (invalid JSON, invalid UTF-8
// inside strings and trailing garbage all give a discarded value).
std::optional<json> decodeObject(std::string_view part) {
  const auto text = base64UrlDecode(part);
  if (!text) return std::nullopt;
  json value = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;
  return value;
}

// `object[key]` as a signed 64-bit integer, or nullopt if absent, not an integer or out of range.
std::optional<int64_t> integerField(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const auto v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

// `object[key]` as a non-empty string, or nullopt.
std::optional<std::string> stringField(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  auto s = it->get<std::string>();
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

TokenVerifier::TokenVerifier(TokenCredentials credentials, const Clock& clock, Seconds leeway,
                             Seconds maxLifetime)
    : credentials_(std::move(credentials)), clock_(clock), leeway_(leeway), maxLifetime_(maxLifetime) {
  CHECK(leeway_ >= Seconds::zero());
  CHECK(maxLifetime_ > Seconds::zero());
}

Result<AccessTokenClaims> TokenVerifier::verify(std::string_view token,
                                                std::optional<std::string_view> expectedRoom) const {
  // Every json access below is type-checked first; this guard only keeps a missed case from escaping.
  try {
    return verifyUnguarded(token, expectedRoom);
  } catch (const json::exception&) {
    return malformed();
  }
}

Result<AccessTokenClaims> TokenVerifier::verifyUnguarded(std::string_view token,
                                                         std::optional<std::string_view> expectedRoom) const {
  // 1. Shape: bounded size, exactly three base64url parts, header and payload JSON objects.
  if (token.size() > kMaxTokenBytes) return malformed();
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return malformed();
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return malformed();
  const std::string_view signingInput = token.substr(0, dot2);
  const auto header = decodeObject(token.substr(0, dot1));
  const auto payload = decodeObject(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64UrlDecode(token.substr(dot2 + 1));
  if (!header || !payload || !signature) return malformed();

  // 2. Algorithm: only the one we sign with, so a token cannot choose to be checked more weakly.
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get_ref<const std::string&>() != "HS256") {
    return Error::unauthorized("token_algorithm", "The access token is not signed with HS256.");
  }

  // 3. Signature.
  const Digest expected = hmacSha256(credentials_.apiKeySecret, signingInput);
  if (!constantTimeEqual(expected, asBytes(*signature))) {
    return Error::unauthorized("token_signature", "The access token's signature is not valid.");
  }

  // Time claims: signed by us, so a wrong type is a malformed token rather than an attack.
  AccessTokenClaims claims;
  const auto iat = integerField(*payload, "iat");
  const auto exp = integerField(*payload, "exp");
  if (!iat || !exp) return malformed();
  claims.issuedAt = *iat;
  claims.expiresAt = *exp;
  if (payload->contains("nbf")) {
    claims.notBefore = integerField(*payload, "nbf");
    if (!claims.notBefore) return malformed();
  }

  // 4. Time window.
  const int64_t now = unixSeconds(clock_.now());
  const int64_t leeway = leeway_.count();
  if (claims.expiresAt < now - leeway) {
    return Error::unauthorized("token_expired", "The access token has expired.");
  }
  if ((claims.notBefore && *claims.notBefore > now + leeway) || claims.issuedAt > now + leeway) {
    return Error::unauthorized("token_not_yet_valid", "The access token is not valid yet.");
  }
  // exp >= now - leeway here, so exp - maxLifetime cannot overflow.
  if (claims.expiresAt - maxLifetime_.count() > claims.issuedAt) {
    return Error::unauthorized("token_lifetime",
                               "The access token lives longer than this server allows; ask for a new one.");
  }

  // 5. Issuer.
  auto issuer = stringField(*payload, "iss");
  if (!issuer || *issuer != credentials_.apiKeySid) {
    return Error::unauthorized("token_issuer", "The access token was not issued with this server's API key.");
  }
  claims.issuer = std::move(*issuer);
  claims.subject = stringField(*payload, "sub").value_or("");
  claims.jti = stringField(*payload, "jti").value_or("");
  claims.flow = stringField(*payload, std::string(kFlowClaim).c_str()).value_or("");

  // 6. Grants.
  const auto grants = payload->find("grants");
  auto identity = grants == payload->end() ? std::nullopt : stringField(*grants, "identity");
  std::optional<std::string> room;
  if (grants != payload->end() && grants->is_object()) {
    const auto video = grants->find("video");
    if (video != grants->end()) room = stringField(*video, "room");
  }
  if (!identity || !room) {
    return Error::unauthorized("token_grant", "The access token does not grant an identity in a video room.");
  }
  claims.identity = std::move(*identity);
  claims.room = std::move(*room);

  // 7. Room.
  if (expectedRoom && *expectedRoom != claims.room) {
    return Error::unauthorized("token_room", "The access token is for a different room.");
  }
  return claims;
}

}  // namespace roomgate::token
