#include "store/SettingsRepository.hpp"

namespace roomgate::store {

std::optional<std::string> SettingsRepository::get(const std::string& key) {
  auto st = db_.prepare("SELECT value FROM settings WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void SettingsRepository::set(const std::string& key, const std::string& value) {
  auto st = db_.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
      "excluded.value");
  st.bind(1, key).bind(2, value).run();
}

std::string SettingsRepository::getOrCreate(const std::string& key,
                                            const std::function<std::string()>& make) {
  Transaction tx(db_);
  if (auto v = get(key)) return *v;
  std::string value = make();
  set(key, value);
  tx.commit();
  return value;
}

}  // namespace roomgate::store
