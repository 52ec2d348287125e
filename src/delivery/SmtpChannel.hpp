#pragma once
// SmtpChannel: e-mails the code through an SMTP server (libcurl, in net/): STARTTLS with smtp://,
// TLS from the first byte with smtps://, AUTH when a user is configured.
// Thread: send() on the delivery workers (blocks up to net::kTotalTimeout).
#include <string>

#include "common/Clock.hpp"
#include "delivery/Channel.hpp"

namespace roomgate::delivery {

struct SmtpSettings {
  std::string url;   // smtp://host:port or smtps://host:port
  std::string from;  // the From address
  std::string user;  // empty: no AUTH
  std::string password;
};

// True when `url` names a host on this machine (127.0.0.0/8, ::1, localhost): a local relay may then be
// spoken to without TLS; anything else must offer STARTTLS (or be smtps://).
[[nodiscard]] bool isLoopbackUrl(std::string_view url);

class SmtpChannel final : public Channel {
 public:
  SmtpChannel(SmtpSettings settings, const Clock& clock) : settings_(std::move(settings)), clock_(clock) {}
  [[nodiscard]] std::string_view name() const override { return "smtp"; }
  [[nodiscard]] bool remote() const override { return true; }
  [[nodiscard]] Status send(const Message& m) override;

 private:
  SmtpSettings settings_;
  const Clock& clock_;
};

}  // namespace roomgate::delivery
