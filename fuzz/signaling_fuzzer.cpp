// rtc::parseClientMessage: every message a page sends on /rtc (docs/SIGNALING.md). The whole input is one
// message's text.
//
// Invariants:
//   - never throws or crashes; a refusal is 400 "invalid_message" with a sentence;
//   - what is accepted holds what the protocol requires: a join's token and a publish's or
//     subscribeAnswer's SDP are non-empty, a signal's payload is an object;
//   - an accepted message written back as a client writes it (encode() below: the protocol has no
//     serialiser for client messages, so this is the fuzzer's model of one) parses to the same message;
//   - a signal relayed to its target (signalMessage) carries the payload unchanged.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "FuzzCheck.hpp"
#include "rtc/Protocol.hpp"

namespace {

using nlohmann::json;
using namespace roomgate::rtc;

// A message as a page writes it.
json encode(const ClientMessage& message) {
  return std::visit(
      [](const auto& m) -> json {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, JoinMessage>) {
          json j = {{"type", "join"}, {"token", m.token}};
          if (m.room) j["room"] = *m.room;
          if (m.resume) j["resume"] = *m.resume;
          return j;
        } else if constexpr (std::is_same_v<T, SignalMessage>) {
          return {{"type", "signal"}, {"to", m.to}, {"signal", m.signal}};
        } else if constexpr (std::is_same_v<T, TracksMessage>) {
          return {{"type", "tracks"}, {"audio", m.audio}, {"video", m.video}};
        } else if constexpr (std::is_same_v<T, LeaveMessage>) {
          return {{"type", "leave"}};
        } else if constexpr (std::is_same_v<T, PingMessage>) {
          return {{"type", "ping"}};
        } else if constexpr (std::is_same_v<T, PublishMessage>) {
          return {{"type", "publish"}, {"sdp", m.sdp}};
        } else {
          static_assert(std::is_same_v<T, SubscribeAnswerMessage>);
          return {{"type", "subscribeAnswer"}, {"sdp", m.sdp}};
        }
      },
      message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto message = parseClientMessage({reinterpret_cast<const char*>(data), size});
  if (!message) {
    FUZZ_CHECK(message.error().status == 400 && message.error().code == "invalid_message" &&
               !message.error().message.empty());
    return 0;
  }
  if (const auto* join = std::get_if<JoinMessage>(&*message)) FUZZ_CHECK(!join->token.empty());
  if (const auto* p = std::get_if<PublishMessage>(&*message)) FUZZ_CHECK(!p->sdp.empty());
  if (const auto* a = std::get_if<SubscribeAnswerMessage>(&*message)) FUZZ_CHECK(!a->sdp.empty());
  if (const auto* signal = std::get_if<SignalMessage>(&*message)) {
    FUZZ_CHECK(signal->signal.is_object());
    const json relayed = json::parse(*signalMessage("PA1", signal->signal), nullptr, false);
    FUZZ_CHECK(relayed.is_object() && relayed.value("signal", json()) == signal->signal);
  }

  const json written = encode(*message);
  const auto again = parseClientMessage(written.dump());
  FUZZ_CHECK(again.ok() && again->index() == message->index() && encode(*again) == written);
  return 0;
}
