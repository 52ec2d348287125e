// Cost of the one-time passcode path: drawing a code, and Verifier::check (done once per /verify) against
// the in-memory store of the unit tests and against SQLite, the store the server really uses.
//
// A right code uses its verification up, so the check benchmarks work in batches: with the timer paused,
// start() a batch of fresh verifications (distinct destinations, an empty store, so the send limit never
// bites and the tables do not grow from batch to batch); then, timed, check each one with its right code
// and require kApproved. The pause is paid once per batch, not once per check.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ScratchDir.hpp"
#include "common/Random.hpp"
#include "store/Database.hpp"
#include "store/SqliteVerificationStore.hpp"
#include "support/Fakes.hpp"
#include "support/MemoryVerificationStore.hpp"
#include "verify/OtpPolicy.hpp"
#include "verify/Verifier.hpp"

namespace roomgate::verify {
namespace {

using bench::ScratchDir;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr int kBatch = 256;  // for the SQLite cases; BM_CodeCheck takes its batch as its argument

std::string destination(int i) {
  return "+1650253" + std::to_string(1000 + i);
}

// Starts `n` verifications; returns (sid, code) of each.
std::vector<std::pair<std::string, std::string>> startBatch(Verifier& verifier, int n = kBatch) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto started = verifier.start(destination(i), "sms");
    if (!started) std::abort();
    out.emplace_back(started->sid, started->code);
  }
  return out;
}

// In-memory store (tests/support). Its atomically() copies the whole store first (to roll back on an
// exception), so a check costs O(records in the store): the argument is the batch size, i.e. how many
// records the store holds. /1 pays a PauseTiming/ResumeTiming per check; /16 is the fair figure for the
// Verifier's own work (HMAC, compare, policy); /256 shows the fake's copy dominating.
void BM_CodeCheck(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const testing::FakeClock clock;
  OpenSslRandom random;
  std::unique_ptr<testing::MemoryVerificationStore> store;
  std::unique_ptr<Verifier> verifier;
  std::vector<std::pair<std::string, std::string>> batch;  // replaced untimed
  while (state.KeepRunningBatch(n)) {
    state.PauseTiming();
    verifier.reset();  // destroyed untimed; a fresh, empty store per batch holds n records
    store = std::make_unique<testing::MemoryVerificationStore>();
    verifier = std::make_unique<Verifier>(*store, clock, random, kSecret);
    batch = startBatch(*verifier, n);
    state.ResumeTiming();
    for (const auto& [sid, code] : batch) {
      const Checked c = verifier->check(sid, code);
      if (c.outcome != CheckOutcome::kApproved) state.SkipWithError("check did not approve the right code");
      benchmark::DoNotOptimize(c);
    }
  }
}
BENCHMARK(BM_CodeCheck)->Arg(1)->Arg(16)->Arg(256);

// The real path: SqliteVerificationStore on a file (WAL, synchronous=NORMAL, as the server opens it).
// Every check is a transaction: SELECT by sid, then UPDATE of status and checks.
void BM_CodeCheckSqlite(benchmark::State& state) {
  const ScratchDir dir;
  store::Database db(dir.file("bench.db"));
  store::SqliteVerificationStore store(db);
  const testing::FakeClock clock;
  OpenSslRandom random;
  Verifier verifier(store, clock, random, kSecret);
  std::vector<std::pair<std::string, std::string>> batch;  // replaced untimed
  while (state.KeepRunningBatch(kBatch)) {
    state.PauseTiming();
    db.exec("DELETE FROM verifications; DELETE FROM sends");  // the table holds one batch at a time
    batch = startBatch(verifier);
    state.ResumeTiming();
    for (const auto& [sid, code] : batch) {
      const Checked c = verifier.check(sid, code);
      if (c.outcome != CheckOutcome::kApproved) state.SkipWithError("check did not approve the right code");
      benchmark::DoNotOptimize(c);
    }
  }
}
BENCHMARK(BM_CodeCheckSqlite);

// For comparison with the checks: Verifier::start (done once per /login) over SQLite, with the sends of
// one batch in the table (distinct destinations: a send-window lookup, an insert into verifications and
// one into sends, in one transaction).
void BM_StartSqlite(benchmark::State& state) {
  const ScratchDir dir;
  store::Database db(dir.file("bench.db"));
  store::SqliteVerificationStore store(db);
  const testing::FakeClock clock;
  OpenSslRandom random;
  Verifier verifier(store, clock, random, kSecret);
  while (state.KeepRunningBatch(kBatch)) {
    state.PauseTiming();
    db.exec("DELETE FROM verifications; DELETE FROM sends");
    state.ResumeTiming();
    for (int i = 0; i < kBatch; ++i) {
      auto started = verifier.start(destination(i), "sms");
      if (!started) state.SkipWithError("start failed");
      benchmark::DoNotOptimize(started);
    }
  }
}
BENCHMARK(BM_StartSqlite);

// Drawing a code the way Verifier does it: an HmacStream keyed by the code key and seeded by the
// verification's 16-byte nonce, then rejection sampling of `digits` decimal digits.
void BM_DrawCode(benchmark::State& state) {
  const int digits = static_cast<int>(state.range(0));
  testing::FakeRandom nonces;
  std::string nonce(16, '\0');
  const std::string key(32, 'k');
  for (auto _ : state) {
    nonces.fill(std::as_writable_bytes(std::span(nonce.data(), nonce.size())));
    HmacStream stream(key, nonce);
    auto code = drawCode(stream, digits);
    benchmark::DoNotOptimize(code);
  }
}
BENCHMARK(BM_DrawCode)->Arg(6)->Arg(10);

}  // namespace
}  // namespace roomgate::verify
