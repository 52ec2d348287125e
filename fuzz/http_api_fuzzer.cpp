// http::Api::handle, the whole request path with no socket: a real JoinFlow over a fresh in-memory SQLite
// database holding three guests, the console delivery channel (its outbox kept in memory, codes
// included, as with --dev), a fake clock and a deterministic random source. Only makeStack() below
// names the constructors of src/, so a change of JoinFlow's or Api's is adapted there alone.
//
// ROOMGATE_FUZZ_TRACE=1 in the environment prints every request and its response (and the logs).
//
// Encoding. Byte 0 sets the stack's options (bit 0 dev, bit 1 a metrics token, bit 2 revealUnknown,
// bit 3 video "twilio", bit 4 an echo handler). Then at most kMaxRequests requests, each:
//   route   % 8: /login /verify /echo/offer /healthz /dev/outbox?to=..&limit=.. /metrics / , or a raw target
//   method  % 5: POST GET HEAD PUT, or raw
//   body    % 5: a login {username, room?, channel?} from the tables below; a verify {code} with the code
//           last sent, or it with spaces, a wrong code, the code as a number, too many or too few
//           digits; raw bytes; none; or a login with raw strings
//   type    % 4: application/json, with a charset, text/plain, none
//   cookie  bits 0-1: none, the session cookie last set, it with one byte flipped, raw bytes;
//           bit 2: the pass cookie last set; bit 3 from loopback (else 203.0.113.9); bit 4 a proxy's
//           X-Forwarded-For; bit 5 the metrics token as a bearer, bit 6 a wrong one
//   clock   % 6: the clock moves kSteps[..] seconds before the request
//
// Checked on every response:
//   - no exception escapes handle(); a deferred reply completes exactly once, after the delivery queue
//     ran; status is in 200..599 and never 500 (Api turns an exception into 500 "internal": with an
//     in-memory database none is expected, so a 500 is a bug) nor storage_unavailable;
//   - a body whose content type is application/json is valid JSON (hence valid UTF-8);
//   - every status >= 400 is exactly {"error":{"code":<non-empty [a-z_]+>,"message":<non-empty string>}};
//     a 405 says Allow, a 429 says Retry-After (a positive number of seconds);
//   - a /verify code is checked (wrong_code, too_many_checks) only when it has kMinCodeLength to
//     kMaxCodeLength digits once spaces and dashes are dropped; else it is 400 invalid_code;
//   - a 200 /login sets the session cookie; a 200 /verify clears it, sets the pass cookie, and is for a
//     guest on the list and one of their rooms, with a token that TokenVerifier accepts for that room.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../tests/support/Fakes.hpp"
#include "../tests/support/MemoryAuditLog.hpp"
#include "FuzzCheck.hpp"
#include "FuzzInput.hpp"
#include "app/JoinFlow.hpp"
#include "common/Crypto.hpp"
#include "common/Text.hpp"
#include "delivery/DeliveryQueue.hpp"
#include "directory/Directory.hpp"
#include "http/Api.hpp"
#include "http/SessionCookie.hpp"
#include "store/Database.hpp"
#include "store/SqliteVerificationStore.hpp"
#include "token/AccessToken.hpp"
#include "token/TokenVerifier.hpp"
#include "verify/Verifier.hpp"

namespace {

using nlohmann::json;
using namespace roomgate;

constexpr std::size_t kMaxRequests = 16;
constexpr std::string_view kSecret = "http-api-fuzz-secret-0123456789abcdef";
constexpr std::string_view kMetricsToken = "metrics-token-0123456789";
const token::TokenCredentials kCredentials{"AC00000000000000000000000000000000",
                                           "SK00000000000000000000000000000000",
                                           "http-api-fuzz-api-key-secret-0123"};
const std::vector<directory::Guest> kGuests{
    {"mabel", std::string("+18005554321"), std::nullopt, {"My Room", "Garden"}},
    {"ema", std::nullopt, std::string("ema@example.com"), {"My Room"}},
    {"Zoë", std::string("+442079460958"), std::string("zoe@example.com"), {"Salle été"}}};
constexpr std::array<const char*, 6> kNames{"mabel", "ema", " MABEL ", "zoë", "stranger", ""};
constexpr std::array<const char*, 4> kRooms{nullptr, "My Room", "garden", "Lobby"};
constexpr std::array<const char*, 4> kChannels{nullptr, "sms", "email", "fax"};
constexpr std::array<const char*, 5> kMethods{"POST", "GET", "HEAD", "PUT", nullptr};
constexpr std::array<const char*, 4> kTypes{"application/json", "application/json; charset=utf-8",
                                            "text/plain", nullptr};
constexpr std::array<int, 6> kSteps{0, 1, 29, 61, 601, 3601};

// What the console channel delivered, newest last; written by the delivery worker.
struct Outbox {
  std::mutex mu;
  std::vector<delivery::OutboxEntry> entries;
  std::vector<std::function<void()>> completions;  // to run on the fuzzer's thread
};

struct StackOptions {
  bool dev = true, metricsToken = false, revealUnknown = false, twilioVideo = false, echo = false;
};

// The Api and everything under it. Members in construction order; destroyed in reverse (the queue
// drains before the outbox goes).
struct Stack {
  testing::FakeClock clock;
  testing::FakeRandom random;
  Outbox outbox;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<directory::Directory> directory;
  std::unique_ptr<store::SqliteVerificationStore> verifications;
  std::unique_ptr<verify::Verifier> verifier;
  delivery::ConsoleChannel console;
  std::unique_ptr<delivery::DeliveryQueue> queue;
  std::unique_ptr<token::TokenMinter> minter;
  std::unique_ptr<token::TokenVerifier> tokens;
  testing::MemoryAuditLog audit;
  std::unique_ptr<app::JoinFlow> flow;
  std::unique_ptr<http::SessionCookie> cookie;
  std::unique_ptr<http::Api> api;
};

// The one place that builds the stack: adapt it here when a constructor changes.
std::unique_ptr<Stack> makeStack(const StackOptions& o) {
  auto s = std::make_unique<Stack>();
  s->db = std::make_unique<store::Database>(":memory:");
  s->directory = std::make_unique<directory::Directory>(*s->db, s->clock);
  for (const auto& g : kGuests) CHECK(s->directory->add(g).ok());
  s->verifications = std::make_unique<store::SqliteVerificationStore>(*s->db);
  s->verifier = std::make_unique<verify::Verifier>(*s->verifications, s->clock, s->random, kSecret);
  s->queue = std::make_unique<delivery::DeliveryQueue>(
      std::map<std::string, delivery::Channel*>{{"sms", &s->console}, {"email", &s->console}}, s->clock,
      [out = &s->outbox](delivery::Outcomes done) {
        std::lock_guard lock(out->mu);
        for (auto& e : done.entries) out->entries.push_back(std::move(e));
        for (auto& c : done.completions) out->completions.push_back(std::move(c));
      },
      /*recordContent=*/true);
  s->minter = std::make_unique<token::TokenMinter>(kCredentials, s->clock);
  s->tokens = std::make_unique<token::TokenVerifier>(kCredentials, s->clock);
  s->flow = std::make_unique<app::JoinFlow>(
      *s->directory, *s->verifier, *s->queue, *s->minter, s->audit, s->clock, kSecret,
      app::JoinFlowOptions{o.revealUnknown, token::kDefaultTokenTtl, ""});
  s->cookie = std::make_unique<http::SessionCookie>(deriveKey(kSecret, "session-cookie"));
  s->api = std::make_unique<http::Api>(
      *s->flow, *s->cookie, s->clock,
      [out = &s->outbox](const std::optional<std::string>& to, int limit) {
        std::lock_guard lock(out->mu);
        std::vector<delivery::OutboxEntry> list;
        for (auto it = out->entries.rbegin(); it != out->entries.rend() && std::ssize(list) < limit; ++it)
          if (!to || it->to == *to) list.push_back(*it);
        return list;
      },
      http::ApiOptions{o.dev, false, 3600, o.twilioVideo ? "twilio" : "builtin",
                       o.metricsToken ? std::string(kMetricsToken) : "", http::OriginPolicy{},
                       http::TrustedProxies{}});
  s->api->setMetrics([] { return std::string("roomgate_up 1\n"); });
  if (o.echo)
    s->api->setEchoOffer([tokens = s->tokens.get()](std::string_view pass, std::string_view) {
      auto claims = tokens->verify(pass);
      return claims ? Result<std::string>("v=0\r\n") : Result<std::string>(claims.error());
    });
  return s;
}

// The value of cookie `name` in a response's Set-Cookie headers, if one is set.
std::optional<std::string> setCookie(const http::Response& r, std::string_view name) {
  for (const auto& [header, value] : r.headers)
    if (header == "Set-Cookie" && value.starts_with(std::string(name) + "="))
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
  return std::nullopt;
}

std::optional<std::string> header(const http::Response& r, std::string_view name) {
  for (const auto& [h, value] : r.headers)
    if (h == name) return value;
  return std::nullopt;
}

class Harness {
 public:
  explicit Harness(fuzz::Input& in) : in_(in) {
    const uint8_t o = in.u8();
    stack_ = makeStack({(o & 1) != 0, (o & 2) != 0, (o & 4) != 0, (o & 8) != 0, (o & 16) != 0});
  }

  void run() {
    for (std::size_t i = 0; i < kMaxRequests && !in_.empty(); ++i) {
      http::Request request = next();
      check(request, send(request));
    }
  }

 private:
  // The response to `request`, the deferred ones completed as the server does: after the turn.
  http::Response send(const http::Request& request) {
    std::optional<http::Reply> reply;
    try {
      reply = stack_->api->handle(request);
    } catch (...) {
      FUZZ_CHECK(!"an exception escaped Api::handle");
    }
    std::optional<http::Response> answer = std::move(reply->now);
    int completions = 0;
    if (!answer)
      reply->later([&](http::Response r) {
        ++completions;
        answer = std::move(r);
      });
    drain();
    FUZZ_CHECK(answer && completions <= 1);
    if (answer->afterWrite) {  // as the server does once the answer is written
      std::exchange(answer->afterWrite, {})();
      drain();
    }
    return std::move(*answer);
  }

  // Waits for the delivery worker, then runs what it handed back, on this thread.
  void drain() {
    stack_->queue->flush();
    std::vector<std::function<void()>> completions;
    {
      std::lock_guard lock(stack_->outbox.mu);
      completions.swap(stack_->outbox.completions);
      if (!stack_->outbox.entries.empty()) lastCode_ = stack_->outbox.entries.back().code.value_or("");
    }
    for (auto& c : completions) c();
  }

  http::Request next() {
    http::Request r;
    const uint8_t route = in_.u8() % 8, method = in_.u8() % kMethods.size(), body = in_.u8() % 5;
    const uint8_t type = in_.u8() % kTypes.size(), cookie = in_.u8();
    stack_->clock.advance(Seconds(kSteps[in_.u8() % kSteps.size()]));
    static constexpr std::array<const char*, 7> kTargets{
        "/login", "/verify", "/echo/offer", "/healthz", "/dev/outbox", "/metrics", "/"};
    r.target = route < kTargets.size() ? kTargets[route] : in_.bytes(64);
    if (route == 4) r.target += "?to=" + in_.bytes(16) + "&limit=" + in_.bytes(4);
    r.method = kMethods[method] ? kMethods[method] : in_.bytes(8);
    switch (body) {
      case 0:
        r.body = login(kNames[in_.u8() % kNames.size()], pick(kRooms), pick(kChannels)).dump();
        break;
      case 1:
        r.body = verifyBody(in_.u8());
        break;
      case 2:
        r.body = in_.bytes(512);
        break;
      case 3:
        break;
      default:
        r.body = login(in_.utf8(32), in_.utf8(16), in_.utf8(8)).dump();
        break;
    }
    if (kTypes[type]) r.headers["content-type"] = kTypes[type];
    std::string cookies;
    switch (cookie & 3) {
      case 1:
        cookies = "roomgate_session=" + session_;
        break;
      case 2:
        cookies = "roomgate_session=" + fuzz::flipped(session_, in_.u16(), in_.u8());
        break;
      case 3:
        cookies = in_.bytes(128);
        break;
      default:
        break;
    }
    if (cookie & 4) cookies += (cookies.empty() ? "" : "; ") + ("roomgate_pass=" + pass_);
    if (!cookies.empty()) r.headers["cookie"] = cookies;
    r.remoteAddress = (cookie & 8) ? "127.0.0.1" : "203.0.113.9";
    if (cookie & 16) r.headers["x-forwarded-for"] = "198.51.100.7";
    if (cookie & 32) r.headers["authorization"] = "Bearer " + std::string(kMetricsToken);
    if (cookie & 64) r.headers["authorization"] = "bearer wrong";
    return r;
  }

  std::optional<std::string> pick(const std::array<const char*, 4>& table) {
    const char* v = table[in_.u8() % table.size()];
    return v ? std::optional<std::string>(v) : std::nullopt;
  }
  static json login(std::string username, std::optional<std::string> room,
                    std::optional<std::string> channel) {
    json j = {{"username", std::move(username)}};
    if (room) j["room"] = *room;
    if (channel) j["channel"] = *channel;
    return j;
  }
  std::string verifyBody(uint8_t how) const {
    switch (how % 6) {
      case 0:
        return json{{"code", lastCode_}}.dump();
      case 1:
        return json{{"code", lastCode_.substr(0, 3) + " " +
                                 lastCode_.substr(std::min<std::size_t>(3, lastCode_.size()))}}
            .dump();
      case 2:
        return R"({"code":"000000"})";
      case 4:  // one digit more than a code can have
        return json{{"code", std::string(verify::kMaxCodeLength + 1, '1')}}.dump();
      case 5:
        return json{{"code", std::string(verify::kMinCodeLength - 1, '1')}}.dump();
      default:
        return "{\"code\":" + (lastCode_.empty() ? std::string("1") : lastCode_) + "}";
    }
  }

  void check(const http::Request& request, const http::Response& r) {
    if (trace_)
      std::fprintf(stderr, "http_api_fuzzer: %s %s %s -> %d %.160s\n", request.method.c_str(),
                   request.target.c_str(), request.body.substr(0, 80).c_str(), r.status, r.body.c_str());
    FUZZ_CHECK(r.status >= 200 && r.status <= 599 && r.status != 500);
    const bool isJson = r.contentType.starts_with("application/json");
    const json body = isJson ? json::parse(r.body, nullptr, false) : json();
    FUZZ_CHECK(!isJson || !body.is_discarded());
    if (r.status >= 400) {
      FUZZ_CHECK(isJson && body.is_object() && body.size() == 1 && body.contains("error"));
      const json& error = body["error"];
      FUZZ_CHECK(error.is_object() && error.size() == 2 && error.contains("code") &&
                 error.contains("message"));
      FUZZ_CHECK(error["code"].is_string() && error["message"].is_string());
      const std::string code = error["code"], message = error["message"];
      FUZZ_CHECK(!code.empty() && code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos);
      FUZZ_CHECK(!message.empty() && code != "storage_unavailable");
      FUZZ_CHECK(r.status != 405 || header(r, "Allow"));
      if (code == "wrong_code" || code == "too_many_checks") checkCodeShape(request);
      if (r.status == 429) {
        const auto retry = header(r, "Retry-After");
        FUZZ_CHECK(retry && !retry->empty() && retry->find_first_not_of("0123456789") == std::string::npos &&
                   std::atoi(retry->c_str()) > 0);
      }
      return;
    }
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == "/login") {
      const auto session = setCookie(r, http::kSessionCookieName);
      FUZZ_CHECK(session && !session->empty() && body.contains("channel") && body.contains("to"));
      session_ = *session;
    } else if (path == "/verify") {
      checkAdmitted(r, body);
    }
  }

  // The code of a /verify that was checked: digits (spaces and dashes aside) of a length a code can have.
  static void checkCodeShape(const http::Request& request) {
    const json body = json::parse(request.body, nullptr, false);
    FUZZ_CHECK(body.is_object() && body.contains("code") && body["code"].is_string());
    std::string digits = body["code"];
    std::erase_if(digits, [](char c) { return c == ' ' || c == '-'; });
    FUZZ_CHECK(digits.find_first_not_of("0123456789") == std::string::npos);
    FUZZ_CHECK(std::ssize(digits) >= verify::kMinCodeLength && std::ssize(digits) <= verify::kMaxCodeLength);
  }

  void checkAdmitted(const http::Response& r, const json& body) {
    FUZZ_CHECK(body.is_object() && body["token"].is_string() && body["identity"].is_string() &&
               body["room"].is_string());
    const std::string identity = body["identity"], room = body["room"];
    const auto guest = std::find_if(kGuests.begin(), kGuests.end(), [&](const auto& g) {
      return asciiLower(g.identity) == asciiLower(identity);
    });
    FUZZ_CHECK(guest != kGuests.end());
    FUZZ_CHECK(std::any_of(guest->rooms.begin(), guest->rooms.end(),
                           [&](const auto& g) { return asciiLower(g) == asciiLower(room); }));
    const auto claims = stack_->tokens->verify(body["token"].get<std::string>(), room);
    FUZZ_CHECK(claims.ok() && claims->identity == identity);
    FUZZ_CHECK(setCookie(r, http::kSessionCookieName) == std::string());  // single use
    const auto pass = setCookie(r, http::kPassCookieName);
    FUZZ_CHECK(pass == body["token"].get<std::string>());
    pass_ = *pass;
  }

  const bool trace_ = std::getenv("ROOMGATE_FUZZ_TRACE") != nullptr;
  fuzz::Input& in_;
  std::unique_ptr<Stack> stack_;
  std::string session_;   // the session cookie last set
  std::string pass_;      // the pass cookie last set
  std::string lastCode_;  // the code last delivered
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!std::getenv("ROOMGATE_FUZZ_TRACE"))
    spdlog::set_level(spdlog::level::off);  // the console channel logs codes
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in({data, size});
  Harness(in).run();
  return 0;
}
