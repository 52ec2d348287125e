#pragma once
// The Twilio channels. TwilioSmsChannel: texts the code through Twilio's Messages API.
// Thread: send() on the delivery workers (blocks up to net::kTotalTimeout).
#include "delivery/Channel.hpp"
#include "twilio/TwilioClient.hpp"

namespace roomgate::delivery {

class TwilioSmsChannel final : public Channel {
 public:
  explicit TwilioSmsChannel(const twilio::TwilioClient& twilio) : twilio_(twilio) {}  // borrowed
  [[nodiscard]] std::string_view name() const override { return "twilio-sms"; }
  [[nodiscard]] bool remote() const override { return true; }
  [[nodiscard]] Status send(const Message& m) override { return twilio_.sendSms(m.to, m.body); }

 private:
  const twilio::TwilioClient& twilio_;
};

// TwilioVerifyChannel: with ROOMGATE_VERIFY=twilio, "delivering" is asking Twilio Verify to start a
// verification: Twilio makes and sends the code (by SMS or e-mail, as the message's channel says).
class TwilioVerifyChannel final : public Channel {
 public:
  explicit TwilioVerifyChannel(const twilio::TwilioClient& twilio) : twilio_(twilio) {}  // borrowed
  [[nodiscard]] std::string_view name() const override { return "twilio-verify"; }
  [[nodiscard]] bool remote() const override { return true; }
  [[nodiscard]] Status send(const Message& m) override { return twilio_.startVerification(m.to, m.channel); }

 private:
  const twilio::TwilioClient& twilio_;
};

}  // namespace roomgate::delivery
