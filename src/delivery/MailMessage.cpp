#include "delivery/MailMessage.hpp"

#include <ctime>
#include <string_view>

#include "common/Encoding.hpp"

namespace roomgate::delivery {
namespace {

bool isAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80 || c == '\r' || c == '\n') return false;
  return true;
}

// RFC 2047 encoded-word (B encoding). Header lines stay one line: CR and LF never reach the output.
std::string encodeHeader(std::string_view text) {
  std::string clean;
  for (char c : text) clean.push_back(c == '\r' || c == '\n' ? ' ' : c);
  if (isAscii(clean)) return clean;
  return "=?UTF-8?B?" + base64Encode(clean) + "?=";
}

std::string rfc5322Date(int64_t unixSeconds) {
  const std::time_t t = unixSeconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string crlfLines(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

}  // namespace

std::string buildMail(const MailParts& p) {
  const std::string domain = p.from.substr(p.from.rfind('@') + 1);
  std::string m;
  m += "From: " + encodeHeader(p.from) + "\r\n";
  m += "To: " + encodeHeader(p.to) + "\r\n";
  m += "Subject: " + encodeHeader(p.subject) + "\r\n";
  m += "Date: " + rfc5322Date(p.date) + "\r\n";
  m += "Message-ID: <" + encodeHeader(p.messageId) + "@" + encodeHeader(domain) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "\r\n";
  m += crlfLines(p.body);
  return m;
}

}  // namespace roomgate::delivery
