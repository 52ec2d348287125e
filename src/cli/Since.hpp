#pragma once
// The time `roomgate audit --since` reads. Pure.
#include <cstdint>
#include <optional>
#include <string_view>

namespace roomgate::cli {

// Unix seconds from one of:
//   unix seconds                      "1764763200"
//   an age before `now` (unix s)      "90s", "30m", "24h", "7d"
//   an ISO 8601 date or time, UTC     "2026-12-03", "2026-12-03T12:00", "2026-12-03T12:00:00Z"
// nullopt for anything else (an offset other than Z, an impossible date, an overflow).
[[nodiscard]] std::optional<int64_t> parseSince(std::string_view text, int64_t now);

}  // namespace roomgate::cli
