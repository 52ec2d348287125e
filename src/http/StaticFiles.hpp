#pragma once
// The embedded web client served as static files, with content types and security headers.
#include <optional>
#include <string_view>

#include "http/Message.hpp"

namespace roomgate::http {

// The response for GET `path` if it names an embedded file ("/" serves "/index.html"); nullopt otherwise.
// `twilioVideo` lets pages connect to Twilio (ROOMGATE_VIDEO=twilio).
[[nodiscard]] std::optional<Response> staticFile(std::string_view path, bool twilioVideo = false);
// The Content-Type for a file name by its extension; application/octet-stream when unknown.
[[nodiscard]] std::string_view contentTypeFor(std::string_view fileName);

}  // namespace roomgate::http
