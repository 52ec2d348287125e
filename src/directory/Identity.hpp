#pragma once
// Guest identities and room names: the names a host writes on the guest list. Pure functions: thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/Error.hpp"

namespace roomgate::directory {

// Longest identity in bytes: ample for any real name, short enough for a token claim and a log line.
inline constexpr std::size_t kMaxIdentityBytes = 128;
// Longest room name in bytes, for the same reasons.
inline constexpr std::size_t kMaxRoomNameBytes = 128;

// `input` without surrounding whitespace, if what remains is non-empty, at most kMaxIdentityBytes, valid
// UTF-8 and free of control characters.
// Error: badRequest "invalid_identity", saying which rule failed.
[[nodiscard]] Result<std::string> validateIdentity(std::string_view input);

// As validateIdentity, with kMaxRoomNameBytes, and a room name may not contain ';' (the separator of the
// guest CSV's rooms column, so every room can be written back to a CSV).
// Error: badRequest "invalid_room".
[[nodiscard]] Result<std::string> validateRoomName(std::string_view input);

}  // namespace roomgate::directory
