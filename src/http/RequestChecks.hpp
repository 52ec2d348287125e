#pragma once
// Checks of a request's shape that Beast leaves out, kept strict. Pure, thread-safe.
#include <string_view>

namespace roomgate::http {

// True if the header block (the request line and the field lines, CRLF-separated, without the empty line
// that ends them) has a line starting with a space or tab: obsolete line folding, which a server must
// refuse with 400 or replace (RFC 9112 §5.2). Beast joins such a line to the field above it, so a proxy
// in front and roomgate could read different headers.
[[nodiscard]] bool hasObsoleteLineFolding(std::string_view headerBlock);

// True if `key` is a Sec-WebSocket-Key as RFC 6455 §4.2.1 requires: the base64 of exactly 16 bytes
// (24 characters, the last two "=", canonical: no bits set past the 16 bytes).
[[nodiscard]] bool isValidWebSocketKey(std::string_view key);

}  // namespace roomgate::http
