#include "config/Config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <tuple>

#include <arpa/inet.h>

#include "common/Text.hpp"
#include "config/DotEnv.hpp"
#include "directory/PhoneNumber.hpp"

extern char** environ;

namespace roomgate::config {
namespace {

Error invalid(const std::string& name, const std::string& what) {
  return Error::badRequest("invalid_config", name + " " + what);
}

// Twilio's SID shapes, from its OpenAPI specs: two letters and 32 hex digits.
constexpr std::size_t kSidLength = 2 + 32;

bool isSid(std::string_view v, std::string_view prefix) {
  if (v.size() != kSidLength || !v.starts_with(prefix)) return false;
  return std::all_of(v.begin() + 2, v.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// Checks a Twilio setting that a chosen provider needs; says so when it is the tutorial's placeholder.
Status needSid(const std::optional<std::string>& v, const std::string& name, std::string_view prefix,
               const std::string& forWhat) {
  if (!v) return invalid(name, "must be set for " + forWhat);
  if (v->find("xxxxxxxx") != std::string::npos)
    return invalid(
        name, "is still the tutorial's placeholder; put your own from the Twilio console (" + forWhat + ")");
  if (!isSid(*v, prefix))
    return invalid(
        name, "must be " + std::string(prefix) + " followed by 32 hexadecimal digits (got \"" + *v + "\")");
  return Ok{};
}

Status needSecret(const std::optional<std::string>& v, const std::string& name, const std::string& forWhat) {
  if (!v) return invalid(name, "must be set for " + forWhat);
  if (v->find("xxxxxxxx") != std::string::npos)
    return invalid(
        name, "is still the tutorial's placeholder; put your own from the Twilio console (" + forWhat + ")");
  return Ok{};
}

// The credentials Twilio's REST APIs accept: account SID with auth token, or an API key.
Status needTwilioAuth(const Config& c, const std::string& forWhat) {
  if (auto s = needSid(c.twilioAccountSid, "TWILIO_ACCOUNT_SID", "AC", forWhat); !s) return s;
  if (c.twilioAuthToken) return needSecret(c.twilioAuthToken, "TWILIO_AUTH_TOKEN", forWhat);
  if (!c.twilioApiKeySid)
    return invalid("TWILIO_AUTH_TOKEN",
                   "or TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET must be set for " + forWhat);
  if (auto s = needSid(c.twilioApiKeySid, "TWILIO_API_KEY_SID", "SK", forWhat); !s) return s;
  return needSecret(c.twilioApiKeySecret, "TWILIO_API_KEY_SECRET", forWhat);
}

Result<std::string> baseUrl(const Sources& s, const char* name, std::string fallback) {
  auto v = s.lookup(name);
  if (!v) return fallback;
  std::string url = *v;
  while (url.ends_with('/')) url.pop_back();
  if (!url.starts_with("https://") && !url.starts_with("http://"))
    return invalid(name, "must be an http:// or https:// URL (got \"" + *v + "\")");
  return url;
}

// The provider choices and what each needs, checked once all settings are read.
Status loadProviders(const Sources& s, Config& c) {
  for (auto [name, field, values] :
       {std::tuple{"ROOMGATE_SMS", &c.twilioSms, "\"twilio\" (unset: no SMS provider)"},
        std::tuple{"ROOMGATE_VERIFY", &c.twilioVerify, "\"builtin\" or \"twilio\""},
        std::tuple{"ROOMGATE_VIDEO", &c.twilioVideo, "\"builtin\" or \"twilio\""}}) {
    auto v = s.lookup(name);
    if (!v) continue;
    if (*v != "twilio" && (*v != "builtin" || std::string_view(name) == "ROOMGATE_SMS"))
      return invalid(name, std::string("must be ") + values + " (got \"" + *v + "\")");
    *field = *v == "twilio";
  }
  auto verifyUrl = baseUrl(s, "ROOMGATE_TWILIO_VERIFY_URL", c.twilioVerifyUrl);
  if (!verifyUrl) return verifyUrl.error();
  c.twilioVerifyUrl = *verifyUrl;
  auto apiUrl = baseUrl(s, "ROOMGATE_TWILIO_API_URL", c.twilioApiUrl);
  if (!apiUrl) return apiUrl.error();
  c.twilioApiUrl = *apiUrl;
  if (c.publicUrl && !c.publicUrl->starts_with("https://") && !c.publicUrl->starts_with("http://"))
    return invalid("ROOMGATE_PUBLIC_URL",
                   "must be the http:// or https:// address guests open (got \"" + *c.publicUrl + "\")");

  if (c.twilioSms) {
    const std::string why = "ROOMGATE_SMS=twilio";
    if (auto st = needTwilioAuth(c, why); !st) return st;
    if (c.twilioMessagingServiceSid) {
      if (auto st = needSid(c.twilioMessagingServiceSid, "TWILIO_MESSAGING_SERVICE_SID", "MG", why); !st)
        return st;
    } else if (!c.twilioFromNumber) {
      return invalid("TWILIO_FROM_NUMBER", "or TWILIO_MESSAGING_SERVICE_SID must be set for " + why +
                                               ": the number (or Messaging Service) the texts come from");
    } else if (c.twilioFromNumber->size() < 3 || c.twilioFromNumber->front() != '+' ||
               !std::all_of(c.twilioFromNumber->begin() + 1, c.twilioFromNumber->end(),
                            [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return invalid("TWILIO_FROM_NUMBER", "must be a number in E.164 form, e.g. +15017122661 (got \"" +
                                               *c.twilioFromNumber + "\")");
    }
  }
  if (c.twilioVerify) {
    const std::string why = "ROOMGATE_VERIFY=twilio";
    if (auto st = needTwilioAuth(c, why); !st) return st;
    if (auto st = needSid(c.verifyServiceSid, "VERIFY_SERVICE_SID", "VA", why); !st) return st;
  }
  if (c.twilioVideo) {
    const std::string why = "ROOMGATE_VIDEO=twilio (tokens Twilio Video accepts)";
    if (auto st = needSid(c.twilioAccountSid, "TWILIO_ACCOUNT_SID", "AC", why); !st) return st;
    if (auto st = needSid(c.twilioApiKeySid, "TWILIO_API_KEY_SID", "SK", why); !st) return st;
    if (auto st = needSecret(c.twilioApiKeySecret, "TWILIO_API_KEY_SECRET", why); !st) return st;
  }
  if (c.smtpUrl) {
    if (!c.smtpUrl->starts_with("smtp://") && !c.smtpUrl->starts_with("smtps://"))
      return invalid("ROOMGATE_SMTP_URL",
                     "must be smtp://host:port (STARTTLS) or smtps://host:port (got \"" + *c.smtpUrl + "\")");
    if (!c.smtpFrom || c.smtpFrom->find('@') == std::string::npos ||
        c.smtpFrom->find_first_of("\r\n<>") != std::string::npos)
      return invalid("ROOMGATE_SMTP_FROM", "must be the address codes are sent from, e.g. rooms@example.com");
    if (c.smtpUser.has_value() != c.smtpPassword.has_value())
      return invalid(c.smtpUser ? "ROOMGATE_SMTP_PASSWORD" : "ROOMGATE_SMTP_USER",
                     "must be set together with the other: they are the SMTP AUTH login");
  }
  return Ok{};
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

bool isIpv6(std::string_view ip) {
  return ip.find(':') != std::string_view::npos;
}
bool isWildcard(std::string_view ip) {
  return ip == "0.0.0.0" || ip == "::";
}
bool isLoopback(std::string_view ip) {
  return ip.starts_with("127.") || ip == "::1";
}

}  // namespace

std::optional<std::string> mediaAddressProblem(std::string_view listenIp, std::string_view announceIp) {
  const std::string bound(listenIp), announced(announceIp);
  if (isIpv6(listenIp) != isIpv6(announceIp))
    return "the media socket is bound to " + bound + " but announced as " + announced +
           ", another address family: browsers could never reach it. Bind " +
           (isIpv6(announceIp) ? "::" : "0.0.0.0") + " (every interface) or the announced address.";
  if (!isWildcard(listenIp) && isLoopback(listenIp) != isLoopback(announceIp))
    return "the media socket is bound to " + bound + " but announced as " + announced + ": " +
           (isLoopback(listenIp) ? "browsers on other machines could never reach a loopback address"
                                 : "a loopback address reaches only this machine, and not that socket") +
           ". Bind " + (isIpv6(announceIp) ? "::" : "0.0.0.0") +
           " (every interface, the default) or the address the announced one leads to.";
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
  const std::string listenIp = isIp(host) ? host : "127.0.0.1";
  // The address in candidates: as given, else the HTTP listen address when that is one address.
  if (auto v = s.lookup("ROOMGATE_RTC_ANNOUNCE_IP")) {
    if (!isIp(*v))
      return invalid(
          "ROOMGATE_RTC_ANNOUNCE_IP",
          "must be the IP address browsers reach the server at, e.g. 203.0.113.7 (got \"" + *v + "\")");
    c.rtcAnnounceIp = *v;
  } else if (isWildcard(listenIp)) {
    return invalid(
        "ROOMGATE_RTC_ANNOUNCE_IP",
        "must be set when listening on all interfaces: browsers need the one address to send media to");
  } else {
    c.rtcAnnounceIp = listenIp;
  }
  // The address the UDP socket binds: as given, else every interface of the announced address's family.
  if (auto v = s.lookup("ROOMGATE_RTC_LISTEN")) {
    if (!isIp(*v))
      return invalid("ROOMGATE_RTC_LISTEN",
                     "must be an IP address to receive media on, e.g. 0.0.0.0 for every IPv4 interface (got "
                     "\"" +
                         *v + "\"); the port is ROOMGATE_RTC_PORT");
    c.rtcListenIp = *v;
  } else {
    c.rtcListenIp = isIpv6(c.rtcAnnounceIp) ? "::" : "0.0.0.0";
  }
  if (auto problem = mediaAddressProblem(c.rtcListenIp, c.rtcAnnounceIp))
    return invalid("ROOMGATE_RTC_LISTEN", *problem);
  return Ok{};
}

// The comma-separated items of a setting's value, trimmed, empty ones skipped.
std::vector<std::string_view> listItems(std::string_view value) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = value.find(',');
    const std::string_view item = trimAscii(value.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

// The HTTP server's origin list and trusted proxies.
Status loadHttp(const Sources& s, Config& c) {
  if (auto v = s.lookup("ROOMGATE_ALLOWED_ORIGINS")) {
    for (const auto item : listItems(*v)) {
      auto origin = parseOrigin(item);
      if (!origin)
        return invalid("ROOMGATE_ALLOWED_ORIGINS",
                       "must list origins as scheme://host[:port] with http or https and no path, separated "
                       "by commas, e.g. https://call.example.com (got \"" +
                           std::string(item) + "\")");
      c.allowedOrigins.push_back(std::move(*origin));
    }
  }
  if (auto v = s.lookup("ROOMGATE_TRUSTED_PROXIES")) {
    std::vector<IpRange> ranges;
    for (const auto item : listItems(*v)) {
      auto range = parseIpRange(item);
      if (!range)
        return invalid(
            "ROOMGATE_TRUSTED_PROXIES",
            "must list IP addresses or CIDR ranges separated by commas, e.g. 10.0.0.5,fd00::/8, with "
            "no bits set past the prefix (got \"" +
                std::string(item) + "\")");
      ranges.push_back(*range);
    }
    c.trustedProxies = IpRangeSet(std::move(ranges));
  }
  if (auto v = s.lookup("ROOMGATE_SMS_COUNTRIES")) {
    for (const auto item : listItems(*v)) {
      const std::string_view digits = item.starts_with('+') ? item.substr(1) : item;
      const int code = directory::callingCode(digits);
      if (code == 0 || std::to_string(code) != digits)
        return invalid("ROOMGATE_SMS_COUNTRIES",
                       "must list country calling codes separated by commas, e.g. 1,44 (got \"" +
                           std::string(item) + "\")");
      c.smsCountries.insert(code);
    }
  }
  if (c.publicUrl && !originOfUrl(*c.publicUrl))
    return invalid(
        "ROOMGATE_PUBLIC_URL",
        "must be the http:// or https:// address guests open, e.g. https://call.example.com (got \"" +
            *c.publicUrl + "\")");
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
  for (auto [name, field] :
       {std::pair{"SECRET_KEY", &c.secretKey}, std::pair{"TWILIO_ACCOUNT_SID", &c.twilioAccountSid},
        std::pair{"TWILIO_AUTH_TOKEN", &c.twilioAuthToken},
        std::pair{"TWILIO_API_KEY_SID", &c.twilioApiKeySid},
        std::pair{"TWILIO_API_KEY_SECRET", &c.twilioApiKeySecret},
        std::pair{"VERIFY_SERVICE_SID", &c.verifyServiceSid},
        std::pair{"TWILIO_FROM_NUMBER", &c.twilioFromNumber},
        std::pair{"TWILIO_MESSAGING_SERVICE_SID", &c.twilioMessagingServiceSid},
        std::pair{"ROOMGATE_SMTP_URL", &c.smtpUrl}, std::pair{"ROOMGATE_SMTP_FROM", &c.smtpFrom},
        std::pair{"ROOMGATE_SMTP_USER", &c.smtpUser}, std::pair{"ROOMGATE_SMTP_PASSWORD", &c.smtpPassword},
        std::pair{"ROOMGATE_PUBLIC_URL", &c.publicUrl}})
    *field = s.lookup(name);
  if (!c.verifyServiceSid) c.verifyServiceSid = s.lookup("TWILIO_VERIFY_SERVICE_SID");
  for (auto [name, field, lo, hi] :
       {std::tuple{"ROOMGATE_CODE_LENGTH", &c.codeLength, 4, 10},
        std::tuple{"ROOMGATE_TOKEN_TTL", &c.tokenTtlSeconds, 1, 86400},
        std::tuple{"ROOMGATE_MAX_TOKEN_TTL", &c.maxTokenTtlSeconds, 60, 86400},
        std::tuple{"ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS", &c.maxConnectionsPerAddress, 1, 65536},
        std::tuple{"ROOMGATE_SMS_PER_HOUR", &c.smsPerHour, 1, 1000000},
        std::tuple{"ROOMGATE_SMS_PER_COUNTRY_PER_HOUR", &c.smsPerCountryPerHour, 1, 1000000},
        std::tuple{"ROOMGATE_AUDIT_RETENTION_DAYS", &c.auditRetentionDays, 1, 3650}}) {
    if (auto v = s.lookup(name)) {
      int n = 0;
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      if (ec != std::errc() || p != v->data() + v->size() || n < lo || n > hi)
        return invalid(name, "must be a whole number from " + std::to_string(lo) + " to " +
                                 std::to_string(hi) + " (got \"" + *v + "\")");
      *field = n;
    }
  }
  if (c.tokenTtlSeconds > c.maxTokenTtlSeconds)
    return invalid("ROOMGATE_TOKEN_TTL", "is " + std::to_string(c.tokenTtlSeconds) +
                                             " seconds, longer than ROOMGATE_MAX_TOKEN_TTL (" +
                                             std::to_string(c.maxTokenTtlSeconds) +
                                             "): the server would refuse its own tokens");
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
    for (const auto url : listItems(*v)) {
      if (!url.starts_with(scheme) && !(scheme == "turn:" && url.starts_with("turns:")))
        return invalid(name, "must list " + std::string(scheme) + " URLs separated by commas (got \"" +
                                 std::string(url) + "\")");
      out.emplace_back(url);
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
  c.metricsToken = s.lookup("ROOMGATE_METRICS_TOKEN");
  if (c.metricsToken && c.metricsToken->size() < kMinMetricsTokenLength)
    return invalid("ROOMGATE_METRICS_TOKEN", "must be at least " + std::to_string(kMinMetricsTokenLength) +
                                                 " characters; make one with `openssl rand -hex 16`");
  if (auto e = loadMedia(s, c); !e) return e.error();
  if (auto st = loadProviders(s, c); !st) return st.error();
  if (auto st = loadHttp(s, c); !st) return st.error();
  return c;
}

std::pair<std::string, std::string> Config::twilioBasicAuth() const {
  if (twilioAuthToken) return {twilioAccountSid.value_or(""), *twilioAuthToken};
  return {twilioApiKeySid.value_or(""), twilioApiKeySecret.value_or("")};
}

std::string Config::otpHost() const {
  std::string_view url = publicUrl ? std::string_view(*publicUrl) : std::string_view(listen);
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find('/'));
  if (url.starts_with('[')) return std::string(url.substr(0, url.find(']') + 1));
  return std::string(url.substr(0, url.rfind(':') == std::string_view::npos ? url.size() : url.rfind(':')));
}

std::optional<Error> deliveryRefusal(const Config& config) {
  if (config.dev || config.twilioSms || config.twilioVerify || config.smtpUrl) return std::nullopt;
  return Error::badRequest(
      "no_delivery_channel",
      "No way to send codes is configured, so no guest could get in: set ROOMGATE_SMS=twilio or "
      "ROOMGATE_VERIFY=twilio (with the Twilio settings) or ROOMGATE_SMTP_URL, see docs/CONFIGURATION.md; "
      "or try roomgate with --dev, which shows codes on the console.");
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

}  // namespace roomgate::config
