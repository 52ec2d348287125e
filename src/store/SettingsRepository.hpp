#pragma once
// The `settings` table: small named values the server keeps for itself (the --dev secret key, the
// generated token credentials). Thread: that of its Database.
#include <functional>
#include <optional>
#include <string>

#include "store/Database.hpp"

namespace roomgate::store {

class SettingsRepository {
 public:
  explicit SettingsRepository(Database& db) : db_(db) {}
  [[nodiscard]] std::optional<std::string> get(const std::string& key);
  void set(const std::string& key, const std::string& value);
  // The stored value of `key`, or `make()` stored and returned; atomic across processes sharing the file.
  [[nodiscard]] std::string getOrCreate(const std::string& key, const std::function<std::string()>& make);

 private:
  Database& db_;
};

}  // namespace roomgate::store
