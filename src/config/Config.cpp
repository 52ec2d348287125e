#include "config/Config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <tuple>

#include <arpa/inet.h>

#include "common/Text.hpp"
#include "config/DotEnv.hpp"

extern char** environ;

namespace roomgate::config {
namespace {

Error invalid(const std::string& name, const std::string& what) {
  return Error::badRequest("invalid_config", name + " " + what);
}

std::optional<bool> parseBool(const std::string& v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> Sources::lookup(const std::string& name) const {
  for (const auto* m : {&flags, &env, &dotenv}) {
    auto it = m->find(name);
    if (it != m->end() && !it->second.empty()) return it->second;
  }
  return std::nullopt;
}

namespace {

// The SFU's UDP port and addresses.
Status loadMedia(const Sources& s, Config& c) {
  if (auto v = s.lookup("ROOMGATE_RTC_PORT")) {
    int n = -1;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < 0 || n > 65535)
      return invalid("ROOMGATE_RTC_PORT", "must be a UDP port from 0 to 65535 (got \"" + *v + "\")");
    c.rtcPort = n;
  }
  const auto isIp = [](std::string_view text) {
    in6_addr v6{};
    in_addr v4{};
    const std::string t(text);
    return inet_pton(AF_INET, t.c_str(), &v4) == 1 || inet_pton(AF_INET6, t.c_str(), &v6) == 1;
  };
  std::string host = c.listen.substr(0, c.listen.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  c.rtcListenIp = isIp(host) ? host : "127.0.0.1";
  if (auto v = s.lookup("ROOMGATE_RTC_ANNOUNCE_IP")) {
    if (!isIp(*v))
      return invalid(
          "ROOMGATE_RTC_ANNOUNCE_IP",
          "must be the IP address browsers reach the server at, e.g. 203.0.113.7 (got \"" + *v + "\")");
    c.rtcAnnounceIp = *v;
  } else if (c.rtcListenIp == "0.0.0.0" || c.rtcListenIp == "::") {
    return invalid(
        "ROOMGATE_RTC_ANNOUNCE_IP",
        "must be set when listening on all interfaces: browsers need the one address to send media to");
  } else {
    c.rtcAnnounceIp = c.rtcListenIp;
  }
  return Ok{};
}

}  // namespace

Result<Config> load(const Sources& s) {
  Config c;
  if (auto v = s.lookup("ROOMGATE_LISTEN")) {
    const auto colon = v->rfind(':');
    int port = -1;
    if (colon != std::string::npos) std::from_chars(v->data() + colon + 1, v->data() + v->size(), port);
    if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535)
      return invalid("ROOMGATE_LISTEN", "must be host:port, e.g. 127.0.0.1:8080 (got \"" + *v + "\")");
    c.listen = *v;
  }
  if (auto v = s.lookup("ROOMGATE_DB")) c.db = *v;
  for (auto [name, field] :
       {std::pair{"ROOMGATE_DEV", &c.dev}, std::pair{"ROOMGATE_REVEAL_UNKNOWN", &c.revealUnknown},
        std::pair{"ROOMGATE_COOKIE_SECURE", &c.cookieSecure}}) {
    if (auto v = s.lookup(name)) {
      auto b = parseBool(*v);
      if (!b) return invalid(name, "must be 1 or 0 (got \"" + *v + "\")");
      *field = *b;
    }
  }
  c.secretKey = s.lookup("SECRET_KEY");
  c.twilioAccountSid = s.lookup("TWILIO_ACCOUNT_SID");
  c.twilioAuthToken = s.lookup("TWILIO_AUTH_TOKEN");
  c.twilioApiKeySid = s.lookup("TWILIO_API_KEY_SID");
  c.twilioApiKeySecret = s.lookup("TWILIO_API_KEY_SECRET");
  c.verifyServiceSid = s.lookup("VERIFY_SERVICE_SID");
  for (auto [name, field, lo, hi] : {std::tuple{"ROOMGATE_CODE_LENGTH", &c.codeLength, 4, 10},
                                     std::tuple{"ROOMGATE_TOKEN_TTL", &c.tokenTtlSeconds, 1, 86400}}) {
    if (auto v = s.lookup(name)) {
      int n = 0;
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      if (ec != std::errc() || p != v->data() + v->size() || n < lo || n > hi)
        return invalid(name, "must be a whole number from " + std::to_string(lo) + " to " +
                                 std::to_string(hi) + " (got \"" + *v + "\")");
      *field = n;
    }
  }
  if (auto v = s.lookup("ROOMGATE_DEFAULT_REGION")) {
    if (v->size() != 2)
      return invalid("ROOMGATE_DEFAULT_REGION", "must be a two-letter region code such as US or GB");
    c.defaultRegion = *v;
  }
  if (auto v = s.lookup("ROOMGATE_LOG_LEVEL")) {
    static const std::string kLevels[] = {"trace", "debug", "info", "warn", "error"};
    if (std::find(std::begin(kLevels), std::end(kLevels), *v) == std::end(kLevels))
      return invalid("ROOMGATE_LOG_LEVEL", "must be one of trace, debug, info, warn, error");
    c.logLevel = *v;
  }
  const auto urls = [&](const char* name, std::string_view scheme) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    auto v = s.lookup(name);
    if (!v) return out;
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view url = trimAscii(rest.substr(0, comma));
      if (!url.empty()) {
        if (!url.starts_with(scheme) && !(scheme == "turn:" && url.starts_with("turns:")))
          return invalid(name, "must list " + std::string(scheme) + " URLs separated by commas (got \"" +
                                   std::string(url) + "\")");
        out.emplace_back(url);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return out;
  };
  auto stun = urls("ROOMGATE_STUN_URLS", "stun:");
  if (!stun) return stun.error();
  c.stunUrls = std::move(stun.value());
  auto turn = urls("ROOMGATE_TURN_URLS", "turn:");
  if (!turn) return turn.error();
  c.turnUrls = std::move(turn.value());
  c.turnSecret = s.lookup("ROOMGATE_TURN_SECRET");
  if (!c.turnUrls.empty() && !c.turnSecret)
    return invalid("ROOMGATE_TURN_SECRET",
                   "must be set with ROOMGATE_TURN_URLS: it is coturn's static-auth-secret");
  if (auto v = s.lookup("ROOMGATE_ICE_POLICY")) {
    if (*v != "all" && *v != "relay") return invalid("ROOMGATE_ICE_POLICY", "must be \"all\" or \"relay\"");
    c.relayOnly = *v == "relay";
    if (c.relayOnly && c.turnUrls.empty())
      return invalid("ROOMGATE_ICE_POLICY",
                     "relay needs a TURN server: set ROOMGATE_TURN_URLS and ROOMGATE_TURN_SECRET");
  }
  if (auto e = loadMedia(s, c); !e) return e.error();
  return c;
}

Result<Sources> processSources(std::map<std::string, std::string> flags, const std::string& dotenvPath) {
  Sources s;
  s.flags = std::move(flags);
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos) s.env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  std::ifstream in(dotenvPath, std::ios::binary);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = parseDotEnv(ss.str());
    if (!parsed) return parsed.error();
    s.dotenv = std::move(parsed.value());
  }
  return s;
}

Status checkSecretKey(const std::optional<std::string>& key) {
  constexpr std::string_view kHowTo =
      "Make one with `openssl rand -hex 32` and put SECRET_KEY=<that> in .env or the environment.";
  if (!key) return invalid("SECRET_KEY", "is not set; it signs the session cookies. " + std::string(kHowTo));
  if (*key == kPlaceholderSecret)
    return invalid("SECRET_KEY",
                   "is still the tutorial's placeholder \"super-secret\". " + std::string(kHowTo));
  if (key->size() < kMinSecretKeyBytes)
    return invalid("SECRET_KEY", "is " + std::to_string(key->size()) + " bytes; at least " +
                                     std::to_string(kMinSecretKeyBytes) + " are needed. " +
                                     std::string(kHowTo));
  return Ok{};
}

}  // namespace roomgate::config
