#include "common/Origin.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/Text.hpp"

namespace roomgate {
namespace {

uint16_t defaultPort(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

// RFC 3986 reg-name (unreserved and sub-delims; no percent-encoding: browsers send hosts in ASCII, IDNs
// as punycode) or an IPv6 literal in brackets.
bool validHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[')
    return host.size() > 2 && host.back() == ']' && std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
             return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
           });
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

}  // namespace

std::string Origin::text() const {
  std::string out = scheme + "://" + host;
  if (port != defaultPort(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::optional<Origin> originOfHost(std::string_view scheme, std::string_view host) {
  Origin o{asciiLower(scheme), "", 0};
  if (o.scheme != "http" && o.scheme != "https") return std::nullopt;
  const auto close = host.rfind(']');
  const auto colon = host.rfind(':');
  const bool hasPort = colon != std::string_view::npos && (close == std::string_view::npos || colon > close);
  o.host = asciiLower(host.substr(0, hasPort ? colon : host.size()));
  if (!validHost(o.host)) return std::nullopt;
  o.port = defaultPort(o.scheme);
  if (hasPort) {
    const std::string_view digits = host.substr(colon + 1);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || port == 0 ||
        port > 65535)
      return std::nullopt;
    o.port = static_cast<uint16_t>(port);
  }
  return o;
}

std::optional<Origin> parseOrigin(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string_view authority = text.substr(sep + 3);
  if (authority.find_first_of("/?#@") != std::string_view::npos) return std::nullopt;
  return originOfHost(text.substr(0, sep), authority);
}

std::optional<Origin> originOfUrl(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const auto end = url.find_first_of("/?#", sep + 3);
  return parseOrigin(url.substr(0, end));
}

}  // namespace roomgate
