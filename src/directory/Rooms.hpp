#pragma once
// Rooms: each room's type and capacity (table `rooms`), and the revocation watermarks that make a
// removed guest's tokens unusable (table `revocations`).
// Thread: one thread at a time, like the store::Database it borrows.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Clock.hpp"
#include "common/Error.hpp"
#include "store/Database.hpp"

namespace roomgate::directory {

inline constexpr std::string_view kPeerToPeer = "peer-to-peer";
inline constexpr std::string_view kGroup = "group";
// A mesh: every browser uploads its video once per other participant, so 4 is the comfortable default.
inline constexpr int kDefaultPeerToPeerParticipants = 4;
// Beyond this a mesh saturates a home uplink; use a group room.
inline constexpr int kMaxPeerToPeerParticipants = 10;
// Twilio Video's group-room ceiling, and ours.
inline constexpr int kMaxGroupParticipants = 50;

// A room's defaults (and those of a room not in the table): a group room through the SFU, for 50.
struct Room {
  std::string name;
  std::string type = std::string(kGroup);
  int maxParticipants = kMaxGroupParticipants;
};

// A revocation as a watcher sees it.
struct Revocation {
  std::string identity;
  std::string room;  // empty: every room
  int64_t revokedBefore = 0;
  int64_t seq = 0;
};

class Rooms {
 public:
  Rooms(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Creates the room, or updates the type and capacity of an existing one (matched ignoring ASCII case).
  // Errors: "invalid_room", "invalid_room_type", "invalid_capacity".
  [[nodiscard]] Result<Room> put(const Room& room);
  [[nodiscard]] std::optional<Room> find(std::string_view name);
  [[nodiscard]] std::vector<Room> list();

  // The newest watermark for `identity` in `room` (the every-room one included), if any.
  [[nodiscard]] std::optional<int64_t> revokedBefore(std::string_view identity, std::string_view room);
  // Watermarks changed after `seq`, oldest first.
  [[nodiscard]] std::vector<Revocation> revocationsAfter(int64_t seq);
  // Records that tokens of `identity` (for `room`, or every room if empty) issued until now are void.
  // The caller holds the transaction that also removes the access.
  void revoke(std::string_view identity, std::string_view room);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace roomgate::directory
