// Cost of minting and verifying one Twilio access token (done once per guest joining a call).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "common/Clock.hpp"
#include "token/AccessToken.hpp"
#include "token/TokenVerifier.hpp"

namespace roomgate::token {
namespace {

// A clock stopped at one instant, so every iteration does the same work.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t unixSeconds) : now_(fromUnixSeconds(unixSeconds)) {}
  [[nodiscard]] TimePoint now() const override { return now_; }

 private:
  TimePoint now_;
};

const TokenCredentials kCredentials{"AC0123456789abcdef0123456789abcdef",
                                    "SKfedcba9876543210fedcba9876543210", "0123456789abcdef0123456789abcdef"};

void BM_TokenMint(benchmark::State& state) {
  const FixedClock clock(1'700'000'000);
  const TokenMinter minter(kCredentials, clock);
  for (auto _ : state) {
    auto token = minter.mint("Zoë O'Neil", "My Room");
    benchmark::DoNotOptimize(token);
  }
}
BENCHMARK(BM_TokenMint);

void BM_TokenVerify(benchmark::State& state) {
  const FixedClock clock(1'700'000'000);
  const TokenMinter minter(kCredentials, clock);
  const TokenVerifier verifier(kCredentials, clock);
  const std::string token = minter.mint("Zoë O'Neil", "My Room").value();
  for (auto _ : state) {
    auto claims = verifier.verify(token, "My Room");
    if (!claims.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_TokenVerify);

}  // namespace
}  // namespace roomgate::token
