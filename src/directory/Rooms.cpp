#include "directory/Rooms.hpp"

#include "directory/Identity.hpp"

namespace roomgate::directory {

Result<Room> Rooms::put(const Room& room) {
  auto name = validateRoomName(room.name);
  if (!name) return name.error();
  if (room.type != kPeerToPeer && room.type != kGroup)
    return Error::badRequest("invalid_room_type", "A room's type is \"peer-to-peer\" or \"group\".");
  const int max = room.type == kGroup ? kMaxGroupParticipants : kMaxPeerToPeerParticipants;
  if (room.maxParticipants < 2 || room.maxParticipants > max)
    return Error::badRequest("invalid_capacity",
                             "A " + room.type + " room holds 2 to " + std::to_string(max) + " participants.");
  store::Transaction tx(db_);
  db_.prepare(
         "INSERT INTO rooms (name, created_at, type, max_participants) VALUES (?, ?, ?, ?) "
         "ON CONFLICT(name) DO UPDATE SET type = excluded.type, max_participants = excluded.max_participants")
      .bind(1, *name)
      .bind(2, unixSeconds(clock_.now()))
      .bind(3, room.type)
      .bind(4, int64_t{room.maxParticipants})
      .run();
  auto stored = find(*name);
  tx.commit();
  return *stored;
}

std::optional<Room> Rooms::find(std::string_view name) {
  auto st = db_.prepare("SELECT name, type, max_participants FROM rooms WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return Room{st.text(0), st.text(1), static_cast<int>(st.integer(2))};
}

std::vector<Room> Rooms::list() {
  auto st = db_.prepare("SELECT name, type, max_participants FROM rooms ORDER BY name");
  std::vector<Room> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), static_cast<int>(st.integer(2))});
  return out;
}

std::optional<int64_t> Rooms::revokedBefore(std::string_view identity, std::string_view room) {
  auto st = db_.prepare(
      "SELECT MAX(revoked_before) FROM revocations WHERE identity = ? AND (room = '' OR room = ?)");
  st.bind(1, identity).bind(2, room);
  if (!st.step() || st.isNull(0)) return std::nullopt;
  return st.integer(0);
}

std::vector<Revocation> Rooms::revocationsAfter(int64_t seq) {
  auto st =
      db_.prepare("SELECT identity, room, revoked_before, seq FROM revocations WHERE seq > ? ORDER BY seq");
  st.bind(1, seq);
  std::vector<Revocation> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.integer(2), st.integer(3)});
  return out;
}

void Rooms::revoke(std::string_view identity, std::string_view room) {
  db_.prepare(
         "INSERT INTO revocations (identity, room, revoked_before, seq) "
         "VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM revocations)) "
         "ON CONFLICT(identity, room) DO UPDATE SET revoked_before = excluded.revoked_before, seq = "
         "excluded.seq")
      .bind(1, identity)
      .bind(2, room)
      .bind(3, unixSeconds(clock_.now()))
      .run();
}

}  // namespace roomgate::directory
