#include "common/Random.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <vector>

#include "common/Check.hpp"
#include "common/Encoding.hpp"

namespace roomgate {

void OpenSslRandom::fill(std::span<std::byte> out) {
  if (out.empty()) return;
  CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) == 1);
}

std::string randomHex(Random& random, std::size_t n) {
  std::vector<std::byte> bytes(n);
  random.fill(bytes);
  return toHex(bytes);
}

uint32_t uniformBelow(Random& random, uint32_t bound) {
  CHECK(bound > 0);
  // Largest multiple of `bound` that fits in 2^32; draws at or above it are rejected.
  const uint64_t limit = (uint64_t{1} << 32) - ((uint64_t{1} << 32) % bound);
  for (;;) {
    std::array<std::byte, 4> b;
    random.fill(b);
    uint32_t v;
    std::memcpy(&v, b.data(), sizeof v);
    if (v < limit) return v % bound;
  }
}

}  // namespace roomgate
