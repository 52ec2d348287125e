#pragma once
// Big-endian (network order) reads and writes shared by the STUN, RTP and RTCP code. The readers and
// writers at an offset do not check bounds: the caller has checked `offset + width <= bytes.size()`
// (every parser does so before it reads). The appenders grow a vector and cannot fail.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace roomgate::media {

[[nodiscard]] inline uint16_t readU16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}
[[nodiscard]] inline uint32_t readU24(std::span<const uint8_t> b, size_t at) {
  return (uint32_t{b[at]} << 16) | (uint32_t{b[at + 1]} << 8) | uint32_t{b[at + 2]};
}
[[nodiscard]] inline uint32_t readU32(std::span<const uint8_t> b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         uint32_t{b[at + 3]};
}
[[nodiscard]] inline uint64_t readU64(std::span<const uint8_t> b, size_t at) {
  return (uint64_t{readU32(b, at)} << 32) | readU32(b, at + 4);
}

inline void writeU16(std::span<uint8_t> b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
inline void writeU32(std::span<uint8_t> b, size_t at, uint32_t v) {
  writeU16(b, at, static_cast<uint16_t>(v >> 16));
  writeU16(b, at + 2, static_cast<uint16_t>(v));
}

// The bytes of a string, viewed (no copy).
[[nodiscard]] inline std::span<const uint8_t> bytesOf(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline void appendU8(std::vector<uint8_t>& out, uint8_t v) {
  out.push_back(v);
}
inline void appendU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void appendU24(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 16));
  appendU16(out, static_cast<uint16_t>(v));
}
inline void appendU32(std::vector<uint8_t>& out, uint32_t v) {
  appendU16(out, static_cast<uint16_t>(v >> 16));
  appendU16(out, static_cast<uint16_t>(v));
}
inline void appendU64(std::vector<uint8_t>& out, uint64_t v) {
  appendU32(out, static_cast<uint32_t>(v >> 32));
  appendU32(out, static_cast<uint32_t>(v));
}
inline void appendBytes(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace roomgate::media
