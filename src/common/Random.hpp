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

// A uniformly random 32-bit value (SSRCs, initial sequence numbers and timestamps).
[[nodiscard]] uint32_t randomU32(Random& random);

// `n` random bytes as lowercase hex (2n characters).
[[nodiscard]] std::string randomHex(Random& random, std::size_t n);

}  // namespace roomgate
