#include "http/StaticFiles.hpp"

#include <array>
#include <utility>

#include "http/WebAssets.hpp"

namespace roomgate::http {

std::string_view contentTypeFor(std::string_view fileName) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  }};
  for (const auto& [ext, type] : kTypes)
    if (fileName.ends_with(ext)) return type;
  return "application/octet-stream";
}

std::optional<Response> staticFile(std::string_view path, bool twilioVideo) {
  if (path == "/") path = "/index.html";
  if (path == "/echo") path = "/echo.html";
  for (const auto& asset : webAssets()) {
    if (asset.path != path) continue;
    Response r;
    r.contentType = std::string(contentTypeFor(path));
    r.body = std::string(asset.content);
    r.headers = {{"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"}};
    if (path.ends_with(".html")) {
      // With Twilio Video the SDK talks to Twilio's signaling and insights endpoints; nothing else may.
      std::string csp =
          "default-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
      if (twilioVideo) csp += "; connect-src 'self' https://*.twilio.com wss://*.twilio.com";
      r.headers.emplace_back("Content-Security-Policy", std::move(csp));
    }
    return r;
  }
  return std::nullopt;
}

}  // namespace roomgate::http
