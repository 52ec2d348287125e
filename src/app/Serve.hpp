#pragma once
// `roomgate serve`: the composition root. Opens the database, resolves secrets, wires the parts
// (docs/ARCHITECTURE.md) and runs the HTTP server until SIGINT/SIGTERM.
#include "config/Config.hpp"

namespace roomgate::app {

// The tutorial's demo guests, added by --dev to an empty guest list.
struct DemoGuest {
  const char* identity;
  const char* phone;
};
inline constexpr DemoGuest kDemoGuests[] = {
    {"blathers", "+18005559876"}, {"mabel", "+18005554321"}, {"tommy", "+18005556789"}};
inline constexpr const char* kDemoRoom = "My Room";

// Returns the process exit status: 0 after a clean stop, 2 for a configuration error, 1 otherwise.
int serve(const config::Config& config);

}  // namespace roomgate::app
