#pragma once
// Configuration of the server, from three sources with fixed precedence: command-line flags beat the
// process environment, which beats the `.env` file in the working directory. Names are the tutorial's
// (SECRET_KEY, TWILIO_*) and ROOMGATE_* for roomgate's own; docs/CONFIGURATION.md lists them all.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/Error.hpp"
#include "common/IpRange.hpp"
#include "common/Origin.hpp"
#include "config/SecretKey.hpp"

namespace roomgate::config {

struct Sources {
  std::map<std::string, std::string> flags;  // by variable name: --listen arrives as ROOMGATE_LISTEN
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> dotenv;
  // The first source that defines `name`, in precedence order; empty values count as unset.
  [[nodiscard]] std::optional<std::string> lookup(const std::string& name) const;
};

// The shortest ROOMGATE_METRICS_TOKEN accepted (`openssl rand -hex 16` makes 32).
inline constexpr std::size_t kMinMetricsTokenLength = 16;

struct Config {
  std::string listen = "127.0.0.1:8080";          // ROOMGATE_LISTEN, host:port (port 0 picks a free one)
  std::string db = "./roomgate.db";               // ROOMGATE_DB
  bool dev = false;                               // --dev / ROOMGATE_DEV
  std::optional<std::string> secretKey;           // SECRET_KEY
  std::optional<std::string> twilioAccountSid;    // TWILIO_ACCOUNT_SID
  std::optional<std::string> twilioAuthToken;     // TWILIO_AUTH_TOKEN
  std::optional<std::string> twilioApiKeySid;     // TWILIO_API_KEY_SID
  std::optional<std::string> twilioApiKeySecret;  // TWILIO_API_KEY_SECRET
  std::optional<std::string> verifyServiceSid;    // VERIFY_SERVICE_SID (or TWILIO_VERIFY_SERVICE_SID)
  bool revealUnknown =
      false;                  // ROOMGATE_REVEAL_UNKNOWN=1: 401 for names not on the list (the tutorial's way)
  bool cookieSecure = false;  // ROOMGATE_COOKIE_SECURE=1: session cookie only over HTTPS
  int codeLength = 6;         // ROOMGATE_CODE_LENGTH, 4..10
  int tokenTtlSeconds = 3600;             // ROOMGATE_TOKEN_TTL, 1..86400
  int maxTokenTtlSeconds = 86400;         // ROOMGATE_MAX_TOKEN_TTL, 60..86400: longer-lived tokens refused
  std::string defaultRegion = "US";       // ROOMGATE_DEFAULT_REGION: how numbers without +country are read
  std::string logLevel = "info";          // ROOMGATE_LOG_LEVEL: trace, debug, info, warn, error
  std::vector<std::string> stunUrls;      // ROOMGATE_STUN_URLS, comma-separated: stun:host:port
  std::vector<std::string> turnUrls;      // ROOMGATE_TURN_URLS, comma-separated: turn:host:port?transport=udp
  std::optional<std::string> turnSecret;  // ROOMGATE_TURN_SECRET: coturn's static-auth-secret
  bool relayOnly = false;                 // ROOMGATE_ICE_POLICY=relay: media only through TURN
  // ROOMGATE_METRICS_TOKEN: GET /metrics then asks every client for `Authorization: Bearer <it>`; unset,
  // /metrics is answered to loopback clients only. At least kMinMetricsTokenLength characters.
  std::optional<std::string> metricsToken;
  // The SFU's media port (group rooms, the echo test): one UDP port for every browser.
  int rtcPort = 40000;  // ROOMGATE_RTC_PORT / --rtc-port, 0 picks a free one
  // ROOMGATE_RTC_LISTEN / --rtc-listen: the address the UDP socket binds; default every interface of
  // the announced address's family (0.0.0.0 or ::).
  std::string rtcListenIp;
  // ROOMGATE_RTC_ANNOUNCE_IP / --rtc-announce-ip: the address in candidates (behind NAT, the public
  // one); default the host of ROOMGATE_LISTEN when that is one IP address (a host name: 127.0.0.1).
  std::string rtcAnnounceIp;

  // Providers (docs/CONFIGURATION.md, "Providers"). Each is validated as a whole when chosen.
  bool twilioSms = false;                       // ROOMGATE_SMS=twilio: codes by Twilio's Messages API
  std::optional<std::string> twilioFromNumber;  // TWILIO_FROM_NUMBER, E.164
  std::optional<std::string> twilioMessagingServiceSid;  // TWILIO_MESSAGING_SERVICE_SID, MG...
  std::optional<std::string> smtpUrl;       // ROOMGATE_SMTP_URL: smtp://host:port or smtps://host:port
  std::optional<std::string> smtpFrom;      // ROOMGATE_SMTP_FROM
  std::optional<std::string> smtpUser;      // ROOMGATE_SMTP_USER
  std::optional<std::string> smtpPassword;  // ROOMGATE_SMTP_PASSWORD
  bool twilioVerify = false;                // ROOMGATE_VERIFY=twilio (else builtin)
  bool twilioVideo = false;                 // ROOMGATE_VIDEO=twilio (else builtin)
  std::string twilioVerifyUrl = "https://verify.twilio.com";  // ROOMGATE_TWILIO_VERIFY_URL
  std::string twilioApiUrl = "https://api.twilio.com";        // ROOMGATE_TWILIO_API_URL
  std::optional<std::string>
      publicUrl;  // ROOMGATE_PUBLIC_URL: the address guests open; its host ends each SMS
  // ROOMGATE_ALLOWED_ORIGINS, comma-separated http(s)://host[:port]: origins served besides the server's own
  std::vector<Origin> allowedOrigins;
  // ROOMGATE_TRUSTED_PROXIES, comma-separated addresses or CIDR ranges (IPv4, IPv6): reverse proxies whose
  // X-Forwarded-For is believed and whose connections are not capped per address. Default: none.
  IpRangeSet trustedProxies;
  // ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS, 1..65536; 0 (unset): http::kMaxConnectionsPerAddress
  int maxConnectionsPerAddress = 0;
  // ROOMGATE_SMS_PER_HOUR, ROOMGATE_SMS_PER_COUNTRY_PER_HOUR (1..1000000): caps on text messages sent,
  // all together and per country calling code (app/RateLimits.hpp's defaults).
  int smsPerHour = 1000;
  int smsPerCountryPerHour = 300;
  // ROOMGATE_SMS_COUNTRIES: calling codes texts may go to ("1,44" or "+1,+44"); empty: the codes of the
  // phones on the guest list.
  std::set<int> smsCountries;
  // ROOMGATE_AUDIT_RETENTION_DAYS, 1..3650: audit rows and outbox entries older than this are pruned
  int auditRetentionDays = 90;

  [[nodiscard]] bool usesTwilioApi() const { return twilioSms || twilioVerify; }
  // HTTP basic credentials for Twilio's REST APIs: the account SID and auth token when the token is set
  // (the tutorial's way), else the API key. Only meaningful when usesTwilioApi() validated them.
  [[nodiscard]] std::pair<std::string, std::string> twilioBasicAuth() const;
  // The host for the origin-bound line of an SMS: ROOMGATE_PUBLIC_URL's, else the listen address's.
  [[nodiscard]] std::string otpHost() const;
};

// Reads and validates every setting; an error names the variable and says what is wrong.
[[nodiscard]] Result<Config> load(const Sources& sources);

// Why media bound to `listenIp` can never be reached at `announceIp` (another address family; one a
// loopback address and the other not, unless bound to every interface); none if it can. Behind NAT the
// two differ and that is fine.
[[nodiscard]] std::optional<std::string> mediaAddressProblem(std::string_view listenIp,
                                                             std::string_view announceIp);

// Why `serve` must not start with `config`: outside --dev, no delivery channel at all (no Twilio SMS or
// Verify, no SMTP), so no guest could ever get a code. None if it may.
[[nodiscard]] std::optional<Error> deliveryRefusal(const Config& config);

// Sources from the process: `environ` and ./.env (missing is fine; unreadable or malformed is an error).
[[nodiscard]] Result<Sources> processSources(std::map<std::string, std::string> flags,
                                             const std::string& dotenvPath = ".env");

}  // namespace roomgate::config
