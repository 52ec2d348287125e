#pragma once
// HTTP request and response as plain values, so the API is driven by unit tests without sockets and
// Beast stays inside Server.cpp.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace roomgate::http {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query: "/dev/outbox?to=%2B1800..."
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remoteAddress;  // the TCP peer's IP address ("127.0.0.1", "::1"); empty if unknown

  [[nodiscard]] std::optional<std::string> header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
};

struct Response {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Set-Cookie, Retry-After, ...
  // Run once the response has been written to the client (or the write failed); a response replaced
  // before it is written (an uncommitted turn) drops it. /login queues its message here, so that the work
  // on a guest's message never overlaps the answer the client is timing.
  std::function<void()> afterWrite = {};
};

}  // namespace roomgate::http
