#include "twilio/TwilioApi.hpp"

#include <nlohmann/json.hpp>

namespace roomgate::twilio {
namespace {

using nlohmann::json;

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '*';
}

std::string encodeComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (isUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// Path segments come from configuration validated against Twilio's SID patterns; encoded anyway.
std::string segment(std::string_view s) {
  return encodeComponent(s);
}

Error refused(const ApiAnswer& a) {
  const auto e = parseError(a.body);
  std::string what = "Twilio answered " + std::to_string(a.status);
  if (e) what += " (error " + std::to_string(e->code) + ": " + e->message + ")";
  return Error::unavailable("provider_refused", what);
}

std::optional<json> parseObject(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string stringAt(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool succeeded(long status) {
  return status == 200 || status == 201;
}

}  // namespace

std::string formEncode(const Form& form) {
  std::string out;
  for (const auto& [name, value] : form) {
    if (!out.empty()) out.push_back('&');
    out += encodeComponent(name) + "=" + encodeComponent(value);
  }
  return out;
}

ApiRequest messageRequest(std::string_view accountSid, const Sender& sender, std::string_view to,
                          std::string_view body) {
  ApiRequest r{"/2010-04-01/Accounts/" + segment(accountSid) + "/Messages.json", {{"To", std::string(to)}}};
  if (sender.messagingServiceSid)
    r.form.emplace_back("MessagingServiceSid", *sender.messagingServiceSid);
  else
    r.form.emplace_back("From", sender.fromNumber.value_or(""));
  r.form.emplace_back("Body", std::string(body));
  return r;
}

ApiRequest verificationRequest(std::string_view serviceSid, std::string_view to, std::string_view channel) {
  return {"/v2/Services/" + segment(serviceSid) + "/Verifications",
          {{"To", std::string(to)}, {"Channel", std::string(channel)}}};
}

ApiRequest checkRequest(std::string_view serviceSid, std::string_view to, std::string_view code) {
  return {"/v2/Services/" + segment(serviceSid) + "/VerificationCheck",
          {{"To", std::string(to)}, {"Code", std::string(code)}}};
}

std::optional<ApiError> parseError(std::string_view body) {
  const auto j = parseObject(body);
  if (!j) return std::nullopt;
  auto code = j->find("code");
  if (code == j->end() || !code->is_number_integer()) return std::nullopt;
  return ApiError{code->get<int>(), stringAt(*j, "message")};
}

Error invalidDestination() {
  return Error::badRequest(
      "invalid_destination",
      "The phone number or e-mail address on file for you cannot receive codes. Ask the host "
      "to check it.");
}

Status interpretMessage(const ApiAnswer& a) {
  if (succeeded(a.status)) {
    const auto j = parseObject(a.body);
    const std::string status = j ? stringAt(*j, "status") : "";
    if (status == "failed" || status == "undelivered" || status == "canceled") return refused(a);
    return Ok{};
  }
  const auto e = parseError(a.body);
  if (a.status == 400 && e && (e->code == kErrorInvalidToNumber || e->code == kErrorNotMobileNumber))
    return invalidDestination();
  return refused(a);
}

Status interpretVerification(const ApiAnswer& a) {
  if (succeeded(a.status)) return Ok{};
  const auto e = parseError(a.body);
  if (a.status == 429 && e && e->code == kErrorMaxSendAttempts)
    return Error::tooMany(
        "too_many_sends",
        "Too many codes were sent to you in the last 10 minutes. Wait a few minutes, then ask "
        "for a new one.",
        a.retryAfterSeconds.value_or(kDefaultSendRetryAfterSeconds));
  if (a.status == 400 && e && e->code == kErrorInvalidParameter) return invalidDestination();
  return refused(a);
}

Result<verify::CheckOutcome> interpretCheck(const ApiAnswer& a) {
  const auto e = parseError(a.body);
  if (succeeded(a.status)) {
    const auto j = parseObject(a.body);
    const std::string status = j ? stringAt(*j, "status") : "";
    if (status == "approved") return verify::CheckOutcome::kApproved;
    if (status == "pending") return verify::CheckOutcome::kWrongCode;
    if (status == "max_attempts_reached") return verify::CheckOutcome::kTooManyChecks;
    if (status == "canceled" || status == "expired" || status == "deleted" || status == "failed")
      return verify::CheckOutcome::kNotFound;
    return refused(a);
  }
  if (a.status == 429 && e && e->code == kErrorMaxCheckAttempts) return verify::CheckOutcome::kTooManyChecks;
  if (a.status == 404 && e && e->code == kErrorNotFound) return verify::CheckOutcome::kNotFound;
  if (a.status == 400 && e && e->code == kErrorInvalidParameter) return invalidDestination();
  return refused(a);
}

}  // namespace roomgate::twilio
