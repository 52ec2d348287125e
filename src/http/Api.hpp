#pragma once
// Api: every HTTP route of roomgate, as a function from Request to Response (now, or later when a
// provider must be asked: see Reply).
//   GET  /            the web client (and its assets: /app.js, /style.css, ...)
//   GET  /healthz     {"status":"ok"}
//   POST /login       {"username", "room"?, "channel"?} -> {"phone"|"email", "channel", "to"} + session
//   cookie POST /verify      {"code"} + session cookie -> {"token", "identity", "room", "video"} GET
//   /dev/outbox  the development outbox, newest first (only with --dev; 404 otherwise)
// Every failure is {"error": {"code", "message"}} with its status; this file is the one place where an
// Error becomes a response.
// Thread: the server's I/O thread only (a deferred reply completes there too).
#include <functional>
#include <optional>
#include <vector>

#include "app/JoinFlow.hpp"
#include "common/Clock.hpp"
#include "common/Eventually.hpp"
#include "delivery/OutboxEntry.hpp"
#include "http/Message.hpp"
#include "http/SessionCookie.hpp"

namespace roomgate::http {

// The largest request body accepted (JSON of a name or a code is tiny); more is refused with 413.
inline constexpr std::size_t kMaxBodyBytes = 16 * 1024;
// The most outbox entries one GET /dev/outbox returns.
inline constexpr int kMaxOutboxEntries = 200;

struct ApiOptions {
  bool dev = false;
  bool cookieSecure = false;
  std::string video = "builtin";  // what /verify tells the page to join with: "builtin" or "twilio"
};

// A response now, or `later(done)`: the server calls it once the turn's state is committed, and writes
// what `done` is given (on the I/O thread).
using Reply = Eventually<Response>;

class Api {
 public:
  using OutboxLister =
      std::function<std::vector<delivery::OutboxEntry>(const std::optional<std::string>& to, int limit)>;

  // All borrowed; `listOutbox` is only called with --dev.
  Api(app::JoinFlow& flow, const SessionCookie& cookie, const Clock& clock, OutboxLister listOutbox,
      ApiOptions options);

  [[nodiscard]] Reply handle(const Request& request);

  // The response for an Error (also used by the server for transport-level refusals such as 413).
  [[nodiscard]] static Response errorResponse(const Error& e);

 private:
  Reply route(const Request& request, const std::string& path);
  Reply login(const Request& request);
  Reply verify(const Request& request);
  Response outbox(const Request& request);

  app::JoinFlow& flow_;
  const SessionCookie& cookie_;
  const Clock& clock_;
  OutboxLister listOutbox_;
  ApiOptions options_;
};

}  // namespace roomgate::http
