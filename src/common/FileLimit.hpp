#pragma once
// The process's limit on open files (RLIMIT_NOFILE), which caps how many connections it can hold.
#include <cstdint>
#include <string>

namespace roomgate {

struct FileLimit {
  uint64_t before = 0;  // the soft limit the process started with
  uint64_t now = 0;     // the soft limit in force
  uint64_t hard = 0;    // the ceiling an unprivileged process may raise it to
  std::string error;    // why it could not be read or raised; empty if all went well
};

// Raises the soft limit to the hard limit (systemd and most shells start services at 1,024 soft, with a
// far higher hard limit) and says what it is now. An "unlimited" limit reads as UINT64_MAX.
[[nodiscard]] FileLimit raiseFileLimit();

}  // namespace roomgate
