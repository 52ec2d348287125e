#pragma once
// FUZZ_CHECK(cond): a fuzzer's invariant. When it does not hold, says which and where, then aborts (libFuzzer
// keeps the input as a crash).
#include <cstdio>
#include <cstdlib>

namespace roomgate::fuzz {

[[noreturn]] inline void invariantFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, cond);
  std::abort();
}

}  // namespace roomgate::fuzz

#define FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::roomgate::fuzz::invariantFailed(#cond, __FILE__, __LINE__))
