#pragma once
// Blocking network calls to providers through libcurl, which stays inside this part (net/Curl.cpp):
// an HTTP POST of a form (Twilio's APIs) and one SMTP submission. Both give up after kConnectTimeout to
// connect and kTotalTimeout in all, so a provider that is down or slow costs a guest seconds, not a hang.
// Thread: any thread; each call uses its own handle. Never call from the server's I/O thread.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "common/Error.hpp"

namespace roomgate::net {

// A provider that does not accept a connection within this is down for our purposes.
inline constexpr std::chrono::seconds kConnectTimeout{3};
// The whole exchange, connection included: the longest a guest waits on a provider.
inline constexpr std::chrono::seconds kTotalTimeout{10};
// More of a provider's answer than this is not read (Twilio's JSON answers are a few KiB).
inline constexpr std::size_t kMaxResponseBytes = 64 * 1024;

struct FormPost {
  std::string url;       // https://api.twilio.com/2010-04-01/...
  std::string body;      // application/x-www-form-urlencoded
  std::string user;      // HTTP basic; never logged
  std::string password;  // never logged
};

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::optional<int> retryAfterSeconds;  // the Retry-After header, when it is a number of seconds
};

// The provider's answer whatever its status, or a 503 Error ("provider_unreachable" or "provider_timeout")
// whose message names the transport failure (for logs and the outbox; it holds no credentials).
[[nodiscard]] Result<HttpAnswer> postForm(const FormPost& post);

struct MailSubmission {
  std::string url;         // smtp://host:port (STARTTLS) or smtps://host:port (TLS from the start)
  bool requireTls = true;  // with smtp://: refuse to send if the server offers no STARTTLS
  std::string user;        // empty: no AUTH
  std::string password;
  std::string from;     // envelope sender
  std::string to;       // envelope recipient
  std::string message;  // the whole RFC 5322 message, CRLF line ends
};

// Ok once the server accepted the message for delivery; else a 503 Error naming what went wrong.
[[nodiscard]] Status sendMail(const MailSubmission& mail);

// libcurl's one-time global set-up; call once from the main thread before any worker starts.
void initialize();

}  // namespace roomgate::net
