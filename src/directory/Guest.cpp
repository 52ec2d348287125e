#include "directory/Guest.hpp"

#include <algorithm>

#include "common/Text.hpp"
#include "directory/Email.hpp"
#include "directory/Identity.hpp"
#include "directory/PhoneNumber.hpp"

namespace roomgate::directory {

std::optional<std::string> Guest::invitedTo(std::string_view room) const {
  const std::string wanted = asciiLower(room);
  auto it =
      std::find_if(rooms.begin(), rooms.end(), [&](const std::string& r) { return asciiLower(r) == wanted; });
  if (it == rooms.end()) return std::nullopt;
  return *it;
}

Result<Guest> normalizeGuest(const Guest& guest) {
  Guest out;
  auto identity = validateIdentity(guest.identity);
  if (!identity) return identity.error();
  out.identity = std::move(identity.value());

  if (guest.phone && !trimAscii(*guest.phone).empty()) {
    auto phone = normalizePhone(*guest.phone);
    if (!phone) return phone.error();
    out.phone = std::move(phone.value());
  }
  if (guest.email && !trimAscii(*guest.email).empty()) {
    auto email = normalizeEmail(*guest.email);
    if (!email) return email.error();
    out.email = std::move(email.value());
  }
  if (!out.phone && !out.email)
    return Error::badRequest("missing_destination",
                             out.identity + " needs a phone number or an e-mail address to receive a code.");

  std::vector<std::string> folded;  // asciiLower of out.rooms, for the duplicate check
  for (const auto& room : guest.rooms) {
    auto name = validateRoomName(room);
    if (!name) return name.error();
    std::string key = asciiLower(*name);
    if (std::find(folded.begin(), folded.end(), key) != folded.end()) continue;
    folded.push_back(std::move(key));
    out.rooms.push_back(std::move(name.value()));
  }
  if (out.rooms.empty())
    return Error::badRequest("missing_room",
                             out.identity + " needs at least one room to join, e.g. My Room.");
  return out;
}

}  // namespace roomgate::directory
