// What a copy of the database file is worth to a thief: it must not mint an access token the server
// accepts (docs/SECURITY.md, "A stolen database file"). The server runs outside --dev with its own
// SECRET_KEY; the thief has the file and the roomgate binary, not the key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/Clock.hpp"
#include "store/Database.hpp"
#include "support/Process.hpp"
#include "token/AccessToken.hpp"

namespace roomgate {
namespace {

using testing::HttpClient;
using testing::kTestSecretKey;
using testing::runRoomgate;
using testing::ServerProcess;
using testing::TempDir;

// A strong key that is not the server's: what the thief would put in their own .env.
const std::string kThiefsKey = testing::randomSecretKey();

// POST /echo/offer with `token` as the pass: past the pass check a garbage offer is a 400, before it a
// 401; the status says which.
int echoStatusWithPass(const std::string& baseUrl, const std::string& token) {
  HttpClient http(baseUrl);
  return http.post("/echo/offer", R"({"sdp":"v=0"})", "application/json", {"Cookie: roomgate_pass=" + token})
      .status;
}

TEST(StolenDatabase, TheFileAloneMintsNoTokenTheServerAccepts) {
  ServerProcess server({.dev = false, .env = testing::productionEnv()});
  ASSERT_EQ(
      server.cli({"participants", "add", "mabel", "--phone", "+18005554321", "--room", "My Room"}).exitCode,
      0);
  TempDir thief;
  const std::string stolen = thief.file("stolen.db");
  {
    store::Database live(server.dbPath());
    live.exec("VACUUM INTO '" + stolen + "'");
  }
  const std::vector<std::string> mint = {"token",  "--db",    stolen,  "--identity", "mallory",
                                         "--room", "My Room", "--ttl", "86400"};

  // Without a SECRET_KEY the file gives the command line nothing to sign with.
  const auto refused = runRoomgate(mint, thief.path().string(), {});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("SECRET_KEY"), std::string::npos) << refused.err;

  // With the thief's own key it signs, and the server refuses what it signed.
  const auto forged = runRoomgate(mint, thief.path().string(), {{"SECRET_KEY", kThiefsKey}});
  ASSERT_EQ(forged.exitCode, 0) << forged.err;
  EXPECT_EQ(echoStatusWithPass(server.baseUrl(), forged.out.substr(0, forged.out.find('\n'))), 401);

  // No value kept in the file's settings signs a token the server accepts either.
  store::Database copy(stolen);
  auto rows = copy.prepare("SELECT key, value FROM settings");
  std::map<std::string, std::string> settings;
  while (rows.step()) settings[rows.text(0)] = rows.text(1);
  ASSERT_TRUE(settings.contains("token_api_key_sid")) << "the identifiers are kept (they are not secret)";
  EXPECT_FALSE(settings.contains("token_api_key_secret"));
  SystemClock clock;
  for (const auto& [key, value] : settings) {
    const token::TokenMinter minter({settings["token_account_sid"], settings["token_api_key_sid"], value},
                                    clock);
    EXPECT_EQ(echoStatusWithPass(server.baseUrl(), minter.mint("mallory", "My Room").value()), 401)
        << "a token signed with settings." << key << " was accepted";
  }

  // The control: the server's own key, through the same command, does sign a token it accepts.
  const auto own = runRoomgate({"token", "--db", stolen, "--identity", "mallory", "--room", "My Room"},
                               thief.path().string(), {{"SECRET_KEY", kTestSecretKey}});
  ASSERT_EQ(own.exitCode, 0) << own.err;
  EXPECT_EQ(echoStatusWithPass(server.baseUrl(), own.out.substr(0, own.out.find('\n'))), 400);
}

// An older database kept the signing secret in plain text; opening it with this version removes it.
TEST(StolenDatabase, TheStoredSecretOfAnOlderVersionIsRemoved) {
  TempDir dir;
  const std::string path = dir.file("old.db");
  {
    store::Database db(path);
    db.exec("INSERT OR REPLACE INTO settings(key, value) VALUES ('token_api_key_secret', 'old-secret')");
    db.exec("PRAGMA user_version=3");
  }
  store::Database reopened(path);
  auto rows = reopened.prepare("SELECT COUNT(*) FROM settings WHERE key = 'token_api_key_secret'");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "0");
}

}  // namespace
}  // namespace roomgate

namespace roomgate {
namespace {

// The door checks more than the signature: how long the token lives, and, for a token earned with a
// code, that its holder is still invited to the room.
TEST(TokenAtTheDoor, ALongerLivedTokenThanTheMaximumIsRefused) {
  auto env = testing::productionEnv();
  env.insert({{"ROOMGATE_TOKEN_TTL", "600"}, {"ROOMGATE_MAX_TOKEN_TTL", "600"}});
  ServerProcess server({.dev = false, .env = env});
  auto mint = [&](const std::string& ttl) {
    auto r = runRoomgate(
        {"token", "--db", server.dbPath(), "--identity", "mabel", "--room", "My Room", "--ttl", ttl},
        server.dir(), env);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  };
  EXPECT_EQ(echoStatusWithPass(server.baseUrl(), mint("600")), 400);   // within: past the pass check
  EXPECT_EQ(echoStatusWithPass(server.baseUrl(), mint("3600")), 401);  // valid, but lives too long
}

TEST(TokenAtTheDoor, APasscodeTokenDiesWhenTheInvitationDoes) {
  ServerProcess server({.dev = true});  // mabel, +18005554321, My Room: a demo guest
  HttpClient browser(server.baseUrl());
  ASSERT_EQ(browser.post("/login", R"({"username":"mabel"})").status, 200);
  const auto verified =
      browser.post("/verify", nlohmann::json({{"code", server.codeFor("+18005554321")}}).dump());
  ASSERT_EQ(verified.status, 200) << verified.body;
  const std::string token = nlohmann::json::parse(verified.body)["token"];
  EXPECT_EQ(echoStatusWithPass(server.baseUrl(), token), 400);

  // The invitation goes by a path that writes no revocation (an edit of the file, another tool).
  {
    store::Database db(server.dbPath());
    db.exec("DELETE FROM participant_rooms");
  }
  HttpClient http(server.baseUrl());
  const auto refused =
      http.post("/echo/offer", R"({"sdp":"v=0"})", "application/json", {"Cookie: roomgate_pass=" + token});
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("no longer invited"), std::string::npos) << refused.body;
}

}  // namespace
}  // namespace roomgate
