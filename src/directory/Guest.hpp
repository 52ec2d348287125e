#pragma once
// Guest: one entry of the host's guest list, and the rules every entry must satisfy.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Error.hpp"

namespace roomgate::directory {

struct Guest {
  std::string identity;              // the name they log in with, unique on the list ignoring ASCII case
  std::optional<std::string> phone;  // E.164 once normalised
  std::optional<std::string> email;  // normalised by normalizeEmail
  std::vector<std::string> rooms;    // in order; rooms[0] is the default

  // The guest's own spelling of `room` if they are invited to it (room names compare ignoring ASCII
  // case, as the list stores them); none if not invited.
  [[nodiscard]] std::optional<std::string> invitedTo(std::string_view room) const;
  bool operator==(const Guest&) const = default;
};

// `guest` checked and normalised: identity by validateIdentity, phone by normalizePhone (US default
// region), email by normalizeEmail, each room by validateRoomName. A phone or email that is blank counts
// as absent; rooms named twice (ignoring ASCII case) are kept once, at the first position.
// Error: the validator's error ("invalid_identity", "invalid_phone", "invalid_email", "invalid_room"), or
// badRequest "missing_destination" when there is neither phone nor e-mail, or badRequest "missing_room"
// when no room is given (a guest must have a default room to be let into).
[[nodiscard]] Result<Guest> normalizeGuest(const Guest& guest);

}  // namespace roomgate::directory
