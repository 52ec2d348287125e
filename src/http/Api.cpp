#include "http/Api.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "app/Metrics.hpp"
#include "common/Crypto.hpp"
#include "common/Text.hpp"
#include "http/JsonBody.hpp"
#include "http/StaticFiles.hpp"
#include "store/Database.hpp"

namespace roomgate::http {
namespace {

using nlohmann::json;

Response jsonResponse(int status, const json& body) {
  Response r;
  r.status = status;
  // API answers carry codes and tokens: never cached, never sniffed.
  r.headers = {{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}};
  // Invalid UTF-8 echoed from input is replaced, never a reason to fail the response.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

std::string isoTime(int64_t unixSeconds) {
  const std::time_t t = unixSeconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string percentDecode(std::string_view s) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::optional<std::string> queryParam(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? "" : percentDecode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

bool isLoopbackAddress(std::string_view address) {
  if (address.starts_with("::ffff:")) address.remove_prefix(7);  // IPv4-mapped
  return address == "::1" || address.starts_with("127.");
}

MetricsAccess metricsAccess(const Request& request, std::string_view token) {
  if (!token.empty()) {
    const std::string authorization = request.header("authorization").value_or("");
    constexpr std::string_view kBearer = "Bearer ";
    const bool bearer = authorization.size() > kBearer.size() &&
                        asciiLower(authorization.substr(0, kBearer.size())) == "bearer ";
    const std::string_view given =
        bearer ? std::string_view(authorization).substr(kBearer.size()) : std::string_view();
    const auto bytes = [](std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); };
    return bearer && constantTimeEqual(bytes(given), bytes(token)) ? MetricsAccess::kAllowed
                                                                   : MetricsAccess::kUnauthorized;
  }
  const bool forwarded =
      request.header("forwarded") || request.header("x-forwarded-for") || request.header("x-real-ip");
  return isLoopbackAddress(request.remoteAddress) && !forwarded ? MetricsAccess::kAllowed
                                                                : MetricsAccess::kForbidden;
}

Api::Api(app::JoinFlow& flow, const SessionCookie& cookie, const Clock& clock, OutboxLister listOutbox,
         ApiOptions options)
    : flow_(flow), cookie_(cookie), clock_(clock), listOutbox_(std::move(listOutbox)), options_(options) {}

Response Api::errorResponse(const Error& e) {
  Response r = jsonResponse(e.status, {{"error", {{"code", e.code}, {"message", e.message}}}});
  if (e.retryAfterSeconds) r.headers.emplace_back("Retry-After", std::to_string(*e.retryAfterSeconds));
  return r;
}

Reply Api::handle(const Request& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  try {
    return route(request, path);
  } catch (const store::DatabaseError& e) {
    spdlog::error("{} {}: storage failed: {}", request.method, path, e.what());
    return Reply::ready(errorResponse(Error::unavailable(
        "storage_unavailable", "The server cannot reach its database right now. Try again in a moment.")));
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", request.method, path, e.what());
    return Reply::ready(
        errorResponse(Error::internal("Something went wrong on our side. Try again in a moment.")));
  }
}

std::optional<Response> Api::refuseForeignOrigin(const Request& request) {
  if (originAllowed(request, options_.origins)) return std::nullopt;
  ++originRefusals_;
  return errorResponse(Error::forbidden(
      "origin_not_allowed",
      "This request came from a page at " + quoteForMessage(request.header("origin").value_or("")) +
          ", and this server accepts it only from its own pages. Open the join page at the server's own "
          "address and try again there (an operator can allow another origin with "
          "ROOMGATE_ALLOWED_ORIGINS)."));
}

Reply Api::route(const Request& request, const std::string& path) {
  {
    if (needsOriginCheck(request.method))
      if (auto refused = refuseForeignOrigin(request)) return Reply::ready(std::move(*refused));
    if (path == "/login" || path == "/verify" || path == "/echo/offer") {
      if (request.method != "POST") {
        Response r = errorResponse({405, "method_not_allowed", "Use POST for " + path + ".", {}});
        r.headers.emplace_back("Allow", "POST");
        return Reply::ready(std::move(r));
      }
      if (path == "/echo/offer") return Reply::ready(echoOffer(request));
      return path == "/login" ? login(request) : verify(request);
    }
    if (request.method != "GET" && request.method != "HEAD") {
      Response r = errorResponse({405, "method_not_allowed", "Use GET for " + path + ".", {}});
      r.headers.emplace_back("Allow", "GET, HEAD");
      return Reply::ready(std::move(r));
    }
    if (path == "/healthz") return Reply::ready(jsonResponse(200, {{"status", "ok"}}));
    if (path == "/login/status") return Reply::ready(loginStatus(request));
    if (path == "/metrics" && metrics_) return Reply::ready(metrics(request));
    if (path == "/dev/outbox") {
      if (!options_.dev)
        return Reply::ready(errorResponse(Error::notFound("not_found", "There is no page at " + path + ".")));
      return Reply::ready(outbox(request));
    }
    if (auto file = staticFile(path, options_.video == "twilio")) return Reply::ready(std::move(*file));
    return Reply::ready(errorResponse(Error::notFound("not_found", "There is no page at " + path + ".")));
  }
}

Reply Api::login(const Request& request) {
  auto body = parseJsonBody(request);
  if (!body) return Reply::ready(errorResponse(body.error()));
  auto username = stringField(*body, "username", true);
  if (!username) return Reply::ready(errorResponse(username.error()));
  auto room = stringField(*body, "room", false);
  if (!room) return Reply::ready(errorResponse(room.error()));
  auto channel = stringField(*body, "channel", false);
  if (!channel) return Reply::ready(errorResponse(channel.error()));

  return flow_
      .login(
          {*username.value(), room.value(), channel.value(), clientAddress(request, options_.trustedProxies)})
      .map([this](Result<app::LoginAnswer> answer) {
        if (!answer) return errorResponse(answer.error());
        json out = {{"channel", answer->channel}, {"to", answer->maskedDestination}};
        out[answer->channel == "email" ? "email" : "phone"] = answer->maskedDestination;
        Response r = jsonResponse(200, out);
        const int64_t maxAge = answer->session.expiresAt - unixSeconds(clock_.now());
        r.headers.emplace_back("Set-Cookie", SessionCookie::setHeader(cookie_.seal(answer->session), maxAge,
                                                                      options_.cookieSecure));
        r.afterWrite = std::move(answer->send);
        return r;
      });
}

Reply Api::verify(const Request& request) {
  auto body = parseJsonBody(request);
  if (!body) return Reply::ready(errorResponse(body.error()));
  // The code must be a string: as a JSON number it would lose its leading zeros.
  std::string code;
  auto it = body->find("code");
  if (it == body->end() || it->is_null())
    return Reply::ready(
        errorResponse(Error::badRequest("missing_field", "The request needs a \"code\" field.")));
  if (it->is_string())
    code = it->get<std::string>();
  else
    return Reply::ready(errorResponse(
        Error::badRequest("invalid_field", "\"code\" must be a string of digits, e.g. \"123456\".")));

  const auto session = loginSession(request);
  if (!session) return Reply::ready(errorResponse(session.error()));

  return flow_.verify(*session, code, clientAddress(request, options_.trustedProxies))
      .map([this](Result<app::Joined> joined) {
        if (!joined) return errorResponse(joined.error());
        Response r = jsonResponse(200, {{"token", joined->token},
                                        {"identity", joined->identity},
                                        {"room", joined->room},
                                        {"video", options_.video}});
        r.headers.emplace_back("Set-Cookie",
                               SessionCookie::clearHeader(options_.cookieSecure));  // single use
        r.headers.emplace_back("Set-Cookie",
                               SessionCookie::setHeader(joined->token, options_.passTtlSeconds,
                                                        options_.cookieSecure, kPassCookieName));
        return r;
      });
}

Response Api::echoOffer(const Request& request) {
  if (!echo_)
    return errorResponse(Error::unavailable("media_unavailable",
                                            "The media server is not running, so the check cannot start."));
  const auto cookieHeader = request.header("cookie");
  const auto pass =
      cookieHeader ? SessionCookie::fromCookieHeader(*cookieHeader, kPassCookieName) : std::nullopt;
  if (!pass || pass->empty())
    return errorResponse(Error::unauthorized(
        "not_verified",
        "The connection check is for verified guests: enter your name on the join page and the code we send "
        "you, then open the check again."));
  auto body = parseJsonBody(request);
  if (!body) return errorResponse(body.error());
  auto sdp = stringField(*body, "sdp", true);
  if (!sdp) return errorResponse(sdp.error());
  auto answer = echo_(*pass, *sdp.value());
  if (!answer) return errorResponse(answer.error());
  return jsonResponse(200, {{"type", "answer"}, {"sdp", *answer}});
}

Response Api::metrics(const Request& request) {
  switch (metricsAccess(request, options_.metricsToken)) {
    case MetricsAccess::kAllowed:
      break;
    case MetricsAccess::kUnauthorized: {
      Response r = errorResponse(
          Error::unauthorized("metrics_unauthorized",
                              "Send the metrics token as Authorization: Bearer <ROOMGATE_METRICS_TOKEN>."));
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"roomgate metrics\"");
      return r;
    }
    case MetricsAccess::kForbidden:
      return errorResponse(Error::forbidden(
          "metrics_forbidden",
          "Metrics are served to this machine only (not through a proxy). Set ROOMGATE_METRICS_TOKEN to read "
          "them from elsewhere with a bearer token."));
  }
  Response r;
  r.contentType = app::kMetricsContentType;
  r.headers = {{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}};
  r.body = metrics_();
  return r;
}

Result<app::LoginSession> Api::loginSession(const Request& request) const {
  const auto cookieHeader = request.header("cookie");
  const auto value = cookieHeader ? SessionCookie::fromCookieHeader(*cookieHeader) : std::nullopt;
  const auto session = value ? cookie_.open(*value, unixSeconds(clock_.now())) : std::nullopt;
  if (!session)
    return Error::unauthorized(
        "no_session",
        "Your sign-in has expired or was not started. Enter your name again to get a new code.");
  return *session;
}

Response Api::loginStatus(const Request& request) {
  const auto session = loginSession(request);
  if (!session) return errorResponse(session.error());
  const auto state = flow_.deliveryStatus(*session);
  if (!state) return errorResponse(state.error());
  return jsonResponse(200, {{"delivery", *state == app::DeliveryState::kSent ? "sent" : "pending"}});
}

Response Api::outbox(const Request& request) {
  const auto to = queryParam(request.target, "to");
  int limit = kMaxOutboxEntries;
  if (auto l = queryParam(request.target, "limit")) {
    try {
      limit = std::clamp(std::stoi(*l), 1, kMaxOutboxEntries);
    } catch (const std::exception&) {
      return errorResponse(Error::badRequest("invalid_field", "limit must be a number from 1 to 200."));
    }
  }
  json out = json::array();
  for (const auto& e : listOutbox_(to, limit)) {
    out.push_back({{"to", e.to},
                   {"channel", e.channel},
                   {"body", e.body ? json(*e.body) : json(nullptr)},
                   {"code", e.code ? json(*e.code) : json(nullptr)},
                   {"status", e.status},
                   {"error", e.error ? json(*e.error) : json(nullptr)},
                   {"queued_at", isoTime(e.queuedAt)},
                   {"sent_at", e.sentAt ? json(isoTime(*e.sentAt)) : json(nullptr)}});
  }
  return jsonResponse(200, out);
}

}  // namespace roomgate::http
