#pragma once
// Random: the source of every secret (codes, keys, SIDs). Injected so tests can make it deterministic.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace roomgate {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with random bytes. Aborts (CHECK) if the source fails: a server without randomness must stop.
  virtual void fill(std::span<std::byte> out) = 0;
};

// OpenSSL's CSPRNG (RAND_bytes). Thread-safe.
class OpenSslRandom final : public Random {
 public:
  void fill(std::span<std::byte> out) override;
};

// `n` random bytes as lowercase hex (2n characters).
[[nodiscard]] std::string randomHex(Random& random, std::size_t n);

// A uniformly distributed integer in [0, bound) by rejection sampling over 32-bit draws: no modulo bias.
[[nodiscard]] uint32_t uniformBelow(Random& random, uint32_t bound);

}  // namespace roomgate
