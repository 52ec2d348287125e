#pragma once
// CHECK: an always-on assertion for states that cannot happen. It aborts with the location rather than
// letting the server run on with broken invariants (release builds included).
#include <cstdio>
#include <cstdlib>

#define CHECK(cond)                                                                             \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "roomgate: CHECK failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)
