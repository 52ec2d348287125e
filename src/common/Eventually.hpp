#pragma once
// Eventually<T>: a value that is either ready now or produced later, by work that must not block the
// caller's thread (a provider call). The ready case costs no allocation beyond the value, so the fast
// path (the development console, every error found before a provider is asked) stays synchronous.
// Contract of `later`: called at most once by the owner of the reply, on the owner's thread; it starts
// the work and calls `done` exactly once, on that same thread.
#include <functional>
#include <optional>
#include <utility>

namespace roomgate {

template <typename T>
using Completion = std::function<void(T)>;

template <typename T>
struct Eventually {
  std::optional<T> now;                      // set when ready
  std::function<void(Completion<T>)> later;  // set when not

  static Eventually ready(T value) { return {std::move(value), {}}; }
  static Eventually deferred(std::function<void(Completion<T>)> start) {
    return {std::nullopt, std::move(start)};
  }
  [[nodiscard]] bool isReady() const { return now.has_value(); }

  // The same reply with `f` applied to the value, now or when it arrives.
  template <typename F>
  auto map(F f) && -> Eventually<decltype(f(std::declval<T>()))> {
    using U = decltype(f(std::declval<T>()));
    if (now) return Eventually<U>::ready(f(std::move(*now)));
    return Eventually<U>::deferred([start = std::move(later), f = std::move(f)](Completion<U> done) mutable {
      start([f = std::move(f), done = std::move(done)](T value) mutable { done(f(std::move(value))); });
    });
  }
};

}  // namespace roomgate
