#pragma once
// Reads a fuzzer's input as a stream of integers: bytes left to right, big-endian, 0 past the end (so
// every input, however short, is a whole program of operations).
#include <cstddef>
#include <cstdint>
#include <span>

namespace roomgate::fuzz {

class Input {
 public:
  explicit Input(std::span<const uint8_t> in) : in_(in) {}
  bool empty() const { return pos_ >= in_.size(); }
  uint8_t u8() { return pos_ < in_.size() ? in_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>((u8() << 8) | u8()); }
  uint32_t u32() { return (uint32_t{u16()} << 16) | u16(); }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

}  // namespace roomgate::fuzz
