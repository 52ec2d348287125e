#include "delivery/SmtpChannel.hpp"

#include <algorithm>

#include "delivery/MailMessage.hpp"
#include "net/Curl.hpp"

namespace roomgate::delivery {

bool isLoopbackUrl(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view host = url.substr(scheme + 3);
  if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (host.starts_with("[::1]")) return true;
  host = host.substr(0, host.find_first_of(":/"));
  const bool ipv4 =
      std::all_of(host.begin(), host.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
  return host == "localhost" || (ipv4 && host.starts_with("127."));
}

Status SmtpChannel::send(const Message& m) {
  const int64_t now = unixSeconds(clock_.now());
  const std::string message = buildMail(
      {settings_.from, m.to, m.subject, m.body, now, m.verificationSid + "." + std::to_string(now)});
  return net::sendMail({settings_.url, !isLoopbackUrl(settings_.url), settings_.user, settings_.password,
                        settings_.from, m.to, message});
}

}  // namespace roomgate::delivery
