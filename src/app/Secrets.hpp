#pragma once
// Where the server's secrets come from: configuration first; in --dev (and for the built-in token
// credentials) generated once and kept in the database so restarts keep sessions and tokens valid.
#include <string>

#include "common/Error.hpp"
#include "common/Random.hpp"
#include "config/Config.hpp"
#include "store/Database.hpp"
#include "token/AccessToken.hpp"

namespace roomgate::app {

// SECRET_KEY: validated outside --dev (an error says how to make one); in --dev a missing or weak key is
// replaced by one generated and stored in the database.
[[nodiscard]] Result<std::string> resolveSecretKey(const config::Config& config, store::Database& db,
                                                   Random& random);

// The API key that signs access tokens: TWILIO_ACCOUNT_SID + TWILIO_API_KEY_SID + TWILIO_API_KEY_SECRET
// when all are set (tokens then also work with Twilio Video); none set: roomgate's own AC/SK identifiers,
// generated once and stored (they are names, not secrets), and a signing secret derived from
// `secretKey` (resolveSecretKey's answer; its error is returned if it is needed), never stored: the
// database file alone cannot mint a token. Some but not all set is a configuration error.
[[nodiscard]] Result<token::TokenCredentials> resolveTokenCredentials(const config::Config& config,
                                                                      store::Database& db, Random& random,
                                                                      const Result<std::string>& secretKey);

}  // namespace roomgate::app
