#pragma once
// An RFC 5322 message (plain text, UTF-8) built from its parts, as a pure function, so the exact bytes
// sent by SmtpChannel are unit-tested. Lines end with CRLF; a non-ASCII subject is RFC 2047 encoded.
// SMTP dot-stuffing (RFC 5321 section 4.5.2) is libcurl's job, not this one's.
#include <cstdint>
#include <string>

namespace roomgate::delivery {

struct MailParts {
  std::string from;       // address only: rooms@example.com
  std::string to;         // address only
  std::string subject;    // one line, any UTF-8
  std::string body;       // plain text, any line ends
  int64_t date = 0;       // unix seconds, for the Date header
  std::string messageId;  // unique left part; the domain of `from` is appended
};

[[nodiscard]] std::string buildMail(const MailParts& parts);

}  // namespace roomgate::delivery
