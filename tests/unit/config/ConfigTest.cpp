#include "config/Config.hpp"

#include <gtest/gtest.h>

#include "config/DotEnv.hpp"

namespace roomgate::config {
namespace {

TEST(DotEnv, ReadsTheTutorialsFile) {
  // The tutorial's .env.template, as a team that followed it has it.
  auto vars = parseDotEnv(
      "TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_AUTH_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_API_KEY_SID=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_API_KEY_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "VERIFY_SERVICE_SID=VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "SECRET_KEY=super-secret\n");
  ASSERT_TRUE(vars.ok());
  EXPECT_EQ(vars->size(), 6u);
  EXPECT_EQ(vars->at("SECRET_KEY"), "super-secret");
  EXPECT_EQ(vars->at("VERIFY_SERVICE_SID"), "VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}

TEST(DotEnv, QuotesCommentsExportAndCrlf) {
  auto vars = parseDotEnv(
      "# a comment\r\n"
      "export A=plain value # trailing comment\r\n"
      "B='single # not a comment'\n"
      "C=\"double\\nline\"\n"
      "D=\"spans\n"
      "two lines\"\n"
      "\n"
      "E=\n"
      "F = spaced \n");
  ASSERT_TRUE(vars.ok()) << vars.error().message;
  EXPECT_EQ(vars->at("A"), "plain value");
  EXPECT_EQ(vars->at("B"), "single # not a comment");
  EXPECT_EQ(vars->at("C"), "double\nline");
  EXPECT_EQ(vars->at("D"), "spans\ntwo lines");
  EXPECT_EQ(vars->at("E"), "");
  EXPECT_EQ(vars->at("F"), "spaced");
}

TEST(DotEnv, ErrorsNameTheLine) {
  auto missing = parseDotEnv("A=1\nnot a setting\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("line 2"), std::string::npos);
  auto unterminated = parseDotEnv("A=1\nB=\"open\nC=2\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parseDotEnv("1BAD=x\n").ok());
}

TEST(ConfigLoad, FlagsBeatEnvironmentWhichBeatsDotEnv) {
  Sources s;
  s.dotenv = {
      {"ROOMGATE_LISTEN", "127.0.0.1:1111"}, {"ROOMGATE_DB", "dotenv.db"}, {"SECRET_KEY", "from-dotenv"}};
  s.env = {{"ROOMGATE_LISTEN", "127.0.0.1:2222"}, {"SECRET_KEY", "from-env"}};
  s.flags = {{"ROOMGATE_LISTEN", "127.0.0.1:3333"}};
  auto c = load(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:3333");
  EXPECT_EQ(c->db, "dotenv.db");
  EXPECT_EQ(c->secretKey, "from-env");
}

TEST(ConfigLoad, DefaultsAndValidation) {
  auto c = load({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->db, "./roomgate.db");
  EXPECT_FALSE(c->dev);
  EXPECT_EQ(c->codeLength, 6);

  for (auto [name, value] : {std::pair{"ROOMGATE_LISTEN", "8080"}, std::pair{"ROOMGATE_LISTEN", "host:99999"},
                             std::pair{"ROOMGATE_CODE_LENGTH", "3"}, std::pair{"ROOMGATE_CODE_LENGTH", "11"},
                             std::pair{"ROOMGATE_TOKEN_TTL", "86401"}, std::pair{"ROOMGATE_DEV", "maybe"},
                             std::pair{"ROOMGATE_LOG_LEVEL", "loud"}}) {
    Sources s;
    s.env = {{name, value}};
    auto bad = load(s);
    ASSERT_FALSE(bad.ok()) << name << "=" << value;
    EXPECT_NE(bad.error().message.find(name), std::string::npos) << bad.error().message;
  }
}

TEST(ConfigLoad, ServingNeedsADeliveryChannelOutsideDev) {
  auto none = load({});
  ASSERT_TRUE(none.ok());
  auto refused = deliveryRefusal(*none);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, "no_delivery_channel");
  for (const char* names : {"ROOMGATE_SMS", "ROOMGATE_VERIFY", "ROOMGATE_SMTP_URL", "--dev"})
    EXPECT_NE(refused->message.find(names), std::string::npos) << names;

  Config dev = *none;
  dev.dev = true;
  EXPECT_FALSE(deliveryRefusal(dev));  // the console
  Config smtp = *none;
  smtp.smtpUrl = "smtp://127.0.0.1:2525";
  EXPECT_FALSE(deliveryRefusal(smtp));
  Config sms = *none;
  sms.twilioSms = true;
  EXPECT_FALSE(deliveryRefusal(sms));
  Config verify = *none;
  verify.twilioVerify = true;
  EXPECT_FALSE(deliveryRefusal(verify));
}

TEST(ConfigLoad, MetricsTokenIsOptionalButNotShort) {
  auto none = load({});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->metricsToken);
  Sources s;
  s.env = {{"ROOMGATE_METRICS_TOKEN", "0123456789abcdef"}};
  auto set = load(s);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->metricsToken, "0123456789abcdef");
  s.env = {{"ROOMGATE_METRICS_TOKEN", "short"}};
  auto bad = load(s);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("ROOMGATE_METRICS_TOKEN"), std::string::npos);
}

TEST(ConfigLoad, AllowedOriginsAreValidatedAtStart) {
  auto none = load({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->allowedOrigins.empty());
  Sources s;
  s.env["ROOMGATE_ALLOWED_ORIGINS"] = "https://app.example.com, http://LOCALHOST:3000,";
  auto c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->allowedOrigins.size(), 2u);
  EXPECT_EQ(c->allowedOrigins[0].text(), "https://app.example.com");
  EXPECT_EQ(c->allowedOrigins[1].text(), "http://localhost:3000");
  for (const char* bad : {"https://app.example.com/", "app.example.com", "null", "https://a.example/path"}) {
    s.env["ROOMGATE_ALLOWED_ORIGINS"] = bad;
    auto refused = load(s);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("ROOMGATE_ALLOWED_ORIGINS"), std::string::npos);
    EXPECT_NE(refused.error().message.find(bad), std::string::npos) << refused.error().message;
  }
}

TEST(ConfigLoad, TrustedProxiesAreAddressesOrRanges) {
  auto none = load({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->trustedProxies.empty()) << "no proxy is trusted by default";
  Sources s;
  s.env["ROOMGATE_TRUSTED_PROXIES"] = "10.0.0.5, 172.16.0.0/12,fd00::/8";
  auto c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->trustedProxies.contains("10.0.0.5"));
  EXPECT_TRUE(c->trustedProxies.contains("172.20.1.1"));
  EXPECT_TRUE(c->trustedProxies.contains("fd00::1"));
  EXPECT_FALSE(c->trustedProxies.contains("10.0.0.6"));
  for (const char* bad : {"proxy.internal", "10.0.0.0/33", "10.0.0.1/8"}) {
    s.env["ROOMGATE_TRUSTED_PROXIES"] = bad;
    auto refused = load(s);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("ROOMGATE_TRUSTED_PROXIES"), std::string::npos);
  }
}

TEST(ConfigLoad, ConnectionsPerAddress) {
  auto none = load({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->maxConnectionsPerAddress, 0) << "unset: the server's default";
  Sources s;
  s.env["ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS"] = "64";
  auto c = load(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->maxConnectionsPerAddress, 64);
  s.env["ROOMGATE_MAX_CONNECTIONS_PER_ADDRESS"] = "0";
  EXPECT_FALSE(load(s).ok());
}

TEST(ConfigLoad, AuditRetentionDays) {
  auto none = load({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->auditRetentionDays, 90);
  Sources s;
  s.env["ROOMGATE_AUDIT_RETENTION_DAYS"] = "3650";
  auto c = load(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->auditRetentionDays, 3650);
  for (const char* bad : {"0", "3651", "7d", "-1"}) {
    s.env["ROOMGATE_AUDIT_RETENTION_DAYS"] = bad;
    auto refused = load(s);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("ROOMGATE_AUDIT_RETENTION_DAYS"), std::string::npos);
  }
}

TEST(ConfigLoad, MediaPortAndAddresses) {
  auto c = load({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rtcPort, 40000);
  EXPECT_EQ(c->rtcListenIp, "0.0.0.0") << "by default every interface, apart from the HTTP address";
  EXPECT_EQ(c->rtcAnnounceIp, "127.0.0.1") << "by default the listen address";

  Sources s;
  s.flags = {{"ROOMGATE_LISTEN", "[::1]:8080"}, {"ROOMGATE_RTC_PORT", "0"}};
  c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->rtcPort, 0);
  EXPECT_EQ(c->rtcListenIp, "::") << "every interface of the announced address's family";
  EXPECT_EQ(c->rtcAnnounceIp, "::1");

  s.flags = {{"ROOMGATE_LISTEN", "0.0.0.0:8080"}, {"ROOMGATE_RTC_ANNOUNCE_IP", "203.0.113.7"}};
  c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->rtcListenIp, "0.0.0.0");
  EXPECT_EQ(c->rtcAnnounceIp, "203.0.113.7");

  // The media address on its own: HTTP on loopback (behind a proxy), media on every interface and
  // announced publicly; or bound to the private address behind NAT.
  s.flags = {{"ROOMGATE_LISTEN", "127.0.0.1:8080"}, {"ROOMGATE_RTC_ANNOUNCE_IP", "203.0.113.7"}};
  c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->rtcListenIp, "0.0.0.0");
  s.flags = {{"ROOMGATE_RTC_LISTEN", "10.0.0.5"}, {"ROOMGATE_RTC_ANNOUNCE_IP", "203.0.113.7"}};
  c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->rtcListenIp, "10.0.0.5");

  s.flags = {{"ROOMGATE_LISTEN", "localhost:8080"}};
  c = load(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rtcAnnounceIp, "127.0.0.1") << "a host name is not an address to announce";

  // The issue's .env: bound to loopback while a public address is announced is refused at start.
  s.flags = {{"ROOMGATE_RTC_LISTEN", "127.0.0.1"}, {"ROOMGATE_RTC_ANNOUNCE_IP", "203.0.113.7"}};
  auto unreachable = load(s);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.error().message.find("ROOMGATE_RTC_LISTEN"), std::string::npos);
  EXPECT_NE(unreachable.error().message.find("could never reach"), std::string::npos)
      << unreachable.error().message;

  // Listening on every interface leaves no one address to announce: the operator must say which.
  s.flags = {{"ROOMGATE_LISTEN", "0.0.0.0:8080"}};
  auto bad = load(s);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("ROOMGATE_RTC_ANNOUNCE_IP"), std::string::npos);
  for (auto [name, value] :
       {std::pair{"ROOMGATE_RTC_PORT", "65536"}, std::pair{"ROOMGATE_RTC_PORT", "-1"},
        std::pair{"ROOMGATE_RTC_PORT", "4o000"}, std::pair{"ROOMGATE_RTC_ANNOUNCE_IP", "media.example.com"},
        std::pair{"ROOMGATE_RTC_LISTEN", "all"}}) {
    Sources e;
    e.env = {{name, value}};
    auto refused = load(e);
    ASSERT_FALSE(refused.ok()) << name << "=" << value;
    EXPECT_NE(refused.error().message.find(name), std::string::npos) << refused.error().message;
  }
}

TEST(MediaAddress, ABoundAddressTheAnnouncedOneCanNeverReachIsAProblem) {
  // Reachable: every interface of the family, the same address, or behind NAT.
  for (auto [bound, announced] : {std::pair{"0.0.0.0", "203.0.113.7"}, std::pair{"0.0.0.0", "127.0.0.1"},
                                  std::pair{"::", "2001:db8::7"}, std::pair{"::", "::1"},
                                  std::pair{"127.0.0.1", "127.0.0.1"}, std::pair{"10.0.0.5", "203.0.113.7"}})
    EXPECT_FALSE(mediaAddressProblem(bound, announced)) << bound << " / " << announced;
  // Never: loopback against not, either way; another family.
  for (auto [bound, announced] : {std::pair{"127.0.0.1", "203.0.113.7"}, std::pair{"::1", "2001:db8::7"},
                                  std::pair{"10.0.0.5", "127.0.0.1"}, std::pair{"0.0.0.0", "2001:db8::7"},
                                  std::pair{"::", "203.0.113.7"}, std::pair{"2001:db8::5", "203.0.113.7"}}) {
    auto problem = mediaAddressProblem(bound, announced);
    ASSERT_TRUE(problem) << bound << " / " << announced;
    EXPECT_NE(problem->find(bound), std::string::npos) << *problem;
    EXPECT_NE(problem->find(announced), std::string::npos) << *problem;
  }
}

// The tutorial's .env with its placeholders, and with values shaped like real ones.
const std::map<std::string, std::string> kTutorialPlaceholders = {
    {"TWILIO_ACCOUNT_SID", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"TWILIO_AUTH_TOKEN", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"TWILIO_API_KEY_SID", "SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"TWILIO_API_KEY_SECRET", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"VERIFY_SERVICE_SID", "VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"SECRET_KEY", "super-secret"}};
const std::map<std::string, std::string> kTutorialReal = {
    {"TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"},
    {"TWILIO_AUTH_TOKEN", "auth-token-0123456789abcdef0123456"},
    {"TWILIO_API_KEY_SID", "SK0123456789abcdef0123456789abcdef"},
    {"TWILIO_API_KEY_SECRET", "api-key-secret-0123456789abcdef01"},
    {"VERIFY_SERVICE_SID", "VA0123456789abcdef0123456789abcdef"},
    {"SECRET_KEY", "super-secret"}};

TEST(ConfigProviders, BuiltinByDefaultAndTheTutorialsFileIsAcceptedAsItIs) {
  Sources s;
  s.dotenv = kTutorialPlaceholders;
  auto c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->twilioSms || c->twilioVerify || c->twilioVideo || c->smtpUrl);
  EXPECT_EQ(c->twilioVerifyUrl, "https://verify.twilio.com");
  EXPECT_EQ(c->twilioApiUrl, "https://api.twilio.com");
}

TEST(ConfigProviders, TheTutorialsFileMapsToTwilioVerifyAndVideo) {
  Sources s;
  s.dotenv = kTutorialReal;
  s.env = {{"ROOMGATE_VERIFY", "twilio"},
           {"ROOMGATE_VIDEO", "twilio"},
           {"ROOMGATE_TWILIO_VERIFY_URL", "http://127.0.0.1:9/"}};
  auto c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->twilioVerify);
  EXPECT_TRUE(c->twilioVideo);
  EXPECT_EQ(c->verifyServiceSid, "VA0123456789abcdef0123456789abcdef");
  EXPECT_EQ(c->twilioVerifyUrl, "http://127.0.0.1:9");  // trailing slash dropped
  // The tutorial authenticated with the account SID and auth token.
  EXPECT_EQ(c->twilioBasicAuth(),
            (std::pair<std::string, std::string>{"AC0123456789abcdef0123456789abcdef",
                                                 "auth-token-0123456789abcdef0123456"}));
}

TEST(ConfigProviders, PlaceholdersAreRefusedWhenATwilioProviderNeedsThem) {
  Sources s;
  s.dotenv = kTutorialPlaceholders;
  s.env = {{"ROOMGATE_VERIFY", "twilio"}};
  auto c = load(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("TWILIO_ACCOUNT_SID is still the tutorial's placeholder"),
            std::string::npos)
      << c.error().message;
}

TEST(ConfigProviders, TwilioVerifyAcceptsTheServiceSidUnderEitherName) {
  Sources s;
  s.env = {{"ROOMGATE_VERIFY", "twilio"},
           {"TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"},
           {"TWILIO_API_KEY_SID", "SK0123456789abcdef0123456789abcdef"},
           {"TWILIO_API_KEY_SECRET", "secret"},
           {"TWILIO_VERIFY_SERVICE_SID", "VA0123456789abcdef0123456789abcdef"}};
  auto c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->twilioBasicAuth().first, "SK0123456789abcdef0123456789abcdef");  // the API key without a token
}

TEST(ConfigProviders, EachProviderSaysWhatItIsMissing) {
  const std::map<std::string, std::string> account = {
      {"TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"}, {"TWILIO_AUTH_TOKEN", "token"}};
  struct Case {
    std::map<std::string, std::string> env;
    std::string names;
  };
  const Case cases[] = {
      {{{"ROOMGATE_SMS", "twilio"}}, "TWILIO_ACCOUNT_SID"},
      {{{"ROOMGATE_SMS", "twilio"}, {"TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"}},
       "TWILIO_AUTH_TOKEN"},
      {{{"ROOMGATE_SMS", "console"}}, "ROOMGATE_SMS"},
      {{{"ROOMGATE_VERIFY", "maybe"}}, "ROOMGATE_VERIFY"},
      {{{"ROOMGATE_VIDEO", "twilio"}}, "TWILIO_ACCOUNT_SID"},
      {{{"ROOMGATE_SMTP_URL", "http://mail"}}, "ROOMGATE_SMTP_URL"},
      {{{"ROOMGATE_SMTP_URL", "smtp://mail:587"}}, "ROOMGATE_SMTP_FROM"},
      {{{"ROOMGATE_SMTP_URL", "smtp://mail:587"},
        {"ROOMGATE_SMTP_FROM", "a@b.c"},
        {"ROOMGATE_SMTP_USER", "u"}},
       "ROOMGATE_SMTP_PASSWORD"},
      {{{"ROOMGATE_TWILIO_API_URL", "ftp://x"}}, "ROOMGATE_TWILIO_API_URL"},
  };
  for (const auto& k : cases) {
    Sources s;
    s.env = k.env;
    auto c = load(s);
    ASSERT_FALSE(c.ok()) << k.names;
    EXPECT_NE(c.error().message.find(k.names), std::string::npos) << c.error().message;
  }
  Sources sms;
  sms.env = account;
  sms.env["ROOMGATE_SMS"] = "twilio";
  auto noSender = load(sms);
  ASSERT_FALSE(noSender.ok());
  EXPECT_NE(noSender.error().message.find("TWILIO_FROM_NUMBER"), std::string::npos);
  sms.env["TWILIO_FROM_NUMBER"] = "5017122661";
  EXPECT_FALSE(load(sms).ok());
  sms.env["TWILIO_FROM_NUMBER"] = "+15017122661";
  EXPECT_TRUE(load(sms).ok());
}

TEST(ConfigProviders, TheOriginBoundHostComesFromThePublicUrl) {
  Sources s;
  s.env = {{"ROOMGATE_LISTEN", "127.0.0.1:8080"}};
  EXPECT_EQ(load(s)->otpHost(), "127.0.0.1");
  s.env["ROOMGATE_PUBLIC_URL"] = "https://call.example.com:8443/rooms";
  EXPECT_EQ(load(s)->otpHost(), "call.example.com");
}

}  // namespace
}  // namespace roomgate::config

namespace roomgate::config {
namespace {

TEST(ConfigLoad, SmsCapsAndCountries) {
  Sources s;
  s.env = {{"ROOMGATE_SMS_PER_HOUR", "50"}, {"ROOMGATE_SMS_COUNTRIES", "1, +44,353"}};
  auto c = load(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->smsPerHour, 50);
  EXPECT_EQ(c->smsCountries, (std::set<int>{1, 44, 353}));
  for (const char* bad : {"999", "44x", "4", "+"}) {
    s.env = {{"ROOMGATE_SMS_COUNTRIES", bad}};
    auto refused = load(s);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find("ROOMGATE_SMS_COUNTRIES"), std::string::npos);
  }
  s.env = {{"ROOMGATE_SMS_PER_COUNTRY_PER_HOUR", "0"}};
  EXPECT_FALSE(load(s).ok());
}

}  // namespace
}  // namespace roomgate::config
