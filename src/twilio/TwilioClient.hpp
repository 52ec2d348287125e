#pragma once
// TwilioClient: the three Twilio calls roomgate makes, sent with net::postForm (blocking, bounded by
// net::kTotalTimeout). Request building and answer mapping are TwilioApi's pure functions.
// Thread: any thread but the server's I/O thread (the calls block); const, so shared by workers.
#include <string>

#include "common/Error.hpp"
#include "twilio/TwilioApi.hpp"

namespace roomgate::twilio {

struct TwilioSettings {
  std::string apiUrl = "https://api.twilio.com";        // Messages API base, no trailing slash
  std::string verifyUrl = "https://verify.twilio.com";  // Verify v2 base, no trailing slash
  std::string accountSid;                               // AC..., in the Messages path
  std::string user;              // HTTP basic: an API key SID (SK...) or the account SID; never logged
  std::string password;          // the API key secret or the auth token; never logged
  Sender sender;                 // SMS: From or MessagingServiceSid
  std::string verifyServiceSid;  // VA..., for Twilio Verify
};

class TwilioClient {
 public:
  explicit TwilioClient(TwilioSettings settings) : settings_(std::move(settings)) {}

  // Sends an SMS through the Messages API; see interpretMessage for the errors.
  [[nodiscard]] Status sendSms(std::string_view to, std::string_view body) const;
  // Starts a Twilio Verify verification (Twilio sends the code); see interpretVerification.
  [[nodiscard]] Status startVerification(std::string_view to, std::string_view channel) const;
  // Checks a code with Twilio Verify; see interpretCheck.
  [[nodiscard]] Result<verify::CheckOutcome> check(std::string_view to, std::string_view code) const;

 private:
  [[nodiscard]] Result<ApiAnswer> post(const std::string& base, const ApiRequest& request) const;
  TwilioSettings settings_;
};

}  // namespace roomgate::twilio
