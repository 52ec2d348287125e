#pragma once
// The web client (web/), embedded into the binary at build time by cmake/EmbedWeb.cmake.
#include <string_view>
#include <vector>

namespace roomgate::http {

// Where the page loads the official Twilio Video SDK from (ROOMGATE_VIDEO=twilio). Present only when
// vendor/node_modules held it at build time (scripts/install-deps installs it).
inline constexpr std::string_view kTwilioVideoSdkPath = "/vendor/twilio-video.min.js";

struct WebAsset {
  std::string_view path;     // URL path, e.g. "/app.js"
  std::string_view content;  // bytes of the file
};

[[nodiscard]] const std::vector<WebAsset>& webAssets();

}  // namespace roomgate::http
