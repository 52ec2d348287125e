#pragma once
// Web origins (RFC 6454): scheme, host and port, compared as RFC 6454 §5 says: scheme and host
// case-insensitively (held lower-cased), a scheme's default port the same as no port. Pure, thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomgate {

struct Origin {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; an IPv6 address keeps its brackets
  uint16_t port = 0;   // the default port of the scheme when none was written
  friend bool operator==(const Origin&, const Origin&) = default;
  // "https://call.example.com", with ":port" only when it is not the scheme's default.
  [[nodiscard]] std::string text() const;
};

// An origin as a browser's Origin header or a setting writes it: http(s)://host[:port], nothing after
// (no path, not even "/"; no user info). nullopt otherwise, "null" included.
[[nodiscard]] std::optional<Origin> parseOrigin(std::string_view text);

// The origin of an http(s) URL: what comes before its path, query or fragment. nullopt if malformed.
[[nodiscard]] std::optional<Origin> originOfUrl(std::string_view url);

// The origin a request arriving with `Host: <host>` has under `scheme` ("http", "https"). nullopt if
// `host` is not host[:port].
[[nodiscard]] std::optional<Origin> originOfHost(std::string_view scheme, std::string_view host);

}  // namespace roomgate
