#include "common/Random.hpp"

#include <openssl/rand.h>

#include <vector>

#include "common/Check.hpp"
#include "common/Encoding.hpp"

namespace roomgate {

void OpenSslRandom::fill(std::span<std::byte> out) {
  if (out.empty()) return;
  CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) == 1);
}

uint32_t randomU32(Random& random) {
  uint32_t v = 0;
  random.fill(std::as_writable_bytes(std::span(&v, 1)));
  return v;
}

std::string randomHex(Random& random, std::size_t n) {
  std::vector<std::byte> bytes(n);
  random.fill(bytes);
  return toHex(bytes);
}

}  // namespace roomgate
