#pragma once
// RoomRegistry: who is in which room, and the presence events that follow joins, leaves, replacements,
// track changes and revocations. No I/O: peers are reached through the Peer interface.
// Thread: the I/O thread only.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/Error.hpp"
#include "rtc/Peer.hpp"
#include "rtc/Protocol.hpp"

namespace roomgate::rtc {

struct JoinRequest {
  std::string identity;
  RoomInfo room;              // sid is filled by the registry
  int64_t tokenIssuedAt = 0;  // compared with revocation watermarks
  std::optional<std::string> resume;
  std::string verifiedChannel;
  std::string verifiedTo;
};

// Where a connected peer sits.
struct Seat {
  std::string sid;
  RoomInfo room;
};

// A participant who left the registry, as the removal hook is told.
struct Removed {
  std::string sid;
  std::string identity;
  std::string room;    // its name as first joined
  std::string reason;  // "left", "closed", "timeout", "replaced", "revoked"
};

struct Joined {
  ParticipantInfo self;
  RoomInfo room;
  std::vector<ParticipantInfo> others;
};

class RoomRegistry {
 public:
  // `newSid(prefix)` makes participant ("PA") and room ("RM") SIDs.
  explicit RoomRegistry(std::function<std::string(std::string_view prefix)> newSid)
      : newSid_(std::move(newSid)) {}

  // Adds `peer` to the room. The same identity already in the room is replaced: silently when `resume`
  // names its SID (a reconnect: the call goes on), otherwise with participantDisconnected("replaced") and
  // a new participantConnected. Error "room_full" (4503) when the room has maxParticipants others.
  [[nodiscard]] Result<Joined> join(Peer* peer, const JoinRequest& request);
  // Removes `peer` (if still present) and tells the room. Idempotent.
  void leave(Peer* peer, std::string_view reason);
  // `peer`'s connection was lost without a goodbye: the participant stays in the room, unreachable, so a
  // reconnect that names its SID in `resume` can take it over. Returns that SID (nullopt if not joined).
  std::optional<std::string> detach(Peer* peer);
  // Removes participant `sid` with reason "closed" if it is still detached (its resume window is over).
  void expire(std::string_view sid);
  // Relays `signal` from `peer` to participant `toSid` in the same room. Error "unknown_participant".
  [[nodiscard]] Status relay(Peer* peer, std::string_view toSid, const nlohmann::json& signal);
  void setTracks(Peer* peer, const Tracks& tracks);
  // Ends the sessions of `identity` (in `room`, or every room if empty) whose token was issued at or
  // before `revokedBefore`; returns how many.
  std::size_t revoke(std::string_view identity, std::string_view room, int64_t revokedBefore);

  // Called for every participant that leaves the registry, whatever the reason. The hook runs inside a
  // registry call and must not call the registry back.
  void setRemovedHook(std::function<void(const Removed&)> hook) { onRemoved_ = std::move(hook); }

  [[nodiscard]] bool joined(Peer* peer) const { return byPeer_.contains(peer); }
  [[nodiscard]] std::optional<Seat> seat(Peer* peer) const;
  [[nodiscard]] std::size_t participantCount() const { return bySid_.size(); }
  [[nodiscard]] std::size_t roomCount() const { return rooms_.size(); }
  // Live rooms by type ("peer-to-peer", "group"), for /metrics.
  [[nodiscard]] std::map<std::string, std::size_t> roomCountsByType() const {
    std::map<std::string, std::size_t> counts;
    for (const auto& [key, room] : rooms_) ++counts[room.info.type];
    return counts;
  }

 private:
  struct Participant {
    ParticipantInfo info;
    std::string roomKey;
    int64_t tokenIssuedAt = 0;
    Peer* peer = nullptr;  // null while detached
  };
  struct Room {
    RoomInfo info;
    std::vector<Participant*> members;  // join order
  };

  // What remove() does with a room it leaves empty: erase it, or keep it for a participant about to join.
  enum class EmptyRoom { kErase, kKeep };

  // Sends `message` to every attached member but `except`. Peer::send never calls back into the
  // registry (Peer.hpp), so `room.members` cannot change under the loop.
  void broadcast(Room& room, const Outgoing& message, const Participant* except);
  // Tells the room `p` left with `reason`, forgets `p` (freed on return) and runs the removal hook.
  void remove(Participant* p, std::string_view reason, EmptyRoom emptyRoom);

  std::function<std::string(std::string_view)> newSid_;
  std::function<void(const Removed&)> onRemoved_;
  std::map<std::string, Room> rooms_;                                    // by lower-cased room name
  std::unordered_map<std::string, std::unique_ptr<Participant>> bySid_;  // owns every participant
  std::unordered_map<Peer*, Participant*> byPeer_;                       // the attached ones
};

}  // namespace roomgate::rtc
