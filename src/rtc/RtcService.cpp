#include "rtc/RtcService.hpp"

#include <spdlog/spdlog.h>

#include "directory/Rooms.hpp"

namespace roomgate::rtc {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

RtcService::RtcService(const token::TokenGate& tokens, const Clock& clock, Random& random, IceConfig ice,
                       RtcLookups lookups, Scheduler schedule)
    : tokens_(tokens),
      clock_(clock),
      random_(random),
      ice_(std::move(ice)),
      lookups_(std::move(lookups)),
      schedule_(std::move(schedule)),
      registry_([this](std::string_view prefix) { return std::string(prefix) + randomHex(random_, 16); }) {
  registry_.setRemovedHook([this](const Removed& r) {
    if (group_) group_->left(r.sid);
    const bool kicked = r.reason == "replaced" || r.reason == "revoked";
    writeAudit(kicked ? audit::kKick : audit::kLeave, r.identity, r.room, r.reason, r.sid);
  });
}

void RtcService::writeAudit(std::string_view event, std::string_view identity, std::string_view room,
                            std::string outcome, std::string detail) {
  if (lookups_.audit)
    lookups_.audit({0, 0, std::string(event), std::string(identity),
                    std::string(room.substr(0, audit::kMaxNameChars)), "", std::move(outcome),
                    std::move(detail)});
}

void RtcService::enableGroupRooms(media::SfuControl& sfu, MediaEndpoint endpoint) {
  group_.emplace(sfu, random_, std::move(endpoint));
}

void RtcService::onMediaClosed(const std::string& sid, media::TransportRole role, const std::string& reason) {
  if (group_) group_->mediaClosed(sid, role, reason);
}

GroupCalls* RtcService::groupFor(Peer* peer, std::string& sid) {
  const auto seat = registry_.seat(peer);
  if (!seat) return nullptr;
  if (seat->room.type != directory::kGroup) {
    peer->send(errorMessage(
        "not_group_room", "This room is peer-to-peer: media goes between the browsers, not to the server."));
    return nullptr;
  }
  if (!group_) {
    peer->send(errorMessage("media_unavailable", "The media server is not running; try again later."));
    return nullptr;
  }
  sid = seat->sid;
  return &*group_;
}

void RtcService::onText(Peer* peer, std::string_view text) {
  auto parsed = parseClientMessage(text);
  if (!parsed) return peer->close(CloseCode::kBadMessage, parsed.error().code, parsed.error().message);
  const bool joined = registry_.joined(peer);
  if (const auto* m = std::get_if<JoinMessage>(&*parsed)) {
    if (joined)
      return peer->close(CloseCode::kBadMessage, "invalid_message", "This connection has joined already.");
    return join(peer, *m);
  }
  if (!joined)
    return peer->close(CloseCode::kBadMessage, "join_first",
                       "The first message must be a join with your access token.");
  std::visit(Overloaded{[&](const JoinMessage&) {},
                        [&](const SignalMessage& m) {
                          auto relayed = registry_.relay(peer, m.to, m.signal);
                          // A participant who just left is a race, not a protocol error: tell, don't close.
                          if (!relayed)
                            peer->send(errorMessage(relayed.error().code, relayed.error().message));
                        },
                        [&](const TracksMessage& m) {
                          registry_.setTracks(peer, {m.audio, m.video});
                        },
                        [&](const PublishMessage& m) {
                          std::string sid;
                          if (auto* group = groupFor(peer, sid)) group->publish(sid, m.sdp);
                        },
                        [&](const SubscribeAnswerMessage& m) {
                          std::string sid;
                          if (auto* group = groupFor(peer, sid)) group->subscribeAnswer(sid, m.sdp);
                        },
                        [&](const LeaveMessage&) { registry_.leave(peer, "left"); },
                        [&](const PingMessage&) { peer->send(pongMessage()); }},
             *parsed);
}

void RtcService::join(Peer* peer, const JoinMessage& m) {
  auto claims = tokens_.admit(m.token, m.room ? std::optional<std::string_view>(*m.room) : std::nullopt);
  if (!claims) {
    // A token that is sound but not for this room, revoked or no longer invited: forbidden; else bad.
    const auto& e = claims.error();
    writeAudit(audit::kJoin, "", m.room.value_or(""), e.code, "");  // whose token it was is not known
    return peer->close(
        e.code == "token_room" || e.status == 403 ? CloseCode::kForbidden : CloseCode::kBadToken, e.code,
        e.message);
  }
  const RoomSettings settings = lookups_.room(claims->room);
  const Verified verified = lookups_.verified(claims->identity);
  JoinRequest request{claims->identity, {"", claims->room, settings.type, settings.maxParticipants},
                      claims->issuedAt, m.resume,
                      verified.channel, verified.to};
  auto joined = registry_.join(peer, request);
  if (!joined) {
    writeAudit(audit::kJoin, claims->identity, claims->room, joined.error().code, "");
    return peer->close(CloseCode::kRoomFull, joined.error().code, joined.error().message);
  }
  writeAudit(audit::kJoin, claims->identity, claims->room, std::string(audit::kOk),
             joined->self.sid + (m.resume && *m.resume == joined->self.sid ? " resumed" : ""));
  const auto servers =
      iceServersFor(ice_, claims->identity, unixSeconds(clock_.now()), kTurnCredentialTtl.count());
  peer->send(joinedMessage(joined->self, joined->room, joined->others, servers, ice_.relayOnly));
  if (group_ && joined->room.type == directory::kGroup)
    group_->joined(joined->room.sid, joined->self.sid, peer);
  spdlog::debug("{} joined {} as {}", claims->identity, claims->room, joined->self.sid);
}

void RtcService::onClosed(Peer* peer, std::string_view reason) {
  registry_.leave(peer, reason);
}

void RtcService::onLost(Peer* peer) {
  if (auto sid = registry_.detach(peer)) {
    // A group room's media is torn down at once (the others stop receiving it within a tick); a page
    // that resumes publishes again. The place in the room is kept for the resume window.
    if (group_) group_->left(*sid);
    schedule_(kResumeWindow, [this, sid = *sid] { registry_.expire(sid); });
  }
}

std::size_t RtcService::revoke(std::string_view identity, std::string_view room, int64_t revokedBefore) {
  const std::size_t n = registry_.revoke(identity, room, revokedBefore);
  writeAudit(audit::kRevocation, identity, room, std::string(audit::kOk),
             "tokens issued at or before " + std::to_string(revokedBefore) + "; " + std::to_string(n) +
                 " session(s) ended");
  if (n) spdlog::info("revoked {} session(s) of {}{}{}", n, identity, room.empty() ? "" : " in ", room);
  return n;
}

}  // namespace roomgate::rtc
