#pragma once
// The signaling protocol's messages (docs/SIGNALING.md): parsing what clients send, writing what the
// server sends. Pure: text in, values out; never throws on bad input.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/Error.hpp"
#include "rtc/TurnCredentials.hpp"

namespace roomgate::rtc {

struct JoinMessage {
  std::string token;
  std::optional<std::string> room;
  std::optional<std::string> resume;  // the participant SID of this page's previous connection
};
struct SignalMessage {
  std::string to;
  nlohmann::json signal;  // an object, relayed as it is
};
struct TracksMessage {
  bool audio = true;
  bool video = true;
};
struct LeaveMessage {};
struct PingMessage {};
// Group rooms: the page's offer of its own microphone and camera (its publisher connection).
struct PublishMessage {
  std::string sdp;
};
// Group rooms: the page's answer to the server's latest subscribeOffer (its subscriber connection).
struct SubscribeAnswerMessage {
  std::string sdp;
};

using ClientMessage = std::variant<JoinMessage, SignalMessage, TracksMessage, LeaveMessage, PingMessage,
                                   PublishMessage, SubscribeAnswerMessage>;

// Error code "invalid_message" with a sentence saying what is wrong.
[[nodiscard]] Result<ClientMessage> parseClientMessage(std::string_view text);

struct Tracks {
  bool audio = true;
  bool video = true;
};

struct ParticipantInfo {
  std::string sid;
  std::string identity;
  std::string verifiedChannel;  // "sms", "email", or empty when unknown
  std::string verifiedTo;       // masked: "••21", "m•••@e•••.com"
  Tracks tracks;
};

struct RoomInfo {
  std::string sid;
  std::string name;
  std::string type;
  int maxParticipants = 0;
};

using Outgoing = std::shared_ptr<const std::string>;  // one serialisation shared by every recipient

[[nodiscard]] Outgoing joinedMessage(const ParticipantInfo& self, const RoomInfo& room,
                                     const std::vector<ParticipantInfo>& others,
                                     const std::vector<IceServer>& iceServers, bool relayOnly);
[[nodiscard]] Outgoing participantConnectedMessage(const ParticipantInfo& p);
[[nodiscard]] Outgoing participantDisconnectedMessage(const ParticipantInfo& p, std::string_view reason);
[[nodiscard]] Outgoing signalMessage(std::string_view from, const nlohmann::json& signal);
[[nodiscard]] Outgoing tracksChangedMessage(std::string_view sid, const Tracks& tracks);
[[nodiscard]] Outgoing errorMessage(std::string_view code, std::string_view message);
// Group rooms. `connection` numbers the page's subscriber connection: an offer with a new number is for a
// new RTCPeerConnection (the server's side of the old one is gone).
[[nodiscard]] Outgoing publishAnswerMessage(std::string_view sdp);
[[nodiscard]] Outgoing subscribeOfferMessage(std::string_view sdp, uint64_t connection);
// The server's side of the page's publisher or subscriber connection closed (ICE consent lapsed, DTLS
// failed): `role` is "publisher" (publish again) or "subscriber" (a new offer follows).
[[nodiscard]] Outgoing mediaClosedMessage(std::string_view role, std::string_view reason);
[[nodiscard]] Outgoing pongMessage();

}  // namespace roomgate::rtc
