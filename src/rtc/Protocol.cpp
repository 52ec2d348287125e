#include "rtc/Protocol.hpp"

namespace roomgate::rtc {
namespace {

using nlohmann::json;

Error invalid(std::string message) {
  return Error::badRequest("invalid_message", std::move(message));
}

Outgoing share(const json& j) {
  return std::make_shared<const std::string>(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

json toJson(const ParticipantInfo& p) {
  json j = {{"sid", p.sid},
            {"identity", p.identity},
            {"tracks", {{"audio", p.tracks.audio}, {"video", p.tracks.video}}}};
  if (!p.verifiedChannel.empty()) j["verified"] = {{"channel", p.verifiedChannel}, {"to", p.verifiedTo}};
  return j;
}

Result<std::optional<std::string>> optionalString(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return invalid(std::string("\"") + name + "\" must be a string.");
  return std::optional<std::string>(it->get<std::string>());
}

}  // namespace

Result<ClientMessage> parseClientMessage(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalid("A message must be a JSON object.");
  auto type = optionalString(j, "type");
  if (!type) return type.error();
  if (!type.value()) return invalid("A message needs a \"type\".");
  const std::string& t = **type;
  if (t == "join") {
    auto token = optionalString(j, "token");
    if (!token) return token.error();
    if (!token.value() || token.value()->empty())
      return invalid("\"join\" needs the access token in \"token\".");
    auto room = optionalString(j, "room");
    if (!room) return room.error();
    auto resume = optionalString(j, "resume");
    if (!resume) return resume.error();
    return ClientMessage(JoinMessage{**token, *room, *resume});
  }
  if (t == "signal") {
    auto to = optionalString(j, "to");
    if (!to) return to.error();
    if (!to.value()) return invalid("\"signal\" needs the participant SID in \"to\".");
    auto it = j.find("signal");
    if (it == j.end() || !it->is_object()) return invalid("\"signal\" needs an object in \"signal\".");
    return ClientMessage(SignalMessage{**to, *it});
  }
  if (t == "tracks") {
    auto audio = j.find("audio"), video = j.find("video");
    if (audio == j.end() || video == j.end() || !audio->is_boolean() || !video->is_boolean())
      return invalid("\"tracks\" needs \"audio\" and \"video\" as true or false.");
    return ClientMessage(TracksMessage{audio->get<bool>(), video->get<bool>()});
  }
  if (t == "publish" || t == "subscribeAnswer") {
    auto sdp = optionalString(j, "sdp");
    if (!sdp) return sdp.error();
    if (!sdp.value() || sdp.value()->empty())
      return invalid("\"" + t + "\" needs the session description in \"sdp\".");
    if (t == "publish") return ClientMessage(PublishMessage{**sdp});
    return ClientMessage(SubscribeAnswerMessage{**sdp});
  }
  if (t == "leave") return ClientMessage(LeaveMessage{});
  if (t == "ping") return ClientMessage(PingMessage{});
  return invalid("Unknown message type \"" + t.substr(0, 32) + "\".");
}

Outgoing joinedMessage(const ParticipantInfo& self, const RoomInfo& room,
                       const std::vector<ParticipantInfo>& others, const std::vector<IceServer>& iceServers,
                       bool relayOnly) {
  json list = json::array();
  for (const auto& p : others) list.push_back(toJson(p));
  json servers = json::array();
  for (const auto& s : iceServers) {
    json e = {{"urls", s.urls}};
    if (!s.username.empty()) {
      e["username"] = s.username;
      e["credential"] = s.credential;
    }
    servers.push_back(std::move(e));
  }
  return share({{"type", "joined"},
                {"participant", toJson(self)},
                {"room",
                 {{"sid", room.sid},
                  {"name", room.name},
                  {"type", room.type},
                  {"maxParticipants", room.maxParticipants}}},
                {"participants", std::move(list)},
                {"iceServers", std::move(servers)},
                {"iceTransportPolicy", relayOnly ? "relay" : "all"}});
}

Outgoing participantConnectedMessage(const ParticipantInfo& p) {
  return share({{"type", "participantConnected"}, {"participant", toJson(p)}});
}

Outgoing participantDisconnectedMessage(const ParticipantInfo& p, std::string_view reason) {
  return share({{"type", "participantDisconnected"},
                {"participant", {{"sid", p.sid}, {"identity", p.identity}}},
                {"reason", reason}});
}

Outgoing signalMessage(std::string_view from, const nlohmann::json& signal) {
  return share({{"type", "signal"}, {"from", from}, {"signal", signal}});
}

Outgoing tracksChangedMessage(std::string_view sid, const Tracks& tracks) {
  return share({{"type", "tracksChanged"},
                {"sid", sid},
                {"tracks", {{"audio", tracks.audio}, {"video", tracks.video}}}});
}

Outgoing errorMessage(std::string_view code, std::string_view message) {
  return share({{"type", "error"}, {"code", code}, {"message", message}});
}

Outgoing publishAnswerMessage(std::string_view sdp) {
  return share({{"type", "publishAnswer"}, {"sdp", sdp}});
}

Outgoing subscribeOfferMessage(std::string_view sdp, uint64_t connection) {
  return share({{"type", "subscribeOffer"}, {"sdp", sdp}, {"connection", connection}});
}

Outgoing mediaClosedMessage(std::string_view role, std::string_view reason) {
  return share({{"type", "mediaClosed"}, {"role", role}, {"reason", reason}});
}

Outgoing pongMessage() {
  static const Outgoing pong = share({{"type", "pong"}});
  return pong;
}

}  // namespace roomgate::rtc
