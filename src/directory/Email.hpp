#pragma once
// E-mail addresses: a pragmatic syntax check and normalisation (not full RFC 5322), and masking for display.
// Pure functions: thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/Error.hpp"

namespace roomgate::directory {

// The longest address that fits an SMTP forward-path (RFC 5321: 256 octets including the angle brackets).
inline constexpr std::size_t kMaxEmailBytes = 254;

// `input` trimmed of surrounding whitespace, with the domain lowercased (the local part keeps its case:
// only the receiving server may fold it). Accepted: valid UTF-8 of at most kMaxEmailBytes with exactly one
// '@', a non-empty local part, and a domain of two or more non-empty dot-separated labels; no whitespace or
// control characters anywhere.
// Error: badRequest "invalid_email", naming the input.
[[nodiscard]] Result<std::string> normalizeEmail(std::string_view input);

// `email` for display: the first character (code point) of the local part, "•••" (U+2022 x3), '@', the
// first character of the domain, "•••" and the domain's last label: "mabel@example.com" ->
// "m•••@e•••.com". The domain is hidden too, so the mask does not say which organisation is invited (and
// a decoy's mask can look the same). Without an '@' the result is "•••".
[[nodiscard]] std::string maskEmail(std::string_view email);

}  // namespace roomgate::directory
