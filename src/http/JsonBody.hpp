#pragma once
// The JSON bodies of POST /login, /verify and /echo/offer: the checks every such body passes before a
// route reads its fields. Pure: no I/O, thread-safe, never throws.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/Error.hpp"
#include "http/Message.hpp"

namespace roomgate::http {

// The largest request body accepted: an SDP offer with many m-lines fits (a name or a code is tiny);
// more is refused with 413.
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
// The refusal of a body over kMaxBodyBytes (by the server while reading, or by the Api).
[[nodiscard]] inline Error bodyTooLarge() {
  return {413,
          "body_too_large",
          "The request is too large; send at most " + std::to_string(kMaxBodyBytes / 1024) + " KiB.",
          {}};
}

// The body of `request` as a JSON object. Errors, in this order: 413 "body_too_large" (more than
// kMaxBodyBytes), 415 "unsupported_media_type" (the Content-Type's media type, before any ';', is not
// exactly "application/json"), 400 "invalid_json" (not JSON, invalid UTF-8, or not an object).
[[nodiscard]] Result<nlohmann::json> parseJsonBody(const Request& request);

// The string field `name` of object `body`: nullopt if absent or null and not `required`. Errors: 400
// "missing_field" (absent or null and `required`), 400 "invalid_field" (present but not a string).
[[nodiscard]] Result<std::optional<std::string>> stringField(const nlohmann::json& body, const char* name,
                                                             bool required);

}  // namespace roomgate::http
