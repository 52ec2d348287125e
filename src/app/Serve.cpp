#include "app/Serve.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>

#include "app/AuditTrail.hpp"
#include "app/EchoService.hpp"
#include "app/JoinFlow.hpp"
#include "app/Metrics.hpp"
#include "app/Retention.hpp"
#include "app/Secrets.hpp"
#include "common/Crypto.hpp"
#include "common/FileLimit.hpp"
#include "delivery/DeliveryQueue.hpp"
#include "delivery/SmtpChannel.hpp"
#include "delivery/TwilioChannels.hpp"
#include "directory/Directory.hpp"
#include "directory/Email.hpp"
#include "directory/PhoneNumber.hpp"
#include "directory/Rooms.hpp"
#include "http/Api.hpp"
#include "http/Server.hpp"
#include "http/SessionCookie.hpp"
#include "http/WebAssets.hpp"
#include "media/MediaServer.hpp"
#include "media/Sfu.hpp"
#include "net/Curl.hpp"
#include "rtc/Limits.hpp"
#include "rtc/RtcService.hpp"
#include "store/AuditRepository.hpp"
#include "store/Checkpointer.hpp"
#include "store/Database.hpp"
#include "store/OutboxRepository.hpp"
#include "store/SqliteVerificationStore.hpp"
#include "token/AccessToken.hpp"
#include "token/TokenGate.hpp"
#include "token/TokenVerifier.hpp"
#include "twilio/TwilioClient.hpp"
#include "verify/Verifier.hpp"

namespace roomgate::app {
namespace {
// How often expired verifications and old send records are removed.
constexpr std::chrono::milliseconds kPruneInterval{60'000};

// True when the build embedded the twilio-video SDK (vendor/node_modules was installed at build time).
bool twilioVideoSdkServed() {
  const auto& assets = http::webAssets();
  return std::any_of(assets.begin(), assets.end(),
                     [](const http::WebAsset& a) { return a.path == http::kTwilioVideoSdkPath; });
}

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
  auto credentials = resolveTokenCredentials(config, db, random, secret);
  if (!credentials) {
    spdlog::error("{}", credentials.error().message);
    return 2;
  }
  if (!config.dev && (config.rtcAnnounceIp.starts_with("127.") || config.rtcAnnounceIp == "::1"))
    spdlog::warn(
        "media is announced as {}: only browsers on this machine can reach it; set ROOMGATE_RTC_ANNOUNCE_IP "
        "(--rtc-announce-ip) to the address guests reach this server at",
        config.rtcAnnounceIp);
  // A server that could never send a code would tell every guest to try again, forever.
  if (auto refused = config::deliveryRefusal(config)) {
    spdlog::error("{}", refused->message);
    return 2;
  }

  directory::Directory directory(db, clock);
  if (config.dev) seedDemoGuests(directory);

  if (config.twilioVideo && !twilioVideoSdkServed()) {
    spdlog::error(
        "ROOMGATE_VIDEO=twilio needs the twilio-video SDK in the page, and this build has none: run "
        "scripts/install-deps (it installs vendor/node_modules with npm), then make build");
    return 2;
  }

  // Delivery: a configured provider for each kind; in --dev the console (and the outbox) for the rest.
  // Without either, /login answers 503 for that kind rather than pretend to send.
  net::initialize();
  const auto [twilioUser, twilioPassword] = config.twilioBasicAuth();
  const twilio::TwilioClient twilio({config.twilioApiUrl,
                                     config.twilioVerifyUrl,
                                     config.twilioAccountSid.value_or(""),
                                     twilioUser,
                                     twilioPassword,
                                     {config.twilioFromNumber, config.twilioMessagingServiceSid},
                                     config.verifyServiceSid.value_or("")});
  delivery::ConsoleChannel console;
  delivery::TwilioSmsChannel twilioSms(twilio);
  delivery::TwilioVerifyChannel twilioVerify(twilio);
  std::optional<delivery::SmtpChannel> smtp;
  if (config.smtpUrl)
    smtp.emplace(delivery::SmtpSettings{*config.smtpUrl, config.smtpFrom.value_or(""),
                                        config.smtpUser.value_or(""), config.smtpPassword.value_or("")},
                 clock);
  std::map<std::string, delivery::Channel*> channels;
  if (config.twilioVerify) {
    channels = {{"sms", &twilioVerify}, {"email", &twilioVerify}};
  } else {
    if (config.twilioSms) channels["sms"] = &twilioSms;
    if (smtp) channels["email"] = &*smtp;
    if (config.dev) channels.insert({{"sms", &console}, {"email", &console}});  // keeps a configured provider
  }
  for (const char* kind : {"sms", "email"})
    if (!channels.contains(kind))
      spdlog::warn(
          "no {} provider is configured: logins by {} are refused with 503 (see docs/CONFIGURATION.md)", kind,
          kind);
  const bool anyRemote =
      std::any_of(channels.begin(), channels.end(), [](auto& kv) { return kv.second->remote(); });
  store::Checkpointer checkpointer(config.db);
  // Delivery outcomes are written by the I/O thread's connection, the only one that writes: a second
  // writing connection would reset this one's page cache at every commit and contend for the lock.
  std::atomic<http::Server*> io = nullptr;  // the server below, once it exists; null after shutdown
  store::OutboxRepository outbox(db);
  delivery::DeliveryQueue deliveries(
      channels, clock,
      [&](delivery::Outcomes out) {
        http::Server* server = io.load();
        if (!server)
          return spdlog::error("{} delivery outcome(s) arrived after shutdown, not recorded",
                               out.entries.size());
        server->post([&outbox, out = std::move(out)] {
          try {
            if (!out.entries.empty()) outbox.append(out.entries);
          } catch (const std::exception& e) {
            spdlog::error("could not record {} deliveries in the outbox: {}", out.entries.size(), e.what());
          }
          for (const auto& then : out.completions) then();  // answers the requests that waited for them
        });
      },
      config.dev, anyRemote ? delivery::kProviderWorkers : 1);

  // The audit log: a row in the turn's transaction (a write outside a request opens the turn's) and a
  // JSON line on stderr.
  store::AuditRepository auditRows(db);
  AuditTrail audit(auditRows, clock, [&] {
    if (http::Server* server = io.load(); server && !db.inTransaction()) server->joinTurn();
  });

  store::SqliteVerificationStore verifications(db);
  verify::Verifier verifier(verifications, clock, random, *secret, config.codeLength);
  token::TokenMinter minter(*credentials, clock);
  JoinFlow flow(directory, verifier, deliveries, minter, audit, clock, *secret,
                {config.revealUnknown, Seconds(config.tokenTtlSeconds), config.otpHost(), config.smsPerHour,
                 config.smsPerCountryPerHour, config.smsCountries},
                config.twilioVerify ? &twilio : nullptr);
  http::SessionCookie cookie(deriveKey(*secret, "session-cookie"));
  http::Api api(flow, cookie, clock,
                [&](const std::optional<std::string>& to, int limit) { return outbox.list(to, limit); },
                {config.dev,
                 config.cookieSecure,
                 config.tokenTtlSeconds,
                 config.twilioVideo ? "twilio" : "builtin",
                 config.metricsToken.value_or(""),
                 {config.publicUrl ? originOfUrl(*config.publicUrl) : std::nullopt, config.allowedOrigins},
                 config.trustedProxies});

  // Live rooms: the signaling service, fed by the rooms table, the revocation watermarks and the
  // verification records (for the "verified" badge).
  directory::Rooms rooms(db, clock);
  token::TokenVerifier verifierOfTokens(*credentials, clock, token::kTokenLeeway,
                                        Seconds(config.maxTokenTtlSeconds));
  token::TokenGate tokens(verifierOfTokens, {[&](std::string_view identity, std::string_view room) {
                                               return rooms.revokedBefore(identity, room);
                                             },
                                             [&](std::string_view identity, std::string_view room) {
                                               const auto guest = directory.find(identity);
                                               return guest && guest->invitedTo(room);
                                             }});
  rtc::RtcLookups lookups{
      [&](std::string_view name) {
        const auto room = rooms.find(name).value_or(directory::Room{std::string(name)});
        return rtc::RoomSettings{room.type, room.maxParticipants};
      },
      [&](std::string_view identity) { return verifiedBy(directory, verifications, identity); },
      [&](AuditRecord r) { audit.record(std::move(r)); }};
  rtc::RtcService rtcService(
      tokens, clock, random,
      {config.stunUrls, config.turnUrls, config.turnSecret.value_or(""), config.relayOnly},
      std::move(lookups), [&](std::chrono::milliseconds delay, std::function<void()> task) {
        io.load()->after(delay, std::move(task));
      });

  // The SFU's media port: group rooms and the echo test. Its certificate lives as long as the process.
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
  // Group rooms: the media thread's transports and routers, driven by the signaling service. A transport
  // that closes by itself (ICE consent lapsed) is reported back on the I/O thread.
  media::Sfu sfu(
      *media, random,
      [&](const std::string&, const std::string& sid, media::TransportRole role, const std::string& reason) {
        if (http::Server* server = io.load())
          server->post([&rtcService, sid, role, reason] { rtcService.onMediaClosed(sid, role, reason); });
      });
  rtcService.enableGroupRooms(sfu, {media->certificate().fingerprint(), media->announceIp(), media->port()});
  EchoService echo(*media, tokens, random);
  api.setEchoOffer([&](std::string_view pass, std::string_view sdp) { return echo.offer(pass, sdp); });
  // GET /metrics, on the I/O thread: the registry and the join flow's counters are read there; the media
  // and SFU figures are atomics.
  api.setMetrics([&] {
    MetricsSnapshot snapshot;
    for (const auto& [type, n] : rtcService.registry().roomCountsByType()) snapshot.roomsByType[type] = n;
    snapshot.participants = rtcService.registry().participantCount();
    snapshot.media = &media->stats();
    snapshot.sfu = &sfu.stats();
    snapshot.verification = flow.counters();
    if (http::Server* server = io.load()) snapshot.connections = server->connectionStats();
    return renderMetrics(snapshot);
  });

  // Every connection takes a descriptor: raise the soft limit to the hard one, and cap connections so
  // that running out is a refusal at the door, not a failure somewhere inside.
  const FileLimit files = raiseFileLimit();
  const std::size_t maxConnections = http::connectionCap(files.now);
  if (!files.error.empty())
    spdlog::warn("could not raise the open-file limit from {} to {}: {}", files.before, files.hard,
                 files.error);
  spdlog::info("open files: at most {}{}; connections: at most {}", files.now,
               files.now != files.before ? fmt::format(" (raised from {})", files.before) : std::string(),
               maxConnections);

  std::unique_ptr<http::Server> server;
  try {
    server = std::make_unique<http::Server>(config.listen, api, &rtcService, maxConnections,
                                            config.maxConnectionsPerAddress > 0
                                                ? static_cast<std::size_t>(config.maxConnectionsPerAddress)
                                                : http::kMaxConnectionsPerAddress,
                                            config.trustedProxies);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  io = server.get();
  // Group commit: the requests of one event-loop turn share one transaction (their writes nest in it).
  server->setTurnHooks([&] { db.openGroup(); }, [&] { return db.commitGroup(); });
  server->every(kPruneInterval, [&] { (void)verifier.prune(); });
  // Retention: audit rows and outbox entries older than ROOMGATE_AUDIT_RETENTION_DAYS, a bounded batch
  // at a time; a full batch runs the next one shortly after, behind the requests waiting.
  Retention retention(db, clock, config.auditRetentionDays);
  std::function<void()> pruneOld = [&] {
    try {
      if (retention.pruneBatch()) server->after(kRetentionBatchPause, pruneOld);
    } catch (const std::exception& e) {
      spdlog::error("retention: pruning old audit rows and outbox entries failed: {}", e.what());
    }
  };
  server->post(pruneOld);  // at start: a server that was down catches up
  server->every(kRetentionInterval, pruneOld);
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
