#pragma once
#include <string>

namespace roomgate::delivery {

// One passcode message. The channel knows where and how to send it, not who asked or why.
struct Message {
  std::string verificationSid;
  std::string channel;   // "sms" or "email"
  std::string to;        // E.164 number or e-mail address
  std::string maskedTo;  // what logs may show
  std::string subject;   // e-mail subject; unused by SMS
  std::string body;      // the text to deliver, code included
  std::string code;      // kept apart so the development console and outbox can show it
};

}  // namespace roomgate::delivery
