#include "token/AccessToken.hpp"

#include <utility>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "token/JsonString.hpp"

namespace roomgate::token {
namespace {

// What jsonwebtoken writes for AccessToken.toJwt(): its own {alg, typ, kid} merged with twilio's
// {cty, typ}; `kid` is undefined so JSON.stringify drops it, and `typ` keeps its first position.
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"})";
// 9999-12-31T23:59:59Z: keeps iat + ttl far from overflow and within a JavaScript Date.
constexpr int64_t kMaxUnixSeconds = 253'402'300'799;

}  // namespace

TokenMinter::TokenMinter(TokenCredentials credentials, const Clock& clock)
    : credentials_(std::move(credentials)), clock_(clock) {}

Result<std::string> TokenMinter::mint(std::string_view identity, std::string_view room, Seconds ttl,
                                      std::string_view flow) const {
  return mintAt(identity, room, ttl, unixSeconds(clock_.now()), flow);
}

Result<std::string> TokenMinter::mintAt(std::string_view identity, std::string_view room, Seconds ttl,
                                        int64_t issuedAtUnixSeconds, std::string_view flow) const {
  if (identity.empty()) return Error::badRequest("invalid_identity", "The identity must not be empty.");
  if (room.empty()) return Error::badRequest("invalid_room", "The room name must not be empty.");
  if (ttl <= Seconds::zero() || ttl > kMaxTokenTtl) {
    return Error::badRequest("invalid_ttl", "The token lifetime must be between 1 second and 24 hours.");
  }
  if (issuedAtUnixSeconds < 0 || issuedAtUnixSeconds > kMaxUnixSeconds) {
    return Error::badRequest("invalid_time", "The token's issue time is out of range.");
  }
  if (credentials_.accountSid.empty() || credentials_.apiKeySid.empty() ||
      credentials_.apiKeySecret.empty()) {
    return Error::internal("The Twilio account SID, API key SID and API key secret must all be configured.");
  }

  const std::string iat = std::to_string(issuedAtUnixSeconds);
  const std::string exp = std::to_string(issuedAtUnixSeconds + ttl.count());

  // Key order is the npm package's: jti and grants from AccessToken, then iat, exp, iss, sub added by
  // jsonwebtoken.sign. grants is {identity, video: {room}}: identity first, then each grant by key.
  std::string payload;
  payload.reserve(160 + 2 * credentials_.apiKeySid.size() + credentials_.accountSid.size() + identity.size() +
                  room.size());
  payload.append(R"({"jti":)");
  if (!appendJsonString(payload, credentials_.apiKeySid + "-" + iat)) {
    return Error::internal("The Twilio API key SID is not valid UTF-8.");
  }
  payload.append(R"(,"grants":{"identity":)");
  if (!appendJsonString(payload, identity)) {
    return Error::badRequest("invalid_identity", "The identity is not valid UTF-8 text.");
  }
  payload.append(R"(,"video":{"room":)");
  if (!appendJsonString(payload, room)) {
    return Error::badRequest("invalid_room", "The room name is not valid UTF-8 text.");
  }
  payload.append(R"(}},"iat":)").append(iat).append(R"(,"exp":)").append(exp).append(R"(,"iss":)");
  if (!appendJsonString(payload, credentials_.apiKeySid)) {
    return Error::internal("The Twilio API key SID is not valid UTF-8.");
  }
  payload.append(R"(,"sub":)");
  if (!appendJsonString(payload, credentials_.accountSid)) {
    return Error::internal("The Twilio account SID is not valid UTF-8.");
  }
  if (!flow.empty()) {
    payload.append(",\"").append(kFlowClaim).append("\":");
    if (!appendJsonString(payload, flow)) return Error::internal("The token's flow is not valid UTF-8.");
  }
  payload.push_back('}');

  std::string token = base64UrlEncode(kHeaderJson);
  token.push_back('.');
  token.append(base64UrlEncode(payload));
  const Digest signature = hmacSha256(credentials_.apiKeySecret, token);
  token.push_back('.');
  token.append(base64UrlEncode(signature));
  if (token.size() > kMaxTokenBytes) {
    return Error::badRequest("token_too_large",
                             "The identity and room name are too long for an access token.");
  }
  return token;
}

}  // namespace roomgate::token
