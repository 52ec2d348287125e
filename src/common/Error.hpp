#pragma once
// Error: the typed failure of the control path (HTTP API, CLI, configuration). It carries a stable
// machine-readable code and a sentence a person can act on; the HTTP layer turns it into
// `{"error": {"code", "message"}}` with `status` in one place (http/Api.cpp), the CLI prints the message.
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "common/Check.hpp"

namespace roomgate {

struct Error {
  int status = 500;                      // HTTP status it maps to
  std::string code;                      // stable, snake_case: "wrong_code", "invalid_phone", ...
  std::string message;                   // one sentence for the person in front of the screen
  std::optional<int> retryAfterSeconds;  // set with 429: when trying again can succeed

  static Error badRequest(std::string code, std::string message) {
    return {400, std::move(code), std::move(message), {}};
  }
  static Error unauthorized(std::string code, std::string message) {
    return {401, std::move(code), std::move(message), {}};
  }
  static Error forbidden(std::string code, std::string message) {
    return {403, std::move(code), std::move(message), {}};
  }
  static Error notFound(std::string code, std::string message) {
    return {404, std::move(code), std::move(message), {}};
  }
  static Error conflict(std::string code, std::string message) {
    return {409, std::move(code), std::move(message), {}};
  }
  static Error tooMany(std::string code, std::string message, int retryAfter) {
    return {429, std::move(code), std::move(message), retryAfter};
  }
  static Error unavailable(std::string code, std::string message) {
    return {503, std::move(code), std::move(message), {}};
  }
  static Error internal(std::string message) { return {500, "internal", std::move(message), {}}; }
};

// A value or an Error. Small on purpose: std::expected arrives with C++23.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    CHECK(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    CHECK(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    CHECK(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const {
    CHECK(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation with no value.
struct Ok {};
using Status = Result<Ok>;

}  // namespace roomgate
