#include "twilio/TwilioApi.hpp"

#include <gtest/gtest.h>

namespace roomgate::twilio {
namespace {

constexpr std::string_view kAccount = "AC0123456789abcdef0123456789abcdef";
constexpr std::string_view kService = "VA0123456789abcdef0123456789abcdef";

std::string twilioError(int code, int status) {
  return R"({"code": )" + std::to_string(code) +
         R"(, "message": "m", "more_info": "https://www.twilio.com/docs/errors/)" + std::to_string(code) +
         R"(", "status": )" + std::to_string(status) + "}";
}

TEST(TwilioForm, EncodesAsBrowsersDo) {
  EXPECT_EQ(formEncode({{"To", "+18005554321"}, {"Body", "Code: 123 456\n@example.com #123456"}}),
            "To=%2B18005554321&Body=Code%3A+123+456%0A%40example.com+%23123456");
  EXPECT_EQ(formEncode({{"Body", "Zoë & co"}}), "Body=Zo%C3%AB+%26+co");
  EXPECT_EQ(formEncode({}), "");
}

TEST(TwilioRequests, MessagesGoToTheAccountsMessagesResourceWithFromOrAMessagingService) {
  auto r = messageRequest(kAccount, {std::string("+15017122661"), std::nullopt}, "+18005554321", "hi");
  EXPECT_EQ(r.path, "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
  EXPECT_EQ(r.form, (Form{{"To", "+18005554321"}, {"From", "+15017122661"}, {"Body", "hi"}}));
  auto viaService = messageRequest(
      kAccount, {std::nullopt, std::string("MG0123456789abcdef0123456789abcdef")}, "+18005554321", "hi");
  EXPECT_EQ(viaService.form.at(1), (std::pair<std::string, std::string>{
                                       "MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"}));
}

TEST(TwilioRequests, VerifyStartAndCheckNameTheServiceAndTheDestination) {
  auto start = verificationRequest(kService, "ema@example.com", "email");
  EXPECT_EQ(start.path, "/v2/Services/VA0123456789abcdef0123456789abcdef/Verifications");
  EXPECT_EQ(start.form, (Form{{"To", "ema@example.com"}, {"Channel", "email"}}));
  auto check = checkRequest(kService, "+18005554321", "012345");
  EXPECT_EQ(check.path, "/v2/Services/VA0123456789abcdef0123456789abcdef/VerificationCheck");
  EXPECT_EQ(check.form, (Form{{"To", "+18005554321"}, {"Code", "012345"}}));
}

TEST(TwilioAnswers, MessagesAcceptedOrRefused) {
  EXPECT_TRUE(interpretMessage({201, R"({"sid": "SM1", "status": "queued"})", {}}).ok());
  EXPECT_EQ(interpretMessage({201, R"({"status": "failed"})", {}}).error().status, 503);
  EXPECT_EQ(interpretMessage({400, twilioError(21211, 400), {}}).error().code, "invalid_destination");
  const auto down = interpretMessage({500, "oops", {}});
  EXPECT_EQ(down.error().status, 503);
  EXPECT_EQ(down.error().message, "Twilio answered 500");
  const auto auth = interpretMessage({401, twilioError(20003, 401), {}});
  EXPECT_EQ(auth.error().code, "provider_refused");
  EXPECT_EQ(auth.error().message, "Twilio answered 401 (error 20003: m)");
}

TEST(TwilioAnswers, VerificationStartMapsTheIssuesErrors) {
  EXPECT_TRUE(interpretVerification({201, R"({"status": "pending"})", {}}).ok());
  const auto tooMany = interpretVerification({429, twilioError(60203, 429), 42});
  EXPECT_EQ(tooMany.error().status, 429);
  EXPECT_EQ(tooMany.error().code, "too_many_sends");
  EXPECT_EQ(tooMany.error().retryAfterSeconds, 42);
  EXPECT_EQ(interpretVerification({429, twilioError(60203, 429), {}}).error().retryAfterSeconds,
            kDefaultSendRetryAfterSeconds);
  EXPECT_EQ(interpretVerification({400, twilioError(60200, 400), {}}).error().code, "invalid_destination");
  EXPECT_EQ(interpretVerification({503, "", {}}).error().status, 503);
  EXPECT_EQ(interpretVerification({429, twilioError(20429, 429), {}}).error().status, 503);  // not 60203
}

TEST(TwilioAnswers, ChecksMapTheIssuesErrors) {
  using verify::CheckOutcome;
  EXPECT_EQ(*interpretCheck({201, R"({"status": "approved", "valid": true})", {}}), CheckOutcome::kApproved);
  EXPECT_EQ(*interpretCheck({200, R"({"status": "pending", "valid": false})", {}}), CheckOutcome::kWrongCode);
  EXPECT_EQ(*interpretCheck({429, twilioError(60202, 429), {}}), CheckOutcome::kTooManyChecks);
  EXPECT_EQ(*interpretCheck({404, twilioError(20404, 404), {}}), CheckOutcome::kNotFound);
  EXPECT_EQ(interpretCheck({400, twilioError(60200, 400), {}}).error().code, "invalid_destination");
  EXPECT_EQ(interpretCheck({500, twilioError(20500, 500), {}}).error().status, 503);
  EXPECT_EQ(interpretCheck({201, "not json", {}}).error().status, 503);
}

}  // namespace
}  // namespace roomgate::twilio
