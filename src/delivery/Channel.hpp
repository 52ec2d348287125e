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
  // True when send() asks a provider over the network: /login then answers only once the provider
  // accepted the message (so a refusal or a timeout becomes a 503 the guest can retry). The console
  // channel answers at once and /login does not wait for it.
  [[nodiscard]] virtual bool remote() const { return false; }
  // Delivers `m`, blocking until the provider accepted or refused it (at most net::kTotalTimeout). A
  // 503 Error's message describes the failure for the outbox and logs (never a credential or the code);
  // other statuses carry a sentence for the guest (400 invalid_destination, 429 too_many_sends).
  [[nodiscard]] virtual Status send(const Message& m) = 0;
};

// Development channel: writes `code for ********21: 123456` to the log. Only used with --dev.
class ConsoleChannel final : public Channel {
 public:
  [[nodiscard]] std::string_view name() const override { return "console"; }
  [[nodiscard]] Status send(const Message& m) override;
};

}  // namespace roomgate::delivery
