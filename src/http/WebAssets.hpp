#pragma once
// The web client (web/), embedded into the binary at build time by cmake/EmbedWeb.cmake.
#include <string_view>
#include <vector>

namespace roomgate::http {

struct WebAsset {
  std::string_view path;     // URL path, e.g. "/app.js"
  std::string_view content;  // bytes of the file
};

[[nodiscard]] const std::vector<WebAsset>& webAssets();

}  // namespace roomgate::http
