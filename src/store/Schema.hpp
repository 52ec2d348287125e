#pragma once
// The schema as an append-only list of migrations: entry N takes a database from version N to N+1
// (PRAGMA user_version). Never edit a shipped entry; add a new one.
#include <string>
#include <vector>

namespace roomgate::store {
[[nodiscard]] const std::vector<std::string>& schemaMigrations();
}
