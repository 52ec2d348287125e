#include "verify/OtpPolicy.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "support/Fakes.hpp"

namespace roomgate::verify {
namespace {

VerificationRecord pending(int64_t created, int checks = 0) {
  VerificationRecord r;
  r.sid = "VE1";
  r.createdAt = created;
  r.expiresAt = created + kCodeLifetime.count();
  r.checks = checks;
  return r;
}

TEST(DecideStart, CreatesWhenNothingIsLiveAndResendsWhileLive) {
  EXPECT_EQ(decideStart(nullptr, {}, 1000).kind, StartDecision::Kind::kCreate);
  auto r = pending(1000);
  EXPECT_EQ(decideStart(&r, {}, 1000 + 599).kind, StartDecision::Kind::kResend);
  EXPECT_EQ(decideStart(&r, {}, 1000 + 600).kind, StartDecision::Kind::kCreate);  // expired
  auto spent = pending(1000, kMaxChecks);
  EXPECT_EQ(decideStart(&spent, {}, 1001).kind, StartDecision::Kind::kCreate);  // dead
}

TEST(DecideStart, FiveSendsInTheWindowBlockTheSixthUntilTheOldestLeaves) {
  const std::array<int64_t, 5> sends = {100, 200, 300, 400, 500};
  auto d = decideStart(nullptr, sends, 550);
  EXPECT_EQ(d.kind, StartDecision::Kind::kRateLimited);
  EXPECT_EQ(d.retryAfterSeconds, 100 + 600 - 550);
  EXPECT_EQ(decideStart(nullptr, sends, 700).kind, StartDecision::Kind::kCreate);  // 100 left the window
  const std::array<int64_t, 4> four = {100, 200, 300, 400};
  EXPECT_EQ(decideStart(nullptr, four, 450).kind, StartDecision::Kind::kCreate);
}

TEST(DecideCheck, CountsTheAttemptBeforeComparing) {
  auto r = pending(0);
  EXPECT_EQ(decideCheck(&r, true, 10).outcome, CheckOutcome::kApproved);
  auto d = decideCheck(&r, false, 10);
  EXPECT_EQ(d.outcome, CheckOutcome::kWrongCode);
  EXPECT_EQ(d.checksRemaining, 4);
  auto last = pending(0, kMaxChecks - 1);
  EXPECT_EQ(decideCheck(&last, false, 10).outcome, CheckOutcome::kTooManyChecks);
  EXPECT_EQ(decideCheck(&last, true, 10).outcome, CheckOutcome::kApproved);
  auto spent = pending(0, kMaxChecks);
  EXPECT_EQ(decideCheck(&spent, true, 10).outcome, CheckOutcome::kTooManyChecks);
}

TEST(DecideCheck, ExpiredUsedOrMissingIsNotFound) {
  EXPECT_EQ(decideCheck(nullptr, false, 0).outcome, CheckOutcome::kNotFound);
  auto r = pending(0);
  EXPECT_EQ(decideCheck(&r, true, kCodeLifetime.count()).outcome, CheckOutcome::kNotFound);
  r.status = VerificationStatus::kApproved;
  EXPECT_EQ(decideCheck(&r, true, 1).outcome, CheckOutcome::kNotFound);
}

// Chi-square over every digit position: a biased generator (e.g. `rand() % 10^6`) fails this.
TEST(DrawCode, DigitsAreUniform) {
  roomgate::testing::FakeRandom random(42);
  constexpr int kDraws = 20000;
  std::array<std::array<int, 10>, 6> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const auto code = drawCode(random, 6);
    ASSERT_EQ(code.size(), 6u);
    for (std::size_t p = 0; p < 6; ++p) counts[p][static_cast<std::size_t>(code[p] - '0')]++;
  }
  for (const auto& position : counts) {
    double chi2 = 0;
    for (int c : position) chi2 += std::pow(c - kDraws / 10.0, 2) / (kDraws / 10.0);
    EXPECT_LT(chi2, 27.88);  // 9 degrees of freedom, p = 0.001
  }
}

// A source that returns the top of the 64-bit range first: those draws must be rejected, not folded.
class ScriptedRandom final : public Random {
 public:
  void fill(std::span<std::byte> out) override {
    for (auto& b : out) b = calls_ < 8 ? std::byte{0xff} : std::byte{0x00};
    calls_ += out.size();
  }

 private:
  std::size_t calls_ = 0;
};

TEST(DrawCode, RejectsDrawsFromTheIncompleteTopBlock) {
  ScriptedRandom random;
  EXPECT_EQ(drawCode(random, 6), "000000");  // 0xffff... rejected, then 0 drawn
}

TEST(HmacStream, IsDeterministicPerSeedAndDiffersAcrossSeeds) {
  HmacStream a("k", "seed1"), b("k", "seed1"), c("k", "seed2");
  EXPECT_EQ(drawCode(a, 6), drawCode(b, 6));
  HmacStream a2("k", "seed1");
  EXPECT_NE(drawCode(a2, 10), drawCode(c, 10));
}

}  // namespace
}  // namespace roomgate::verify
