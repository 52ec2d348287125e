#include "twilio/TwilioClient.hpp"

#include "net/Curl.hpp"

namespace roomgate::twilio {

Result<ApiAnswer> TwilioClient::post(const std::string& base, const ApiRequest& request) const {
  auto answer =
      net::postForm({base + request.path, formEncode(request.form), settings_.user, settings_.password});
  if (!answer) return answer.error();
  return ApiAnswer{answer->status, std::move(answer->body), answer->retryAfterSeconds};
}

Status TwilioClient::sendSms(std::string_view to, std::string_view body) const {
  auto answer = post(settings_.apiUrl, messageRequest(settings_.accountSid, settings_.sender, to, body));
  if (!answer) return answer.error();
  return interpretMessage(*answer);
}

Status TwilioClient::startVerification(std::string_view to, std::string_view channel) const {
  auto answer = post(settings_.verifyUrl, verificationRequest(settings_.verifyServiceSid, to, channel));
  if (!answer) return answer.error();
  return interpretVerification(*answer);
}

Result<verify::CheckOutcome> TwilioClient::check(std::string_view to, std::string_view code) const {
  auto answer = post(settings_.verifyUrl, checkRequest(settings_.verifyServiceSid, to, code));
  if (!answer) return answer.error();
  return interpretCheck(*answer);
}

}  // namespace roomgate::twilio
