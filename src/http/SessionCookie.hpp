#pragma once
// The login session between POST /login and POST /verify, carried by the browser in a cookie:
// base64url(JSON) "." base64url(HMAC-SHA256(key, that)). Signed, not encrypted: it holds nothing the guest
// may not see (the name as typed, the room asked for, the verification SID, the channel, the expiry),
// and the same fields whether or not the name is on the guest list.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/LoginSession.hpp"

namespace roomgate::http {

using app::LoginSession;

inline constexpr std::string_view kSessionCookieName = "roomgate_session";
// After /verify: the guest's access token, so pages other than the call (the echo test) know a verified
// guest. HttpOnly like the session; it expires with the token.
inline constexpr std::string_view kPassCookieName = "roomgate_pass";
// A cookie value longer than this is not ours; refused before any parsing.
inline constexpr std::size_t kMaxSessionCookieBytes = 2048;

class SessionCookie {
 public:
  // `key` signs the cookies (a sub-key of SECRET_KEY).
  explicit SessionCookie(std::string key) : key_(std::move(key)) {}

  [[nodiscard]] std::string seal(const LoginSession& s) const;
  // nullopt if the value is malformed, forged, or expired at `now`.
  [[nodiscard]] std::optional<LoginSession> open(std::string_view value, int64_t now) const;

  // Set-Cookie header values (HttpOnly, SameSite=Strict, Path=/) for the cookie `name`.
  [[nodiscard]] static std::string setHeader(std::string_view value, int64_t maxAgeSeconds, bool secure,
                                             std::string_view name = kSessionCookieName);
  [[nodiscard]] static std::string clearHeader(bool secure, std::string_view name = kSessionCookieName);
  // The value of cookie `name` from a Cookie request header, if present.
  [[nodiscard]] static std::optional<std::string_view> fromCookieHeader(
      std::string_view header, std::string_view name = kSessionCookieName);

 private:
  std::string key_;
};

}  // namespace roomgate::http
