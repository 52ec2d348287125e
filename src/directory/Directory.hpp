#pragma once
// Directory: the host's guest list (who may come in, how to reach them, which rooms they may join), stored
// in the participants, rooms and participant_rooms tables.
// Thread: one thread at a time, like the store::Database it borrows; a thread of its own needs its own
// Database and Directory.
#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "common/Clock.hpp"
#include "common/Error.hpp"
#include "directory/Guest.hpp"
#include "store/Database.hpp"

namespace roomgate::directory {

class Directory {
 public:
  // Borrows `db` and `clock`; both must outlive the Directory.
  explicit Directory(store::Database& db, const Clock& clock);

  // Adds `guest` after normalizeGuest, creating the rooms not yet known (a room's name matches ignoring
  // ASCII case; an existing room keeps its stored spelling). One transaction. Returns the guest as stored.
  // Error: normalizeGuest's errors, or conflict "guest_exists" if the identity (ignoring ASCII case) is
  // already on the list. Throws store::DatabaseError if the storage fails.
  [[nodiscard]] Result<Guest> add(const Guest& guest);

  // The guest whose identity matches `identity` ignoring ASCII case and surrounding whitespace, with the
  // stored spelling and rooms in order; nullopt if none (or `identity` could never be valid). One cached
  // statement: cheap enough for every login.
  [[nodiscard]] std::optional<Guest> find(std::string_view identity);

  // find() for a login, at the same cost whether `identity` is on the list or not: a guest who is not
  // there is replaced by a stand-in, the guest at `seed` (any number, taken modulo the list's ids), read
  // by the same statement with the same joins, so that the caller can treat both alike and then discard
  // the stand-in (docs/SECURITY.md, "Enumeration timing"). nullopt only if the list is empty or
  // `identity` could never be valid.
  struct Match {
    Guest guest;
    bool exact = false;  // the guest named `identity`; false: the stand-in
  };
  [[nodiscard]] std::optional<Match> findOrStandIn(std::string_view identity, uint64_t seed);

  // Every guest, ordered by identity ignoring ASCII case.
  [[nodiscard]] std::vector<Guest> list();

  // Removes the guest matching `identity` as find() does, and voids every token issued to them until now
  // (a revocation watermark); their rooms stay (other guests may use them).
  // Error: notFound "guest_not_found".
  [[nodiscard]] Result<Ok> remove(std::string_view identity);

  // Invites the guest to one more room (created if new), after their others. Inviting twice is a no-op.
  // Errors: "guest_not_found", "invalid_room".
  [[nodiscard]] Result<Guest> addRoom(std::string_view identity, std::string_view room);
  // Withdraws the guest's invitation to `room` and voids their tokens for it issued until now, so a live
  // session in that room is ended (the rtc part watches the revocations table).
  // Errors: "guest_not_found", "room_not_found".
  [[nodiscard]] Result<Guest> removeRoom(std::string_view identity, std::string_view room);

  // Adds every guest of a CSV file (see parseGuestCsvLines) in one transaction: either all are added, or
  // on any error none is. Returns how many were added.
  // Error: parseGuestCsvLines' "invalid_csv", or conflict "guest_exists" when a guest is already in the
  // directory, its message starting "line N: ".
  [[nodiscard]] Result<std::size_t> importCsv(std::string_view csvText);

  // True if the guest list has nobody on it.
  [[nodiscard]] bool empty();

  // How many guests have a phone only, an e-mail address only, or both: the mix that decoys for names
  // not on the list follow (app::JoinFlow). One query over the list.
  struct ContactMix {
    int64_t phoneOnly = 0, emailOnly = 0, both = 0;
    std::map<int, int64_t> callingCodes;  // phones on the list by country calling code
    bool operator==(const ContactMix&) const = default;
  };
  [[nodiscard]] ContactMix contactMix();

 private:
  // Inserts an already normalised guest; the caller holds the transaction.
  Result<Guest> insert(const Guest& guest);
  // The rooms.id of `name` (ignoring ASCII case), creating the room if needed; `name` becomes the stored
  // spelling.
  int64_t roomId(std::string& name, int64_t now);

  store::Database& db_;
  const Clock& clock_;
};

}  // namespace roomgate::directory
