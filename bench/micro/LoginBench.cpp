// What a /login costs the server for a guest and for a name not on the list (docs/SECURITY.md,
// "Enumeration timing"): the two must cost the same, or the answer's timing tells them apart.
//
// A guest list of kGuests on SQLite (as the server keeps it), and as many strangers, taken in one
// shuffled order; each call is timed on its own and the medians of guests and strangers are reported
// side by side (guest_ns, stranger_ns, guest/stranger), so both meet the same noise of the machine.
//   BM_DirectoryFind     Directory::find alone: a hit against a miss (for comparison).
//   BM_DirectoryFindOrStandIn  the lookup logins use: a hit against a stand-in guest.
//   BM_LoginRefused      JoinFlow::login asking for "email", which has no channel here: the name's
//                        lookup, its decoy, the refusal (400 channel_unavailable without an address,
//                        else 503) and the audit rows; nothing queued.
// The goal: guest/stranger near 1 for the lookup logins use and for the login.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "ScratchDir.hpp"
#include "app/JoinFlow.hpp"
#include "delivery/DeliveryQueue.hpp"
#include "directory/Directory.hpp"
#include "store/Database.hpp"
#include "store/SqliteVerificationStore.hpp"
#include "support/Fakes.hpp"
#include "support/MemoryAuditLog.hpp"
#include "token/AccessToken.hpp"
#include "verify/Verifier.hpp"

namespace roomgate::app {
namespace {

constexpr int kGuests = 1000;
constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string guestName(int i) {
  return "guest" + std::to_string(i);
}
std::string strangerName(int i) {
  return "stranger" + std::to_string(i);
}

// The server's parts over one SQLite file with kGuests guests (7 in 10 with a phone only, 1 in 10 with an
// e-mail address only, the rest both), each invited to one room.
struct Stack {
  Stack()
      : db(dir.file("bench.db")),
        directory(db, clock),
        store(db),
        verifier(store, clock, random, kSecret),
        queue(
            {}, clock, [](delivery::Outcomes) {}, false),
        minter(credentials, clock),
        flow(directory, verifier, queue, minter, audit, clock, kSecret, {}) {
    for (int i = 0; i < kGuests; ++i) {
      const bool phone = i % 10 != 7, email = i % 10 >= 7;
      const std::string number = "+1650253" + std::to_string(1000 + i);
      if (!directory
               .add({guestName(i),
                     phone ? std::optional(number) : std::nullopt,
                     email ? std::optional(guestName(i) + "@example.com") : std::nullopt,
                     {"Bench Room"}})
               .ok())
        std::abort();
    }
  }
  bench::ScratchDir dir;
  testing::FakeClock clock;
  testing::FakeRandom random;
  store::Database db;
  directory::Directory directory;
  store::SqliteVerificationStore store;
  verify::Verifier verifier;
  delivery::DeliveryQueue queue;
  token::TokenCredentials credentials{"AC1", "SK1", "bench-secret-bench-secret"};
  token::TokenMinter minter;
  testing::MemoryAuditLog audit;
  JoinFlow flow;
};

// Guests and strangers in one shuffled order (a fixed seed), so that both meet the same machine.
struct Name {
  std::string name;
  bool guest;
};
std::vector<Name> interleaved() {
  std::vector<Name> out;
  for (int i = 0; i < kGuests; ++i) {
    out.push_back({guestName(i), true});
    out.push_back({strangerName(i), false});
  }
  std::shuffle(out.begin(), out.end(), std::mt19937(20261203));
  return out;
}

// Runs `call` on every name in turn and reports the median nanoseconds of guests' and strangers' calls
// (counters guest_ns, stranger_ns) and their ratio; the benchmark's own time is the mean over both.
template <typename Call>
void timeBoth(benchmark::State& state, Stack& stack, Call call) {
  const auto list = interleaved();
  std::vector<double> guests, strangers;
  std::size_t i = 0;
  for (auto _ : state) {
    if (i % list.size() == 0) {
      state.PauseTiming();
      stack.clock.advance(std::chrono::hours(24));  // no rate limit ever bites
      state.ResumeTiming();
    }
    const Name& n = list[i++ % list.size()];
    const auto start = std::chrono::steady_clock::now();
    call(n.name);
    const double ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    (n.guest ? guests : strangers).push_back(ns);
  }
  const auto median = [](std::vector<double>& v) {
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  const double g = median(guests), s = median(strangers);
  state.counters["guest_ns"] = g;
  state.counters["stranger_ns"] = s;
  state.counters["guest/stranger"] = s > 0 ? g / s : 0;
}

void BM_DirectoryFind(benchmark::State& state) {
  Stack stack;
  timeBoth(state, stack, [&](const std::string& name) {
    auto guest = stack.directory.find(name);
    benchmark::DoNotOptimize(guest);
  });
}
BENCHMARK(BM_DirectoryFind);

void BM_DirectoryFindOrStandIn(benchmark::State& state) {
  Stack stack;
  uint64_t seed = 0;
  timeBoth(state, stack, [&](const std::string& name) {
    auto match = stack.directory.findOrStandIn(name, seed += 0x9e3779b97f4a7c15ULL);
    benchmark::DoNotOptimize(match);
  });
}
BENCHMARK(BM_DirectoryFindOrStandIn);

void BM_LoginRefused(benchmark::State& state) {
  Stack stack;
  timeBoth(state, stack, [&](const std::string& name) {
    auto reply = stack.flow.login({name, std::nullopt, std::string("email")});
    if (!reply.isReady() || reply.now->ok())
      state.SkipWithError("expected a refusal (400 or 503) before anything is queued");
    benchmark::DoNotOptimize(reply);
  });
}
BENCHMARK(BM_LoginRefused);

}  // namespace
}  // namespace roomgate::app
