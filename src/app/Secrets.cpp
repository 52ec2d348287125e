#include "app/Secrets.hpp"

#include <spdlog/spdlog.h>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "store/SettingsRepository.hpp"

namespace roomgate::app {

Result<std::string> resolveSecretKey(const config::Config& config, store::Database& db, Random& random) {
  const auto check = config::checkSecretKey(config.secretKey);
  if (check.ok()) return *config.secretKey;
  if (!config.dev) return check.error();
  if (config.secretKey)
    spdlog::warn("--dev: ignoring the weak SECRET_KEY and using the development key kept in {}", db.path());
  store::SettingsRepository settings(db);
  return settings.getOrCreate("dev_secret_key", [&] { return randomHex(random, 32); });
}

Result<token::TokenCredentials> resolveTokenCredentials(const config::Config& config, store::Database& db,
                                                        Random& random,
                                                        const Result<std::string>& secretKey) {
  const int set = (config.twilioAccountSid ? 1 : 0) + (config.twilioApiKeySid ? 1 : 0) +
                  (config.twilioApiKeySecret ? 1 : 0);
  if (set == 3)
    return token::TokenCredentials{*config.twilioAccountSid, *config.twilioApiKeySid,
                                   *config.twilioApiKeySecret};
  if (set != 0 && (config.twilioApiKeySid || config.twilioApiKeySecret))
    return Error::badRequest(
        "invalid_config",
        "TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together: set all "
        "three to sign tokens with your Twilio API key, or none to let roomgate use its own.");
  if (!secretKey) return secretKey.error();
  store::SettingsRepository settings(db);
  return token::TokenCredentials{
      settings.getOrCreate("token_account_sid", [&] { return "AC" + randomHex(random, 16); }),
      settings.getOrCreate("token_api_key_sid", [&] { return "SK" + randomHex(random, 16); }),
      toHex(asBytes(deriveKey(*secretKey, "token-signing"))),
  };
}

}  // namespace roomgate::app
