#include "http/SessionCookie.hpp"

#include <nlohmann/json.hpp>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"

namespace roomgate::http {

std::string SessionCookie::seal(const LoginSession& s) const {
  nlohmann::json j = {{"i", s.identity}, {"v", s.verificationSid}, {"c", s.channel}, {"e", s.expiresAt}};
  if (s.room) j["r"] = *s.room;
  const std::string payload = base64UrlEncode(j.dump());
  return payload + "." + base64UrlEncode(hmacSha256(key_, payload));
}

std::optional<LoginSession> SessionCookie::open(std::string_view value, int64_t now) const {
  if (value.size() > kMaxSessionCookieBytes) return std::nullopt;
  const auto dot = value.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view payload = value.substr(0, dot);
  const auto sig = base64UrlDecode(value.substr(dot + 1));
  if (!sig) return std::nullopt;
  const Digest expected = hmacSha256(key_, payload);
  if (!constantTimeEqual(asBytes(*sig), expected)) return std::nullopt;
  const auto json = base64UrlDecode(payload);
  if (!json) return std::nullopt;
  const auto j = nlohmann::json::parse(*json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  LoginSession s;
  try {
    s.identity = j.at("i").get<std::string>();
    s.verificationSid = j.at("v").get<std::string>();
    s.channel = j.at("c").get<std::string>();
    s.expiresAt = j.at("e").get<int64_t>();
    if (j.contains("r")) s.room = j.at("r").get<std::string>();
  } catch (const nlohmann::json::exception&) {  // signed by us, so only a key reuse could get here
    return std::nullopt;
  }
  if (now >= s.expiresAt) return std::nullopt;
  return s;
}

std::string SessionCookie::setHeader(std::string_view value, int64_t maxAgeSeconds, bool secure,
                                     std::string_view name) {
  return std::string(name) + "=" + std::string(value) + "; Path=/; Max-Age=" + std::to_string(maxAgeSeconds) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string SessionCookie::clearHeader(bool secure, std::string_view name) {
  return setHeader("", 0, secure, name);
}

std::optional<std::string_view> SessionCookie::fromCookieHeader(std::string_view header,
                                                                std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

}  // namespace roomgate::http
