// The audit log against the real `roomgate serve --dev` process: a guest's and a stranger's login, the
// guest's code, token, signaling join and leave, and a revocation each leave a row that
// `roomgate audit` prints; no row holds a code or a token; rows older than
// ROOMGATE_AUDIT_RETENTION_DAYS are pruned, outbox entries too.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/Process.hpp"
#include "support/RawSocket.hpp"

namespace roomgate {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::ServerOptions;
using testing::ServerProcess;
using namespace std::chrono_literals;

// One masked WebSocket text frame (RFC 6455 section 5.2), as a browser sends it.
std::string textFrame(const std::string& payload) {
  std::string frame(1, '\x81');
  constexpr unsigned char kMasked = 0x80;
  if (payload.size() < 126) {
    frame += static_cast<char>(kMasked | payload.size());
  } else {
    frame += static_cast<char>(kMasked | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xff);
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return frame;
}

// Joins with `token` over /rtc, then leaves; true if the server answered the join with "joined".
bool joinAndLeave(uint16_t port, const std::string& token) {
  testing::Fd fd = testing::connectTo(port);
  if (fd.get() < 0) return false;
  const std::string upgrade =
      "GET /rtc HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (!testing::sendAll(fd.get(), upgrade)) return false;
  if (testing::readAll(fd.get(), 5s, "\r\n\r\n").find(" 101 ") == std::string::npos) return false;
  testing::sendAll(fd.get(), textFrame(json({{"type", "join"}, {"token", token}}).dump()));
  if (testing::readAll(fd.get(), 5s, "\"joined\"").find("\"joined\"") == std::string::npos) return false;
  testing::sendAll(fd.get(), textFrame(R"({"type":"leave"})"));
  return true;
}

// The rows `roomgate audit --json` prints for the server's database (plus `args`).
std::vector<json> auditRows(const ServerProcess& server, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"audit", "--json"});
  const auto r = server.cli(args);
  EXPECT_EQ(r.exitCode, 0) << r.err;
  std::vector<json> rows;
  std::size_t start = 0;
  for (std::size_t end; (end = r.out.find('\n', start)) != std::string::npos; start = end + 1)
    rows.push_back(json::parse(r.out.substr(start, end - start)));
  return rows;
}

// Polls until some row has `event` (the server writes as things happen; a revocation within its poll).
std::vector<json> auditRowsOnce(const ServerProcess& server, const std::string& event) {
  std::vector<json> rows;
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(50ms)) {
    rows = auditRows(server);
    for (const auto& r : rows)
      if (r["event"] == event) return rows;
  }
  return rows;
}

const json* find(const std::vector<json>& rows, const std::string& event, const std::string& identity) {
  for (const auto& r : rows)
    if (r["event"] == event && r["identity"] == identity) return &r;
  return nullptr;
}

// `name` of the first row of `event` about `identity`; null if there is no such row.
json field(const std::vector<json>& rows, const std::string& event, const std::string& identity,
           const std::string& name) {
  const json* r = find(rows, event, identity);
  return r ? r->value(name, json()) : json();
}

TEST(Audit, TheWholeWalkLeavesRowsThatTheCliPrints) {
  ServerProcess server;
  ASSERT_EQ(server.cli({"participants", "add", "ada", "--phone", "+14155550100", "--room", "Lab"}).exitCode,
            0);

  HttpClient guest(server.baseUrl()), stranger(server.baseUrl());
  ASSERT_EQ(guest.post("/login", R"({"username":"ada"})").status, 200);
  ASSERT_EQ(stranger.post("/login", R"({"username":"mallory"})").status, 200);
  const std::string code = server.codeFor("+14155550100");
  ASSERT_EQ(code.size(), 6u);
  auto verified = guest.post("/verify", json({{"code", code}}).dump());
  ASSERT_EQ(verified.status, 200) << verified.body;
  const std::string token = json::parse(verified.body)["token"].get<std::string>();
  ASSERT_TRUE(joinAndLeave(server.port(), token));
  ASSERT_EQ(server.cli({"participants", "remove-room", "ada", "Lab"}).exitCode, 0);

  const auto rows = auditRowsOnce(server, "revocation");
  const json* login = find(rows, "login", "ada");
  ASSERT_NE(login, nullptr) << server.log();
  EXPECT_EQ((*login)["known"], true);
  EXPECT_EQ((*login)["client"], "127.0.0.1");
  EXPECT_EQ((*login)["outcome"], "ok");
  EXPECT_EQ((*login)["detail"], "sms ********00");
  const json* strangerLogin = find(rows, "login", "mallory");
  ASSERT_NE(strangerLogin, nullptr);
  EXPECT_EQ((*strangerLogin)["known"], false);
  EXPECT_EQ((*strangerLogin)["outcome"], "ok") << "answered as a guest is";
  EXPECT_EQ(field(rows, "send", "mallory", "outcome"), "decoy");
  EXPECT_EQ(field(rows, "send", "ada", "outcome"), "sent");
  EXPECT_EQ(field(rows, "check", "ada", "outcome"), "approved");
  EXPECT_EQ(field(rows, "token", "ada", "room"), "Lab");
  EXPECT_EQ(field(rows, "join", "ada", "outcome"), "ok");
  EXPECT_EQ(field(rows, "leave", "ada", "outcome"), "left");
  EXPECT_EQ(field(rows, "revocation", "ada", "room"), "Lab");
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_GE(rows[i]["at"], rows[i - 1]["at"]) << "newest last";

  const std::string all = server.cli({"audit", "--json", "--limit", "1000"}).out;
  EXPECT_EQ(all.find(code), std::string::npos) << "a code in the audit log";
  EXPECT_EQ(all.find(token), std::string::npos) << "a token in the audit log";
  EXPECT_EQ(all.find("+14155550100"), std::string::npos) << "an unmasked number in the audit log";
  EXPECT_NE(server.log().find(R"("event":"login")"), std::string::npos) << "no JSON log line";

  const auto table = server.cli({"audit", "--identity", "MALLORY", "--since", "1h"});
  ASSERT_EQ(table.exitCode, 0) << table.err;
  EXPECT_NE(table.out.find("EVENT"), std::string::npos);
  EXPECT_NE(table.out.find("mallory"), std::string::npos);
  EXPECT_EQ(table.out.find("ada"), std::string::npos);
  EXPECT_EQ(auditRows(server, {"--room", "lab", "--limit", "2"}).size(), 2u);
  EXPECT_EQ(server.cli({"audit", "--since", "last tuesday"}).exitCode, 2);
}

TEST(Audit, RowsAndOutboxEntriesOlderThanTheRetentionArePruned) {
  ServerProcess server({.dev = true, .env = {{"ROOMGATE_AUDIT_RETENTION_DAYS", "1"}}});
  ASSERT_EQ(server.cli({"participants", "add", "ada", "--phone", "+14155550100", "--room", "Lab"}).exitCode,
            0);
  HttpClient guest(server.baseUrl());
  ASSERT_EQ(guest.post("/login", R"({"username":"ada"})").status, 200);
  ASSERT_FALSE(server.codeFor("+14155550100").empty());
  ASSERT_FALSE(auditRowsOnce(server, "send").empty());

  server.clock().set("+2d");
  server.restart();  // the first pass runs at start; then hourly
  guest.setBaseUrl(server.baseUrl());
  std::vector<json> rows = auditRows(server);
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       !rows.empty() && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(50ms))
    rows = auditRows(server);
  EXPECT_TRUE(rows.empty()) << rows.size() << " rows older than a day are left";
  EXPECT_EQ(guest.get("/dev/outbox").body.find("+14155550100"), std::string::npos)
      << "the outbox entry older than a day is left";
}

TEST(Audit, RowsYoungerThanTheRetentionStay) {
  ServerProcess server({.dev = true, .env = {{"ROOMGATE_AUDIT_RETENTION_DAYS", "3"}}});
  HttpClient stranger(server.baseUrl());
  ASSERT_EQ(stranger.post("/login", R"({"username":"mallory"})").status, 200);
  ASSERT_FALSE(auditRowsOnce(server, "send").empty());
  server.clock().set("+2d");
  server.restart();
  std::this_thread::sleep_for(300ms);  // past the pass at start
  EXPECT_NE(find(auditRows(server), "login", "mallory"), nullptr);
}

}  // namespace
}  // namespace roomgate
