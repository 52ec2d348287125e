#pragma once
// Twilio's REST APIs as pure functions: the requests roomgate sends (path and form fields, as the OpenAPI
// specs in tests/contracts/twilio/ define them) and what each answer means for a guest. No I/O here:
// TwilioClient sends the requests; unit tests drive these functions directly.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/Error.hpp"
#include "verify/OtpPolicy.hpp"

namespace roomgate::twilio {

// Twilio's error codes that change what the guest is told (https://www.twilio.com/docs/api/errors).
inline constexpr int kErrorNotFound = 20404;  // the verification expired, was approved or never existed
inline constexpr int kErrorInvalidParameter = 60200;  // e.g. the destination cannot receive codes
inline constexpr int kErrorMaxCheckAttempts = 60202;
inline constexpr int kErrorMaxSendAttempts = 60203;
inline constexpr int kErrorInvalidToNumber = 21211;
inline constexpr int kErrorNotMobileNumber = 21614;
// Twilio Verify's send window: when a 429/60203 comes without Retry-After, this is the honest wait.
inline constexpr int kDefaultSendRetryAfterSeconds = 600;

using Form = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded (WHATWG): unreserved bytes as they are, space as '+', the rest %XX.
[[nodiscard]] std::string formEncode(const Form& form);

struct ApiRequest {
  std::string path;  // appended to the base URL
  Form form;
};

// Who sends an SMS: a Twilio number (E.164) in From, or a Messaging Service (MG...).
struct Sender {
  std::optional<std::string> fromNumber;
  std::optional<std::string> messagingServiceSid;
};

// POST /2010-04-01/Accounts/{AccountSid}/Messages.json
[[nodiscard]] ApiRequest messageRequest(std::string_view accountSid, const Sender& sender,
                                        std::string_view to, std::string_view body);
// POST /v2/Services/{ServiceSid}/Verifications; `channel` is "sms" or "email".
[[nodiscard]] ApiRequest verificationRequest(std::string_view serviceSid, std::string_view to,
                                             std::string_view channel);
// POST /v2/Services/{ServiceSid}/VerificationCheck
[[nodiscard]] ApiRequest checkRequest(std::string_view serviceSid, std::string_view to,
                                      std::string_view code);

// An answer from Twilio: status, JSON body, Retry-After seconds if any.
struct ApiAnswer {
  long status = 0;
  std::string body;
  std::optional<int> retryAfterSeconds;
};

// Twilio's error body: {"code", "message", "more_info", "status"}.
struct ApiError {
  int code = 0;
  std::string message;
};
[[nodiscard]] std::optional<ApiError> parseError(std::string_view body);

// The Messages API accepted the SMS (201, status queued/accepted/...), or the Error to give: 400
// "invalid_destination" for a number that cannot receive texts, else 503 "provider_refused" whose message
// describes Twilio's answer (for the outbox and logs).
[[nodiscard]] Status interpretMessage(const ApiAnswer& answer);

// A verification was started (201), or: 429 "too_many_sends" (60203, with Retry-After), 400
// "invalid_destination" (60200), else 503 "provider_refused".
[[nodiscard]] Status interpretVerification(const ApiAnswer& answer);

// A check's outcome: approved, wrong code (pending), too many checks (60202), expired or unknown (20404);
// 400 "invalid_destination" (60200); else 503 "provider_refused".
[[nodiscard]] Result<verify::CheckOutcome> interpretCheck(const ApiAnswer& answer);

// The guest-facing sentence for a destination Twilio will not send to.
[[nodiscard]] Error invalidDestination();

}  // namespace roomgate::twilio
