#include "directory/Directory.hpp"

#include <algorithm>
#include <string>

#include "common/Text.hpp"
#include "directory/GuestImport.hpp"
#include "directory/Identity.hpp"
#include "directory/PhoneNumber.hpp"
#include "directory/Rooms.hpp"

namespace roomgate::directory {
namespace {

// One row per (guest, room), rooms in position order. identity, phone and email are repeated on each row.
// A guest's columns and rooms, from participants `p`; readGuests() reads them.
constexpr std::string_view kGuestColumns = "SELECT p.id, p.identity, p.phone, p.email, r.name ";
constexpr std::string_view kGuestRooms =
    "LEFT JOIN participant_rooms pr ON pr.participant_id = p.id "
    "LEFT JOIN rooms r ON r.id = pr.room_id ";
const std::string kSelectGuest =
    std::string(kGuestColumns) + "FROM participants p " + std::string(kGuestRooms);

// Reads the rows of kSelectGuest into guests, one per participant id (rows of a guest are adjacent).
std::vector<Guest> readGuests(store::Statement& st) {
  std::vector<Guest> guests;
  int64_t lastId = 0;
  while (st.step()) {
    const int64_t id = st.integer(0);
    if (guests.empty() || id != lastId) {
      guests.push_back(Guest{st.text(1), st.optText(2), st.optText(3), {}});
      lastId = id;
    }
    if (!st.isNull(4)) guests.back().rooms.push_back(st.text(4));
  }
  return guests;
}

Error guestExists(const std::string& identity) {
  return Error::conflict("guest_exists",
                         identity + " is already on the guest list; remove them first or pick another name.");
}

}  // namespace

Directory::Directory(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<Guest> Directory::add(const Guest& guest) {
  auto normalized = normalizeGuest(guest);
  if (!normalized) return normalized.error();
  store::Transaction tx(db_);
  auto added = insert(*normalized);
  if (added) tx.commit();
  return added;
}

Result<Guest> Directory::insert(const Guest& guest) {
  {
    auto st = db_.prepare("SELECT 1 FROM participants WHERE identity = ?");
    st.bind(1, guest.identity);
    if (st.step()) return guestExists(guest.identity);
  }
  const int64_t now = unixSeconds(clock_.now());
  db_.prepare("INSERT INTO participants (identity, phone, email, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, guest.identity)
      .bind(2, guest.phone)
      .bind(3, guest.email)
      .bind(4, now)
      .run();
  const int64_t participantId = db_.lastInsertRowId();

  Guest stored = guest;
  for (std::size_t i = 0; i < stored.rooms.size(); ++i) {
    const int64_t room = roomId(stored.rooms[i], now);
    db_.prepare("INSERT INTO participant_rooms (participant_id, room_id, position) VALUES (?, ?, ?)")
        .bind(1, participantId)
        .bind(2, room)
        .bind(3, static_cast<int64_t>(i))
        .run();
  }
  return stored;
}

int64_t Directory::roomId(std::string& name, int64_t now) {
  {
    auto st = db_.prepare("SELECT id, name FROM rooms WHERE name = ?");
    st.bind(1, name);
    if (st.step()) {
      name = st.text(1);
      return st.integer(0);
    }
  }
  const Room defaults;  // a room first named by the guest list gets the default type and capacity
  db_.prepare("INSERT INTO rooms (name, created_at, type, max_participants) VALUES (?, ?, ?, ?)")
      .bind(1, name)
      .bind(2, now)
      .bind(3, defaults.type)
      .bind(4, defaults.maxParticipants)
      .run();
  return db_.lastInsertRowId();
}

std::optional<Guest> Directory::find(std::string_view identity) {
  auto valid = validateIdentity(identity);
  if (!valid) return std::nullopt;
  static const std::string sql = std::string(kSelectGuest) + "WHERE p.identity = ? ORDER BY pr.position";
  auto st = db_.prepare(sql);
  st.bind(1, *valid);
  auto guests = readGuests(st);
  if (guests.empty()) return std::nullopt;
  return std::move(guests.front());
}

std::optional<Directory::Match> Directory::findOrStandIn(std::string_view identity, uint64_t seed) {
  auto valid = validateIdentity(identity);
  if (!valid) return std::nullopt;
  // The id to read: the guest's, else the first at or after the seed, else the first (the seed ran past
  // the last id).
  static const std::string sql =
      std::string(kGuestColumns) +
      "FROM (SELECT (SELECT id FROM participants WHERE identity = ?1) AS hit,"
      " (SELECT id FROM participants"
      "  WHERE id >= ?2 % ((SELECT MAX(id) FROM participants) + 1)"
      "  ORDER BY id LIMIT 1) AS seeded,"
      " (SELECT MIN(id) FROM participants) AS first) pick "
      "JOIN participants p ON p.id = COALESCE(pick.hit, pick.seeded, pick.first) " +
      std::string(kGuestRooms) + "ORDER BY pr.position";
  auto st = db_.prepare(sql);
  st.bind(1, *valid);
  st.bind(2, static_cast<int64_t>(seed >> 1));  // a non-negative int64
  auto guests = readGuests(st);
  if (guests.empty()) return std::nullopt;
  // identity is COLLATE NOCASE: ASCII case only, as asciiLower folds it.
  const bool exact = asciiLower(guests.front().identity) == asciiLower(*valid);
  return Match{std::move(guests.front()), exact};
}

std::vector<Guest> Directory::list() {
  // participants.identity is COLLATE NOCASE, so the ORDER BY ignores ASCII case; p.id keeps each guest's
  // rows together should two identities ever compare equal.
  static const std::string sql = std::string(kSelectGuest) + "ORDER BY p.identity, p.id, pr.position";
  auto st = db_.prepare(sql);
  return readGuests(st);
}

Result<Ok> Directory::remove(std::string_view identity) {
  auto valid = validateIdentity(identity);
  if (!valid)
    return Error::notFound("guest_not_found", quoteForMessage(identity) + " is not on the guest list.");
  store::Transaction tx(db_);
  // The guest's participant_rooms rows go with it (ON DELETE CASCADE).
  db_.prepare("DELETE FROM participants WHERE identity = ?").bind(1, *valid).run();
  if (db_.changes() == 0) return Error::notFound("guest_not_found", *valid + " is not on the guest list.");
  Rooms(db_, clock_).revoke(*valid, "");  // every token issued to them so far is void
  tx.commit();
  return Ok{};
}

Result<Guest> Directory::addRoom(std::string_view identity, std::string_view room) {
  auto name = validateRoomName(room);
  if (!name) return name.error();
  store::Transaction tx(db_);
  auto guest = find(identity);
  if (!guest)
    return Error::notFound("guest_not_found", quoteForMessage(identity) + " is not on the guest list.");
  for (const auto& r : guest->rooms)
    if (asciiLower(r) == asciiLower(*name)) return *guest;  // already invited
  std::string stored = *name;
  const int64_t room_ = roomId(stored, unixSeconds(clock_.now()));
  db_.prepare(
         "INSERT INTO participant_rooms (participant_id, room_id, position) "
         "SELECT id, ?, ? FROM participants WHERE identity = ?")
      .bind(1, room_)
      .bind(2, static_cast<int64_t>(guest->rooms.size()))
      .bind(3, guest->identity)
      .run();
  guest->rooms.push_back(stored);
  tx.commit();
  return *guest;
}

Result<Guest> Directory::removeRoom(std::string_view identity, std::string_view room) {
  store::Transaction tx(db_);
  auto guest = find(identity);
  if (!guest)
    return Error::notFound("guest_not_found", quoteForMessage(identity) + " is not on the guest list.");
  auto it = std::find_if(guest->rooms.begin(), guest->rooms.end(),
                         [&](const std::string& r) { return asciiLower(r) == asciiLower(trimAscii(room)); });
  if (it == guest->rooms.end())
    return Error::notFound("room_not_found",
                           guest->identity + " is not invited to " + quoteForMessage(room) + ".");
  db_.prepare(
         "DELETE FROM participant_rooms WHERE participant_id = (SELECT id FROM participants WHERE identity = "
         "?) "
         "AND room_id = (SELECT id FROM rooms WHERE name = ?)")
      .bind(1, guest->identity)
      .bind(2, *it)
      .run();
  Rooms(db_, clock_).revoke(guest->identity, *it);
  guest->rooms.erase(it);
  tx.commit();
  return *guest;
}

Result<std::size_t> Directory::importCsv(std::string_view csvText) {
  auto guests = parseGuestCsvLines(csvText);
  if (!guests) return guests.error();
  store::Transaction tx(db_);  // rolls back on any return before commit()
  for (const auto& [line, guest] : guests.value()) {
    auto added = insert(guest);
    if (!added) {
      Error error = added.error();
      error.message = "line " + std::to_string(line) + ": " + error.message;
      return error;
    }
  }
  tx.commit();
  return guests->size();
}

bool Directory::empty() {
  auto st = db_.prepare("SELECT EXISTS (SELECT 1 FROM participants)");
  st.step();
  return st.integer(0) == 0;
}

Directory::ContactMix Directory::contactMix() {
  auto st = db_.prepare(
      "SELECT COALESCE(SUM(email IS NULL), 0), COALESCE(SUM(phone IS NULL), 0),"
      " COALESCE(SUM(phone IS NOT NULL AND email IS NOT NULL), 0) FROM participants");
  st.step();
  ContactMix mix{st.integer(0), st.integer(1), st.integer(2), {}};
  // Calling codes are at most 3 digits: grouping by them first keeps the lookups few.
  auto codes = db_.prepare(
      "SELECT substr(phone, 2, 3), COUNT(*) FROM participants WHERE phone IS NOT NULL GROUP BY 1");
  while (codes.step())
    if (const int code = callingCode(codes.text(0)); code != 0) mix.callingCodes[code] += codes.integer(1);
  return mix;
}

}  // namespace roomgate::directory
