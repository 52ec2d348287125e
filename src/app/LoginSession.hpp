#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace roomgate::app {

// What the server remembers of a guest between POST /login and POST /verify (the http part carries it in
// a signed cookie). The same fields whether or not the name is on the guest list.
struct LoginSession {
  std::string identity;             // as typed at /login, trimmed
  std::optional<std::string> room;  // as asked for at /login; none means the guest's first room
  std::string verificationSid;
  std::string channel;
  int64_t expiresAt = 0;  // unix seconds; the cookie dies with the verification

  bool operator==(const LoginSession&) const = default;
};

}  // namespace roomgate::app
