#pragma once
// Api: every HTTP route of roomgate, as a function from Request to Response (now, or later when a
// provider must be asked: see Reply).
//   GET  /            the web client (and its assets: /app.js, /style.css, ...)
//   GET  /healthz     {"status":"ok"}
//   POST /login       {"username", "room"?, "channel"?} -> {"phone"|"email", "channel", "to"} + cookie
//   GET  /login/status  session cookie -> {"delivery": "pending"|"sent"}, or the delivery's failure as an
//                     error (app::JoinFlow::deliveryStatus: alike for guests and strangers)
//   POST /verify      {"code"} + session cookie -> {"token", "identity", "room", "video"} + pass cookie
//   POST /echo/offer  {"sdp"} + pass cookie -> {"sdp"}: the echo test's answer (docs/SIGNALING.md)
//   GET  /dev/outbox  the development outbox, newest first (only with --dev; 404 otherwise)
//   GET  /metrics     Prometheus text (docs/ARCHITECTURE.md, "Metrics"); who may read it: metricsAccess()
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
#include "http/ClientAddress.hpp"
#include "http/JsonBody.hpp"  // kMaxBodyBytes, bodyTooLarge
#include "http/Message.hpp"
#include "http/OriginPolicy.hpp"
#include "http/SessionCookie.hpp"

namespace roomgate::http {

// The most outbox entries one GET /dev/outbox returns.
inline constexpr int kMaxOutboxEntries = 200;

struct ApiOptions {
  bool dev = false;
  bool cookieSecure = false;
  int64_t passTtlSeconds = 3600;  // the access token's lifetime: the pass cookie lives as long
  std::string video = "builtin";  // what /verify tells the page to join with: "builtin" or "twilio"
  std::string metricsToken;       // ROOMGATE_METRICS_TOKEN: the bearer token /metrics asks for; empty: none
  OriginPolicy origins;           // who may send state-changing requests (and open /rtc)
  TrustedProxies trustedProxies;  // whose X-Forwarded-For names the client that the rate limits count
};

// Who may read GET /metrics. With a token configured, any client that sends `Authorization: Bearer
// <token>` (compared in constant time), and no one else. Without one, loopback clients only, and only
// requests no proxy forwarded (no Forwarded, X-Forwarded-For or X-Real-IP header): a reverse proxy on the
// same host connects from loopback too.
enum class MetricsAccess { kAllowed, kForbidden, kUnauthorized };
[[nodiscard]] MetricsAccess metricsAccess(const Request& request, std::string_view token);
// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 in text form.
[[nodiscard]] bool isLoopbackAddress(std::string_view address);

// The text of GET /metrics (Prometheus exposition format 0.0.4), made when asked.
using MetricsText = std::function<std::string()>;

// The echo test's signaling: the guest's pass (access token) and the browser's SDP offer -> the answer.
using EchoOffer = std::function<Result<std::string>(std::string_view pass, std::string_view offer)>;

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
  // Enables POST /echo/offer (without it the route answers 503).
  void setEchoOffer(EchoOffer echo) { echo_ = std::move(echo); }
  // Enables GET /metrics (without it the route answers 404).
  void setMetrics(MetricsText metrics) { metrics_ = std::move(metrics); }

  // The 403 origin_not_allowed for a request whose Origin is foreign (originAllowed), counted; nullopt if
  // it may go on. The server asks it for WebSocket upgrades; handle() asks it for every method but GET
  // and HEAD.
  [[nodiscard]] std::optional<Response> refuseForeignOrigin(const Request& request);
  // Requests refused by refuseForeignOrigin so far.
  [[nodiscard]] uint64_t originRefusals() const { return originRefusals_; }

  // The response for an Error (also used by the server for transport-level refusals such as 413).
  [[nodiscard]] static Response errorResponse(const Error& e);

 private:
  Reply route(const Request& request, const std::string& path);
  Reply login(const Request& request);
  Reply verify(const Request& request);
  Response outbox(const Request& request);
  Response loginStatus(const Request& request);
  // The signed login session of the request's cookie, or 401 no_session.
  [[nodiscard]] Result<app::LoginSession> loginSession(const Request& request) const;
  Response echoOffer(const Request& request);
  Response metrics(const Request& request);

  app::JoinFlow& flow_;
  const SessionCookie& cookie_;
  const Clock& clock_;
  OutboxLister listOutbox_;
  ApiOptions options_;
  EchoOffer echo_;
  MetricsText metrics_;
  uint64_t originRefusals_ = 0;
};

}  // namespace roomgate::http
