#include "rtc/RoomRegistry.hpp"

#include <algorithm>

#include "common/Text.hpp"

namespace roomgate::rtc {
namespace {
// Rooms and identities match ignoring ASCII case, as the database's NOCASE columns do.
std::string roomKey(std::string_view name) {
  return asciiLower(name);
}
bool sameIdentity(std::string_view a, std::string_view b) {
  return asciiLower(a) == asciiLower(b);
}
}  // namespace

void RoomRegistry::broadcast(Room& room, const Outgoing& message, const Participant* except) {
  for (Participant* p : room.members)
    if (p != except && p->peer) p->peer->send(message);
}

Result<Joined> RoomRegistry::join(Peer* peer, const JoinRequest& request) {
  const std::string key = roomKey(request.room.name);
  auto [it, created] = rooms_.try_emplace(key);
  // `room` stays valid to the end: std::map nodes move for no insertion, and the only erasure below
  // (a refused join's new room) returns at once. A replaced participant's removal keeps the room even
  // when it was the only member (EmptyRoom::kKeep), so the newcomer lands in the same room.
  Room& room = it->second;
  if (created) {
    room.info = request.room;
    room.info.sid = newSid_("RM");
  }

  auto found = std::find_if(room.members.begin(), room.members.end(),
                            [&](Participant* p) { return sameIdentity(p->info.identity, request.identity); });
  Participant* const existing = found != room.members.end() ? *found : nullptr;
  const bool resuming = existing && request.resume && *request.resume == existing->info.sid;
  const std::size_t others = room.members.size() - (existing ? 1 : 0);
  if (static_cast<int>(others) >= room.info.maxParticipants) {
    Error full{4503,
               "room_full",
               room.info.name + " is full (" + std::to_string(room.info.maxParticipants) +
                   " participants). Try again when someone leaves.",
               {}};
    if (created) rooms_.erase(it);  // `room` is gone from here on
    return full;
  }

  Joined out;
  out.room = room.info;
  if (resuming) {
    // Same participant, new connection: attach it; the others see no change.
    Peer* old = existing->peer;
    if (old) byPeer_.erase(old);
    existing->peer = peer;
    existing->tokenIssuedAt = request.tokenIssuedAt;
    byPeer_[peer] = existing;
    if (old)
      old->close(CloseCode::kReplaced, "replaced",
                 "This connection was replaced by a newer one from the same page.");
    out.self = existing->info;
  } else {
    if (existing) {
      // The same guest from another tab or device, or a page that lost its socket and joined afresh:
      // the old participant leaves (announced), the new one arrives. `existing` is freed by remove().
      Peer* old = existing->peer;
      remove(existing, "replaced", EmptyRoom::kKeep);
      if (old)
        old->close(CloseCode::kReplaced, "replaced",
                   "You joined from another tab or device, so this one was disconnected.");
    }
    auto owned = std::make_unique<Participant>();
    Participant* p = owned.get();
    p->info = {newSid_("PA"), request.identity, request.verifiedChannel, request.verifiedTo, {}};
    p->roomKey = key;
    p->tokenIssuedAt = request.tokenIssuedAt;
    p->peer = peer;
    out.self = p->info;
    bySid_[p->info.sid] = std::move(owned);
    byPeer_[peer] = p;
    broadcast(room, participantConnectedMessage(p->info), nullptr);
    room.members.push_back(p);
  }
  for (Participant* m : room.members)
    if (m->peer != peer) out.others.push_back(m->info);
  return out;
}

void RoomRegistry::remove(Participant* p, std::string_view reason, EmptyRoom emptyRoom) {
  auto rit = rooms_.find(p->roomKey);
  Removed removed{p->info.sid, p->info.identity, rit != rooms_.end() ? rit->second.info.name : p->roomKey,
                  std::string(reason)};
  if (rit != rooms_.end()) {
    Room& room = rit->second;
    std::erase(room.members, p);
    broadcast(room, participantDisconnectedMessage(p->info, reason), nullptr);
    if (room.members.empty() && emptyRoom == EmptyRoom::kErase) rooms_.erase(rit);
  }
  if (p->peer) byPeer_.erase(p->peer);
  bySid_.erase(removed.sid);  // destroys p
  if (onRemoved_) onRemoved_(removed);
}

std::optional<Seat> RoomRegistry::seat(Peer* peer) const {
  auto it = byPeer_.find(peer);
  if (it == byPeer_.end()) return std::nullopt;
  return Seat{it->second->info.sid, rooms_.at(it->second->roomKey).info};
}

void RoomRegistry::leave(Peer* peer, std::string_view reason) {
  auto it = byPeer_.find(peer);
  if (it == byPeer_.end()) return;
  remove(it->second, reason, EmptyRoom::kErase);
}

std::optional<std::string> RoomRegistry::detach(Peer* peer) {
  auto it = byPeer_.find(peer);
  if (it == byPeer_.end()) return std::nullopt;
  Participant* p = it->second;
  byPeer_.erase(it);
  p->peer = nullptr;
  return p->info.sid;
}

void RoomRegistry::expire(std::string_view sid) {
  auto it = bySid_.find(std::string(sid));
  if (it != bySid_.end() && !it->second->peer) remove(it->second.get(), "closed", EmptyRoom::kErase);
}

Status RoomRegistry::relay(Peer* peer, std::string_view toSid, const nlohmann::json& signal) {
  auto it = byPeer_.find(peer);
  if (it == byPeer_.end()) return Error::badRequest("join_first", "Join a room before sending signals.");
  const Participant* from = it->second;
  Room& room = rooms_.at(from->roomKey);
  for (Participant* m : room.members) {
    if (m->info.sid == toSid && m != from) {
      if (m->peer) m->peer->send(signalMessage(from->info.sid, signal));  // detached: lost, as on the wire
      return Ok{};
    }
  }
  return Error::badRequest("unknown_participant",
                           "There is no participant " + std::string(toSid.substr(0, 40)) + " in this room.");
}

void RoomRegistry::setTracks(Peer* peer, const Tracks& tracks) {
  auto it = byPeer_.find(peer);
  if (it == byPeer_.end()) return;
  Participant* p = it->second;
  p->info.tracks = tracks;
  broadcast(rooms_.at(p->roomKey), tracksChangedMessage(p->info.sid, tracks), p);
}

std::size_t RoomRegistry::revoke(std::string_view identity, std::string_view room, int64_t revokedBefore) {
  std::vector<Participant*> victims;
  for (auto& [sid, p] : bySid_) {
    if (!sameIdentity(p->info.identity, identity) || p->tokenIssuedAt > revokedBefore) continue;
    if (!room.empty() && p->roomKey != roomKey(room)) continue;
    victims.push_back(p.get());
  }
  // Each remove() frees only its own participant, and neither the removal hook nor Peer::close calls
  // back into the registry, so the other victims' pointers stay valid.
  for (Participant* p : victims) {
    Peer* peer = p->peer;
    remove(p, "revoked", EmptyRoom::kErase);
    if (peer)  // a detached participant (waiting to resume) has no connection to close
      peer->close(CloseCode::kForbidden, "token_revoked",
                  "You were removed from the guest list for this room.");
  }
  return victims.size();
}

}  // namespace roomgate::rtc
