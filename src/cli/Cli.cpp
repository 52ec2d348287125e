#include "cli/Cli.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/AuditTrail.hpp"
#include "app/Secrets.hpp"
#include "app/Serve.hpp"
#include "cli/Since.hpp"
#include "common/Clock.hpp"
#include "config/Config.hpp"
#include "directory/Directory.hpp"
#include "directory/Rooms.hpp"
#include "store/AuditRepository.hpp"
#include "store/Database.hpp"
#include "token/AccessToken.hpp"

namespace roomgate::cli {
namespace {

// Exit statuses.
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitConfig = 2;

int fail(const std::string& message, int status = kExitFailed) {
  std::fprintf(stderr, "roomgate: %s\n", message.c_str());
  return status;
}

void setUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("roomgate");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
}

// The flags given on the command line, by the variable names they override.
struct Flags {
  std::string listen, db, rtcPort, rtcListen, rtcAnnounceIp;
  bool dev = false;
  bool create = false;  // --create: a command other than serve may start a new database file
  [[nodiscard]] std::map<std::string, std::string> byName() const {
    std::map<std::string, std::string> m;
    if (!listen.empty()) m["ROOMGATE_LISTEN"] = listen;
    if (!db.empty()) m["ROOMGATE_DB"] = db;
    if (!rtcPort.empty()) m["ROOMGATE_RTC_PORT"] = rtcPort;
    if (!rtcListen.empty()) m["ROOMGATE_RTC_LISTEN"] = rtcListen;
    if (!rtcAnnounceIp.empty()) m["ROOMGATE_RTC_ANNOUNCE_IP"] = rtcAnnounceIp;
    if (dev) m["ROOMGATE_DEV"] = "1";
    return m;
  }
};

Result<config::Config> loadConfig(const Flags& flags) {
  auto sources = config::processSources(flags.byName());
  if (!sources) return sources.error();
  return config::load(*sources);
}

std::string joinRooms(const std::vector<std::string>& rooms) {
  std::string out;
  for (const auto& r : rooms) out += (out.empty() ? "" : "; ") + r;
  return out;
}

int listGuests(directory::Directory& directory) {
  const auto guests = directory.list();
  if (guests.empty()) {
    std::printf(
        "The guest list is empty. Add someone with: roomgate participants add NAME --phone NUMBER --room "
        "ROOM\n");
    return kExitOk;
  }
  std::printf("%-20s %-16s %-28s %s\n", "IDENTITY", "PHONE", "E-MAIL", "ROOMS");
  for (const auto& g : guests)
    std::printf("%-20s %-16s %-28s %s\n", g.identity.c_str(), g.phone.value_or("-").c_str(),
                g.email.value_or("-").c_str(), joinRooms(g.rooms).c_str());
  return kExitOk;
}

// The most rows `roomgate audit` prints unless --limit says otherwise, and the most it may say.
constexpr int kDefaultAuditRows = 100;
constexpr int kMaxAuditRows = 1'000'000;

struct AuditArgs {
  std::string identity, room, since;
  bool json = false;
  int limit = kDefaultAuditRows;
};

int printAudit(store::Database& db, const AuditArgs& args, const Clock& clock) {
  store::AuditQuery query;
  if (!args.identity.empty()) query.identity = args.identity;
  if (!args.room.empty()) query.room = args.room;
  if (!args.since.empty()) {
    query.since = parseSince(args.since, unixSeconds(clock.now()));
    if (!query.since)
      return fail(
          "--since \"" + args.since +
              "\" is not a time: give unix seconds, an age (90s, 30m, 24h, 7d) or an ISO 8601 date or "
              "time in UTC (2026-12-03, 2026-12-03T12:00:00Z).",
          kExitConfig);
  }
  query.limit = args.limit;
  const auto rows = store::AuditRepository(db).list(query);
  if (args.json) {
    for (const auto& r : rows) std::printf("%s\n", app::auditJsonLine(r).c_str());
    return kExitOk;
  }
  if (rows.empty()) {
    std::printf("No audit rows match.\n");
    return kExitOk;
  }
  std::printf("%-20s %-10s %-20s %-16s %-16s %-6s %-16s %s\n", "TIME (UTC)", "EVENT", "IDENTITY", "ROOM",
              "CLIENT", "KNOWN", "OUTCOME", "DETAIL");
  for (const auto& r : rows)
    std::printf("%-20s %-10s %-20s %-16s %-16s %-6s %-16s %s\n", app::isoUtc(r.at).c_str(), r.event.c_str(),
                r.identity.empty() ? "-" : r.identity.c_str(), r.room.empty() ? "-" : r.room.c_str(),
                r.client.empty() ? "-" : r.client.c_str(),
                !r.known   ? "-"
                : *r.known ? "yes"
                           : "no",
                r.outcome.c_str(), r.detail.c_str());
  return kExitOk;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App cli{"roomgate: only invited, verified guests get into the call."};
  cli.require_subcommand(1);
  Flags flags;
  std::string logLevel;
  cli.set_version_flag("--version", std::string("roomgate ") + ROOMGATE_VERSION);
  // Every command but serve works on the database a server uses: a mistyped path must not quietly
  // start an empty one.
  auto addDb = [&](CLI::App* c) {
    c->add_option("--db", flags.db, "SQLite database file (ROOMGATE_DB, default ./roomgate.db)");
    c->add_flag("--create", flags.create, "Start a new database file if there is none at --db");
  };

  auto* serveCmd = cli.add_subcommand("serve", "Run the web server");
  serveCmd->add_option("--listen", flags.listen,
                       "host:port to listen on (ROOMGATE_LISTEN, default 127.0.0.1:8080)");
  serveCmd->add_option("--db", flags.db,
                       "SQLite database file (ROOMGATE_DB, default ./roomgate.db; made if there is none)");
  serveCmd->add_option("--rtc-port", flags.rtcPort,
                       "UDP port of the media server for group rooms and the echo test (ROOMGATE_RTC_PORT, "
                       "default 40000; 0 picks a free one)");
  serveCmd->add_option("--rtc-listen", flags.rtcListen,
                       "IP address the media port binds (ROOMGATE_RTC_LISTEN, default every interface: "
                       "0.0.0.0, or :: for an IPv6 announced address)");
  serveCmd->add_option("--rtc-announce-ip", flags.rtcAnnounceIp,
                       "Address put in media candidates, e.g. the public IP behind NAT "
                       "(ROOMGATE_RTC_ANNOUNCE_IP, default the --listen host)");
  serveCmd->add_flag("--dev", flags.dev,
                     "Development mode: codes go to the console and /dev/outbox; demo guests");

  auto* participants = cli.add_subcommand("participants", "Manage the guest list");
  participants->require_subcommand(1);
  std::string name, phone, email, file;
  std::vector<std::string> rooms;
  auto* add = participants->add_subcommand("add", "Add a guest");
  add->add_option("NAME", name, "The name the guest logs in with")->required();
  add->add_option("--phone", phone, "Phone number, international form (+14155550123)");
  add->add_option("--email", email, "E-mail address");
  add->add_option("--room", rooms, "A room the guest may join (repeat for more; the first is the default)");
  addDb(add);
  auto* list = participants->add_subcommand("list", "List the guests");
  addDb(list);
  auto* remove = participants->add_subcommand("remove", "Remove a guest");
  remove->add_option("NAME", name)->required();
  addDb(remove);
  auto* import =
      participants->add_subcommand("import", "Add every guest of a CSV file (identity,phone,email,rooms)");
  import->add_option("FILE", file, "CSV file; rooms separated by ';'")->required();
  addDb(import);

  std::string roomArg;
  auto* addRoom = participants->add_subcommand("add-room", "Invite a guest to one more room");
  addRoom->add_option("NAME", name)->required();
  addRoom->add_option("ROOM", roomArg)->required();
  addDb(addRoom);
  auto* removeRoom = participants->add_subcommand(
      "remove-room",
      "Withdraw a guest's invitation to a room (ends their live session there; old tokens stop working)");
  removeRoom->add_option("NAME", name)->required();
  removeRoom->add_option("ROOM", roomArg)->required();
  addDb(removeRoom);

  auto* roomsCmd = cli.add_subcommand("rooms", "Manage rooms");
  roomsCmd->require_subcommand(1);
  directory::Room roomSpec;
  auto* roomsAdd = roomsCmd->add_subcommand("add", "Create a room, or change its type and capacity");
  roomsAdd->add_option("NAME", roomSpec.name)->required();
  roomsAdd->add_option("--type", roomSpec.type, "group (default: through the SFU) or peer-to-peer (a mesh)");
  auto* maxOpt = roomsAdd->add_option("--max-participants", roomSpec.maxParticipants,
                                      "Capacity (default 50 for group, 4 for peer-to-peer)");
  addDb(roomsAdd);
  auto* roomsList = roomsCmd->add_subcommand("list", "List the rooms");
  addDb(roomsList);

  std::string identity, room;
  int64_t ttl = token::kDefaultTokenTtl.count();
  int64_t at = -1;
  auto* tokenCmd = cli.add_subcommand("token", "Mint an access token from the configured credentials");
  tokenCmd->add_option("--identity", identity)->required();
  tokenCmd->add_option("--room", room)->required();
  tokenCmd->add_option("--ttl", ttl, "Lifetime in seconds (default 3600, at most 86400)");
  tokenCmd->add_option("--at", at, "Issue time, unix seconds (default now)");
  addDb(tokenCmd);

  AuditArgs auditArgs;
  auto* auditCmd =
      cli.add_subcommand("audit", "Show the audit log: logins, sends, checks, tokens, joins, leaves");
  auditCmd->add_option("--identity", auditArgs.identity, "Only rows about this name (ignoring case)");
  auditCmd->add_option("--room", auditArgs.room, "Only rows about this room (ignoring case)");
  auditCmd->add_option("--since", auditArgs.since,
                       "Only rows at or after: unix seconds, an age (90s, 30m, 24h, 7d) or an ISO 8601 UTC "
                       "date or time (2026-12-03, 2026-12-03T12:00:00Z)");
  auditCmd->add_flag("--json", auditArgs.json, "One JSON object per line, as the server logs them");
  auditCmd->add_option("--limit", auditArgs.limit, "The newest this many rows (default 100), newest last")
      ->check(CLI::Range(1, kMaxAuditRows));
  addDb(auditCmd);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  auto config = loadConfig(flags);
  if (!config) return fail(config.error().message, kExitConfig);
  setUpLogging(config->logLevel);

  try {
    if (serveCmd->parsed()) return app::serve(*config);

    if (!flags.create && !std::filesystem::exists(config->db))
      return fail("there is no database at " + config->db +
                      ". Give the one the server uses (--db or ROOMGATE_DB), or add --create to start a new "
                      "one there.",
                  kExitConfig);
    SystemClock clock;
    store::Database db(config->db);
    if (auditCmd->parsed()) return printAudit(db, auditArgs, clock);
    if (tokenCmd->parsed()) {
      OpenSslRandom random;
      auto credentials =
          app::resolveTokenCredentials(*config, db, random, app::resolveSecretKey(*config, db, random));
      if (!credentials) return fail(credentials.error().message, kExitConfig);
      token::TokenMinter minter(*credentials, clock);
      auto jwt = at >= 0 ? minter.mintAt(identity, room, Seconds(ttl), at)
                         : minter.mint(identity, room, Seconds(ttl));
      if (!jwt) return fail(jwt.error().message);
      std::printf("%s\n", jwt->c_str());
      return kExitOk;
    }

    if (roomsAdd->parsed() || roomsList->parsed()) {
      directory::Rooms rooms(db, clock);
      if (roomsAdd->parsed()) {
        if (maxOpt->count() == 0)
          roomSpec.maxParticipants = roomSpec.type == directory::kGroup
                                         ? directory::kMaxGroupParticipants
                                         : directory::kDefaultPeerToPeerParticipants;
        auto put = rooms.put(roomSpec);
        if (!put) return fail(put.error().message);
        std::printf("Room %s: %s, up to %d participants.\n", put->name.c_str(), put->type.c_str(),
                    put->maxParticipants);
        return kExitOk;
      }
      std::printf("%-24s %-14s %s\n", "ROOM", "TYPE", "MAX PARTICIPANTS");
      for (const auto& r : rooms.list())
        std::printf("%-24s %-14s %d\n", r.name.c_str(), r.type.c_str(), r.maxParticipants);
      return kExitOk;
    }

    directory::Directory directory(db, clock);
    if (addRoom->parsed() || removeRoom->parsed()) {
      auto changed =
          addRoom->parsed() ? directory.addRoom(name, roomArg) : directory.removeRoom(name, roomArg);
      if (!changed) return fail(changed.error().message);
      std::printf("%s may join: %s\n", changed->identity.c_str(),
                  changed->rooms.empty() ? "no room" : joinRooms(changed->rooms).c_str());
      return kExitOk;
    }
    if (add->parsed()) {
      directory::Guest g{name, phone.empty() ? std::nullopt : std::optional(phone),
                         email.empty() ? std::nullopt : std::optional(email), rooms};
      auto added = directory.add(g);
      if (!added) return fail(added.error().message);
      std::printf("Added %s (%s) to %s.\n", added->identity.c_str(),
                  added->phone.value_or(added->email.value_or("")).c_str(), joinRooms(added->rooms).c_str());
      return kExitOk;
    }
    if (list->parsed()) return listGuests(directory);
    if (remove->parsed()) {
      auto removed = directory.remove(name);
      if (!removed) return fail(removed.error().message);
      std::printf("Removed %s from the guest list.\n", name.c_str());
      return kExitOk;
    }
    if (import->parsed()) {
      std::ifstream in(file, std::ios::binary);
      if (!in) return fail("cannot read " + file);
      std::stringstream text;
      text << in.rdbuf();
      auto count = directory.importCsv(text.str());
      if (!count) return fail(file + ": " + count.error().message + " Nothing was imported.");
      std::printf("Imported %zu guests from %s.\n", *count, file.c_str());
      return kExitOk;
    }
  } catch (const store::DatabaseError& e) {
    return fail(e.what());
  }
  return fail("nothing to do", kExitConfig);
}

}  // namespace roomgate::cli
