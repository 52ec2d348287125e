#include "http/RequestChecks.hpp"

namespace roomgate::http {
namespace {

// The base64 alphabet (RFC 4648 §4): the value of `c`, or -1.
int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool hasObsoleteLineFolding(std::string_view headerBlock) {
  for (auto at = headerBlock.find("\r\n"); at != std::string_view::npos;
       at = headerBlock.find("\r\n", at + 2))
    if (at + 2 < headerBlock.size() && (headerBlock[at + 2] == ' ' || headerBlock[at + 2] == '\t'))
      return true;
  return false;
}

bool isValidWebSocketKey(std::string_view key) {
  // 16 bytes = 5 groups of 3 (20 characters) + 1 byte: 2 characters and "==".
  constexpr std::size_t kLength = 24;
  if (key.size() != kLength || key.substr(22) != "==") return false;
  for (std::size_t i = 0; i < 22; ++i)
    if (base64Value(key[i]) < 0) return false;
  return (base64Value(key[21]) & 0x0f) == 0;  // the last character carries 2 bits of the 16th byte
}

}  // namespace roomgate::http
