// The `roomgate` command line against a real database file: guest list management, CSV import,
// token minting, and start-up refusals with messages a person can act on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/Encoding.hpp"
#include "support/Fakes.hpp"
#include "support/Process.hpp"
#include "token/AccessToken.hpp"

namespace roomgate {
namespace {

using testing::runRoomgate;
using testing::TempDir;

class Cli : public ::testing::Test {
 protected:
  // The database the commands work on exists, as a server's would (--create makes it).
  Cli() { EXPECT_EQ(run({"participants", "list", "--create"}).exitCode, 0); }
  testing::CommandResult run(std::vector<std::string> args,
                             const std::map<std::string, std::string>& env = {}) {
    args.push_back("--db");
    args.push_back(dir_.file("guests.db"));
    return runRoomgate(args, dir_.path().string(), env);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_.file(name)) << text; }
  TempDir dir_;
};

TEST_F(Cli, AddListRemove) {
  auto added = run({"participants", "add", "mabel", "--phone", "(800) 555-4321", "--room", "My Room"});
  ASSERT_EQ(added.exitCode, 0) << added.err;
  EXPECT_NE(added.out.find("+18005554321"), std::string::npos);
  auto dup = run({"participants", "add", "MABEL", "--phone", "+18005554321", "--room", "My Room"});
  EXPECT_EQ(dup.exitCode, 1);
  EXPECT_NE(dup.err.find("already on the guest list"), std::string::npos) << dup.err;
  auto list = run({"participants", "list"});
  EXPECT_NE(list.out.find("mabel"), std::string::npos);
  EXPECT_NE(list.out.find("My Room"), std::string::npos);
  ASSERT_EQ(run({"participants", "remove", "Mabel"}).exitCode, 0);
  EXPECT_EQ(run({"participants", "list"}).out.find("+18005554321"), std::string::npos);
  auto missing = run({"participants", "remove", "mabel"});
  EXPECT_EQ(missing.exitCode, 1);
}

TEST_F(Cli, AnInvalidPhoneIsRefusedWithAClearMessage) {
  auto r = run({"participants", "add", "bob", "--phone", "12345", "--room", "My Room"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("not a valid phone number"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("+1"), std::string::npos) << r.err;  // shows the international form
}

TEST_F(Cli, ImportAppliesTheWholeFileOrNothing) {
  write("good.csv",
        "identity,phone,email,rooms\nada,+14155550100,,My Room\ngrace,,grace@example.com,My Room;Lab\n");
  auto ok = run({"participants", "import", dir_.file("good.csv")});
  ASSERT_EQ(ok.exitCode, 0) << ok.err;
  EXPECT_NE(ok.out.find("Imported 2"), std::string::npos);

  write("bad.csv", "identity,phone,email,rooms\nlinus,+14155550101,,My Room\nken,not-a-number,,My Room\n");
  auto bad = run({"participants", "import", dir_.file("bad.csv")});
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find("line 3"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("Nothing was imported"), std::string::npos) << bad.err;
  const auto list = run({"participants", "list"}).out;
  EXPECT_EQ(list.find("linus"), std::string::npos) << "half-applied import: " << list;
  EXPECT_NE(list.find("grace"), std::string::npos);
}

TEST_F(Cli, TokenCommandMintsTheSameTokenAsTheLibrary) {
  const std::map<std::string, std::string> env = {{"TWILIO_ACCOUNT_SID", "AC0123"},
                                                  {"TWILIO_API_KEY_SID", "SK0123"},
                                                  {"TWILIO_API_KEY_SECRET", "cli-secret"}};
  auto r =
      run({"token", "--identity", "mabel", "--room", "My Room", "--ttl", "600", "--at", "1700000000"}, env);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  SystemClock clock;
  token::TokenMinter minter({"AC0123", "SK0123", "cli-secret"}, clock);
  EXPECT_EQ(r.out, minter.mintAt("mabel", "My Room", Seconds(600), 1700000000).value() + "\n");
  auto tooLong = run({"token", "--identity", "mabel", "--room", "My Room", "--ttl", "90000"}, env);
  EXPECT_NE(tooLong.exitCode, 0);
}

TEST_F(Cli, ServeRefusesAWeakSecretOutsideDevAndSaysHowToMakeOne) {
  for (const std::map<std::string, std::string>& env : {std::map<std::string, std::string>{},
                                                        {{"SECRET_KEY", "super-secret"}},
                                                        {{"SECRET_KEY", "too-short"}},
                                                        {{"SECRET_KEY", std::string(32, 'a')}},
                                                        {{"SECRET_KEY", "0123456789abcdef0123456789abcdef"}},
                                                        {{"SECRET_KEY",
                                                          "6c1f0e5d2b7a48c39e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f7"
                                                          "08192a3b4c5d6e"}}}) {
    auto r = run({"serve", "--listen", "127.0.0.1:0"}, env);
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("SECRET_KEY"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("openssl rand -hex 32"), std::string::npos) << r.err;
  }
}

TEST_F(Cli, ServeOutsideDevRefusesToStartWithNoWayToSendCodes) {
  auto r =
      run({"serve", "--listen", "127.0.0.1:0", "--rtc-port", "0"}, {{"SECRET_KEY", testing::kTestSecretKey}});
  EXPECT_EQ(r.exitCode, 2);
  for (const char* what : {"No way to send codes", "ROOMGATE_SMS=twilio", "ROOMGATE_SMTP_URL", "--dev"})
    EXPECT_NE(r.err.find(what), std::string::npos) << what << " in: " << r.err;
}

TEST_F(Cli, ServeRefusesMediaBoundWhereTheAnnouncedAddressCanNeverReach) {
  // The docs' old "behind a proxy" .env: HTTP and media on loopback, a public address announced.
  auto r = run({"serve", "--dev", "--listen", "127.0.0.1:0", "--rtc-port", "0", "--rtc-listen", "127.0.0.1",
                "--rtc-announce-ip", "203.0.113.7"});
  EXPECT_EQ(r.exitCode, 2);
  for (const char* what : {"ROOMGATE_RTC_LISTEN", "127.0.0.1", "203.0.113.7", "could never reach", "0.0.0.0"})
    EXPECT_NE(r.err.find(what), std::string::npos) << what << " in: " << r.err;
}

TEST_F(Cli, AMistypedDatabaseIsNotCreatedWithoutCreate) {
  const std::string typo = dir_.file("guets.db");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"participants", "list"},
        {"participants", "add", "ada", "--phone", "+14155550100", "--room", "Lab"},
        {"rooms", "list"},
        {"audit"},
        {"token", "--identity", "ada", "--room", "Lab"}}) {
    auto args = command;
    args.insert(args.end(), {"--db", typo});
    auto r = runRoomgate(args, dir_.path().string(), {{"ROOMGATE_DEV", "1"}});
    EXPECT_EQ(r.exitCode, 2) << command[0];
    EXPECT_NE(r.err.find("there is no database at " + typo), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--create"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(typo)) << command[0] << " created it";
  }
  auto created = runRoomgate(
      {"participants", "add", "ada", "--phone", "+14155550100", "--room", "Lab", "--db", typo, "--create"},
      dir_.path().string());
  EXPECT_EQ(created.exitCode, 0) << created.err;
  EXPECT_NE(runRoomgate({"participants", "list", "--db", typo}, dir_.path().string()).out.find("ada"),
            std::string::npos);
}

TEST_F(Cli, VersionIsPrinted) {
  auto r = runRoomgate({"--version"}, dir_.path().string());
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, std::string("roomgate ") + ROOMGATE_TEST_VERSION + "\n");
}

TEST_F(Cli, ABadDotEnvIsReportedWithItsLine) {
  write(".env", "SECRET_KEY=x\nthis is not a setting\n");
  auto r = run({"participants", "list"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find(".env line 2"), std::string::npos) << r.err;
}

TEST(ServeConfig, ReadsDotEnvAndTheEnvironmentBeatsIt) {
  // .env asks for the tutorial's 401 on unknown names; the environment says no: the environment wins.
  testing::ServerProcess server({.dev = true,
                                 .env = {{"ROOMGATE_REVEAL_UNKNOWN", "0"}},
                                 .dotenv = "ROOMGATE_REVEAL_UNKNOWN=1\nROOMGATE_CODE_LENGTH=8\n"});
  testing::HttpClient http(server.baseUrl());
  EXPECT_EQ(http.post("/login", R"({"username":"nobody"})").status, 200);
  ASSERT_EQ(http.post("/login", R"({"username":"mabel"})").status, 200);
  EXPECT_EQ(server.codeFor("+18005554321").size(), 8u);  // from .env
}

TEST(ServeConfig, TheTutorialsDotEnvIsAcceptedInDevAndItsApiKeySignsTokens) {
  const std::string tutorialEnv =
      "TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_AUTH_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_API_KEY_SID=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "TWILIO_API_KEY_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "VERIFY_SERVICE_SID=VAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "SECRET_KEY=super-secret\n";
  testing::ServerProcess server({.dev = true, .dotenv = tutorialEnv});
  EXPECT_NE(server.log().find("ignoring the weak SECRET_KEY"), std::string::npos) << server.log();
  testing::HttpClient http(server.baseUrl());
  ASSERT_EQ(http.post("/login", R"({"username":"mabel"})").status, 200);
  auto v = http.post("/verify", nlohmann::json({{"code", server.codeFor("+18005554321")}}).dump());
  ASSERT_EQ(v.status, 200) << v.body;
  const auto token = nlohmann::json::parse(v.body)["token"].get<std::string>();
  const auto payload = nlohmann::json::parse(
      base64UrlDecode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1)).value());
  EXPECT_EQ(payload["iss"], "SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  EXPECT_EQ(payload["sub"], "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
}

TEST(ServeConfig, OutsideDevAStrongSecretFromDotEnvStartsTheServerWithoutTheOutbox) {
  testing::ServerProcess server(
      {.dev = false,
       .dotenv = std::string("SECRET_KEY=") + testing::kTestSecretKey +
                 "\nROOMGATE_SMTP_URL=smtp://127.0.0.1:9\nROOMGATE_SMTP_FROM=roomgate@example.com\n"});
  testing::HttpClient http(server.baseUrl());
  EXPECT_EQ(http.get("/healthz").status, 200);
  EXPECT_EQ(http.get("/dev/outbox").status, 404);
  EXPECT_EQ(http.get("/").header("content-type"), "text/html; charset=utf-8");
}

}  // namespace
}  // namespace roomgate
