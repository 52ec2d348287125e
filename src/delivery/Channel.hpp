#pragma once
// Channel: one way of delivering a message (console, SMTP, Twilio SMS ...).
// Thread: send() is called only on the delivery thread; available() on any thread.
#include <string_view>

#include "common/Error.hpp"
#include "delivery/Message.hpp"

namespace roomgate::delivery {

class Channel {
 public:
  virtual ~Channel() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // False when the channel knows it cannot deliver now (not configured, provider down): the request is
  // then refused with 503 before any verification state is spent.
  [[nodiscard]] virtual bool available() const { return true; }
  // Delivers `m`, blocking until the provider accepted or refused it. Error message is for the outbox.
  [[nodiscard]] virtual Status send(const Message& m) = 0;
};

// Development channel: writes `code for ********21: 123456` to the log. Only used with --dev.
class ConsoleChannel final : public Channel {
 public:
  [[nodiscard]] std::string_view name() const override { return "console"; }
  [[nodiscard]] Status send(const Message& m) override;
};

}  // namespace roomgate::delivery
