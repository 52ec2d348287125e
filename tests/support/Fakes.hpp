#pragma once
// In-memory fakes of the outside world for unit tests: a clock that moves only when told, and a
// deterministic random source.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/Clock.hpp"
#include "common/Random.hpp"

namespace roomgate::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unixSeconds = 1'700'000'000) : now_(fromUnixSeconds(unixSeconds)) {}
  [[nodiscard]] TimePoint now() const override { return now_; }
  void advance(std::chrono::system_clock::duration d) { now_ += d; }
  void set(int64_t unixSeconds) { now_ = fromUnixSeconds(unixSeconds); }

 private:
  TimePoint now_;
};

// xorshift64*: deterministic, fast, well spread; never for production secrets.
class FakeRandom final : public Random {
 public:
  explicit FakeRandom(uint64_t seed = 0x9E3779B97F4A7C15ull) : state_(seed ? seed : 1) {}
  void fill(std::span<std::byte> out) override {
    for (auto& b : out) {
      state_ ^= state_ >> 12;
      state_ ^= state_ << 25;
      state_ ^= state_ >> 27;
      b = static_cast<std::byte>((state_ * 0x2545F4914F6CDD1Dull) >> 56);
    }
  }

 private:
  uint64_t state_;
};

// A fresh directory under /tmp, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace roomgate::testing
