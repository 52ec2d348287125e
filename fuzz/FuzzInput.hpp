#pragma once
// Reads a fuzzer's input as a stream of integers and strings: bytes left to right, big-endian, 0 past the
// end (so every input, however short, is a whole program of operations).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/Text.hpp"

namespace roomgate::fuzz {

class Input {
 public:
  explicit Input(std::span<const uint8_t> in) : in_(in) {}
  bool empty() const { return pos_ >= in_.size(); }
  uint8_t u8() { return pos_ < in_.size() ? in_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>((u8() << 8) | u8()); }
  uint32_t u32() { return (uint32_t{u16()} << 16) | u16(); }

  // A length (one byte if max < 256, else two; taken % (max + 1)), then that many bytes (fewer at the end).
  std::string bytes(std::size_t max) {
    const std::size_t n = (max < 256 ? u8() : u16()) % (max + 1);
    const std::size_t take = pos_ < in_.size() ? std::min(n, in_.size() - pos_) : 0;
    std::string out(reinterpret_cast<const char*>(in_.data()) + pos_, take);
    pos_ += take;
    return out;
  }
  // As bytes(max), made valid UTF-8 (for what only ever holds parsed JSON text): when the bytes are not
  // valid UTF-8, each is cut to its low 7 bits.
  std::string utf8(std::size_t max) {
    std::string s = bytes(max);
    if (!isValidUtf8(s))
      for (char& c : s) c = static_cast<char>(c & 0x7f);
    return s;
  }
  // Every byte not read yet.
  std::string rest() {
    const std::size_t from = std::min(pos_, in_.size());
    pos_ = in_.size();
    return {reinterpret_cast<const char*>(in_.data()) + from, in_.size() - from};
  }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

// `s` with the byte at `at % size` changed (xor with `mask`, never 0); `s` itself if it is empty.
inline std::string flipped(std::string s, std::size_t at, uint8_t mask) {
  if (!s.empty()) s[at % s.size()] = static_cast<char>(s[at % s.size()] ^ (mask ? mask : 1));
  return s;
}

}  // namespace roomgate::fuzz
