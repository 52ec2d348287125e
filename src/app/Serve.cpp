#include "app/Serve.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>

#include "app/EchoService.hpp"
#include "app/JoinFlow.hpp"
#include "app/Secrets.hpp"
#include "common/Crypto.hpp"
#include "delivery/DeliveryQueue.hpp"
#include "directory/Directory.hpp"
#include "directory/Email.hpp"
#include "directory/PhoneNumber.hpp"
#include "directory/Rooms.hpp"
#include "http/Api.hpp"
#include "http/Server.hpp"
#include "http/SessionCookie.hpp"
#include "media/MediaServer.hpp"
#include "rtc/Limits.hpp"
#include "rtc/RtcService.hpp"
#include "store/Checkpointer.hpp"
#include "store/Database.hpp"
#include "store/OutboxRepository.hpp"
#include "store/SqliteVerificationStore.hpp"
#include "token/AccessToken.hpp"
#include "token/TokenVerifier.hpp"
#include "verify/Verifier.hpp"

namespace roomgate::app {
namespace {
// How often expired verifications and old send records are removed.
constexpr std::chrono::milliseconds kPruneInterval{60'000};

void seedDemoGuests(directory::Directory& directory) {
  if (!directory.empty()) return;
  for (const auto& g : kDemoGuests) {
    auto added = directory.add({g.identity, std::string(g.phone), std::nullopt, {kDemoRoom}});
    if (!added) spdlog::warn("could not add demo guest {}: {}", g.identity, added.error().message);
  }
  spdlog::info("--dev: added the demo guests blathers, mabel and tommy to room \"{}\"", kDemoRoom);
}
// How `identity` proved who they are: the newest approved verification to their phone or e-mail.
rtc::Verified verifiedBy(directory::Directory& directory, store::SqliteVerificationStore& verifications,
                         std::string_view identity) {
  const auto guest = directory.find(identity);
  if (!guest) return {};
  std::vector<std::string> destinations;
  if (guest->phone) destinations.push_back(*guest->phone);
  if (guest->email) destinations.push_back(*guest->email);
  const auto last = verifications.lastApproved(destinations);
  if (!last) return {};
  const auto& [channel, to] = *last;
  if (channel == "email") return {channel, directory::maskEmail(to)};
  return {channel, "\u2022\u2022" + to.substr(to.size() >= 2 ? to.size() - 2 : 0)};
}

}  // namespace

int serve(const config::Config& config) {
  SystemClock clock;
  OpenSslRandom random;
  store::Database db(config.db, {.autoCheckpoint = false});
  auto secret = resolveSecretKey(config, db, random);
  if (!secret) {
    spdlog::error("{}", secret.error().message);
    return 2;
  }
  auto credentials = resolveTokenCredentials(config, db, random);
  if (!credentials) {
    spdlog::error("{}", credentials.error().message);
    return 2;
  }

  directory::Directory directory(db, clock);
  if (config.dev) seedDemoGuests(directory);

  // Delivery: in --dev every code goes to the console and the outbox. SMS and e-mail providers plug in
  // here; without one, /login answers 503 rather than pretend to send.
  delivery::ConsoleChannel console;
  std::map<std::string, delivery::Channel*> channels;
  if (config.dev)
    channels = {{"sms", &console}, {"email", &console}};
  else
    spdlog::warn(
        "no SMS or e-mail provider is configured: logins will be refused with 503 (use --dev to see codes in "
        "the console)");
  store::Checkpointer checkpointer(config.db);
  // Delivery outcomes are written by the I/O thread's connection, the only one that writes: a second
  // writing connection would reset this one's page cache at every commit and contend for the lock.
  std::atomic<http::Server*> io = nullptr;  // the server below, once it exists; null after shutdown
  store::OutboxRepository outbox(db);
  delivery::DeliveryQueue deliveries(
      channels, clock,
      [&](std::span<const delivery::OutboxEntry> e) {
        http::Server* server = io.load();
        if (!server)
          return spdlog::error("{} delivery outcome(s) arrived after shutdown, not recorded", e.size());
        server->post([&outbox, entries = std::vector<delivery::OutboxEntry>(e.begin(), e.end())] {
          outbox.append(entries);
        });
      },
      config.dev);

  store::SqliteVerificationStore verifications(db);
  verify::Verifier verifier(verifications, clock, random, *secret, config.codeLength);
  token::TokenMinter minter(*credentials, clock);
  JoinFlow flow(directory, verifier, deliveries, minter, clock, *secret,
                {config.revealUnknown, Seconds(config.tokenTtlSeconds)});
  http::SessionCookie cookie(deriveKey(*secret, "session-cookie"));
  http::Api api(flow, cookie, clock,
                [&](const std::optional<std::string>& to, int limit) { return outbox.list(to, limit); },
                {config.dev, config.cookieSecure, config.tokenTtlSeconds});

  // Live rooms: the signaling service, fed by the rooms table, the revocation watermarks and the
  // verification records (for the "verified" badge).
  directory::Rooms rooms(db, clock);
  token::TokenVerifier tokens(*credentials, clock);
  rtc::RtcLookups lookups{
      [&](std::string_view name) {
        const auto room = rooms.find(name).value_or(directory::Room{std::string(name)});
        return rtc::RoomSettings{room.type, room.maxParticipants};
      },
      [&](std::string_view identity, std::string_view room) { return rooms.revokedBefore(identity, room); },
      [&](std::string_view identity) { return verifiedBy(directory, verifications, identity); }};
  rtc::RtcService rtcService(
      tokens, clock, random,
      {config.stunUrls, config.turnUrls, config.turnSecret.value_or(""), config.relayOnly},
      std::move(lookups), [&](std::chrono::milliseconds delay, std::function<void()> task) {
        io.load()->after(delay, std::move(task));
      });

  // The SFU's media port: the echo test now, group rooms next. Its certificate lives as long as the process.
  std::unique_ptr<media::MediaServer> media;
  try {
    media = std::make_unique<media::MediaServer>(
        media::MediaServerOptions{config.rtcListenIp, static_cast<uint16_t>(config.rtcPort),
                                  config.rtcAnnounceIp},
        media::DtlsCertificate::generate());
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  EchoService echo(*media, tokens, random, [&](std::string_view identity, std::string_view room) {
    return rooms.revokedBefore(identity, room);
  });
  api.setEchoOffer([&](std::string_view pass, std::string_view sdp) { return echo.offer(pass, sdp); });

  std::unique_ptr<http::Server> server;
  try {
    server = std::make_unique<http::Server>(config.listen, api, &rtcService);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  io = server.get();
  // Group commit: the requests of one event-loop turn share one transaction (their writes nest in it).
  server->setTurnHooks([&] { db.openGroup(); }, [&] { return db.commitGroup(); });
  server->every(kPruneInterval, [&] { (void)verifier.prune(); });
  // Revocations written by the CLI (or this process) end live sessions within a poll interval.
  int64_t revocationSeq = 0;
  for (const auto& r : rooms.revocationsAfter(0)) revocationSeq = r.seq;
  server->every(rtc::kRevocationPollInterval, [&] {
    for (const auto& r : rooms.revocationsAfter(revocationSeq)) {
      rtcService.revoke(r.identity, r.room, r.revokedBefore);
      revocationSeq = r.seq;
    }
  });

  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::printf("roomgate listening on http://%s:%u\n", host.c_str(), server->port());
  if (config.dev) {
    std::printf("  --dev: codes appear in this console and at http://%s:%u/dev/outbox\n", host.c_str(),
                server->port());
    std::printf("  demo guests: blathers, mabel, tommy (room \"%s\"); database %s\n", kDemoRoom,
                config.db.c_str());
  }
  std::printf("  media (group rooms, /echo check): udp %s:%u, announced as %s\n", config.rtcListenIp.c_str(),
              media->port(), media->announceIp().c_str());
  std::fflush(stdout);
  server->run();
  deliveries.flush();  // the last outcomes are posted to the stopped server: run them
  server->poll();
  io = nullptr;
  spdlog::info("stopped");
  return 0;
}

}  // namespace roomgate::app
