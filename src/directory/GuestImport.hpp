#pragma once
// The guest list as a CSV file (identity,phone,email,rooms), read into validated guests. Pure: no I/O,
// thread-safe.
#include <cstddef>
#include <string_view>
#include <vector>

#include "common/Error.hpp"
#include "directory/Guest.hpp"

namespace roomgate::directory {

// A guest and the 1-based CSV line its record starts on, so later errors (e.g. a clash with the database)
// can point at the line.
struct GuestLine {
  std::size_t line = 0;
  Guest guest;
};

// Reads `csvText` (see parseCsv for the syntax). The first non-empty record must be the header
// identity,phone,email,rooms (any case, spaces around names allowed); each later record has those four
// fields: rooms lists room names separated by ';' (e.g. "My Room;Book Club", empty pieces ignored), phone or
// email may be empty but not both. Empty lines and lines of empty fields are skipped. Every guest is
// normalised by normalizeGuest; an identity listed twice (ignoring ASCII case) is an error.
// A header alone gives an empty list. Stops at the first problem.
// Error: badRequest "invalid_csv", the message starting "line N: " and saying what to fix.
[[nodiscard]] Result<std::vector<GuestLine>> parseGuestCsvLines(std::string_view csvText);

// parseGuestCsvLines without the line numbers.
[[nodiscard]] Result<std::vector<Guest>> parseGuestCsv(std::string_view csvText);

}  // namespace roomgate::directory
