#include "verify/Verifier.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "store/Database.hpp"
#include "store/SqliteVerificationStore.hpp"
#include "support/Fakes.hpp"
#include "support/MemoryVerificationStore.hpp"

namespace roomgate::verify {
namespace {

using roomgate::testing::FakeClock;
using roomgate::testing::FakeRandom;
using roomgate::testing::MemoryVerificationStore;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::string_view kPhone = "+18005554321";

// Runs every test against the in-memory fake and the SQLite store, so both honour the same contract.
class VerifierTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      db_ = std::make_unique<store::Database>(dir_.file("v.db"));
      store_ = std::make_unique<store::SqliteVerificationStore>(*db_);
    } else {
      store_ = std::make_unique<MemoryVerificationStore>();
    }
    verifier_ = std::make_unique<Verifier>(*store_, clock_, random_, kSecret);
  }
  static std::string wrong(const std::string& code) {
    std::string w = code;
    w[0] = w[0] == '9' ? '0' : static_cast<char>(w[0] + 1);
    return w;
  }

  roomgate::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<VerificationStore> store_;
  FakeClock clock_;
  FakeRandom random_;
  std::unique_ptr<Verifier> verifier_;
};

TEST_P(VerifierTest, RightCodeIsApprovedOnceThenRefused) {
  auto s = verifier_->start(kPhone, "sms");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->code.size(), 6u);
  EXPECT_EQ(s->sid.substr(0, 2), "VE");
  EXPECT_EQ(verifier_->check(s->sid, s->code).outcome, CheckOutcome::kApproved);
  EXPECT_EQ(verifier_->check(s->sid, s->code).outcome, CheckOutcome::kNotFound);  // single use
}

TEST_P(VerifierTest, ResendInsideTheWindowDeliversTheSameCode) {
  auto first = verifier_->start(kPhone, "sms");
  clock_.advance(std::chrono::minutes(9));
  auto again = verifier_->start(kPhone, "sms");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(again->resent);
  EXPECT_EQ(again->sid, first->sid);
  EXPECT_EQ(again->code, first->code);
}

TEST_P(VerifierTest, CodeExpiresAfterTenMinutesAndANewOneDiffers) {
  auto first = verifier_->start(kPhone, "sms");
  clock_.advance(kCodeLifetime);
  EXPECT_EQ(verifier_->check(first->sid, first->code).outcome, CheckOutcome::kNotFound);
  auto next = verifier_->start(kPhone, "sms");
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->resent);
  EXPECT_NE(next->sid, first->sid);
  EXPECT_EQ(verifier_->check(next->sid, next->code).outcome, CheckOutcome::kApproved);
}

TEST_P(VerifierTest, FiveChecksThenTheVerificationIsDeadEvenForTheRightCode) {
  auto s = verifier_->start(kPhone, "sms");
  for (int i = 1; i <= 4; ++i) {
    auto c = verifier_->check(s->sid, wrong(s->code));
    EXPECT_EQ(c.outcome, CheckOutcome::kWrongCode);
    EXPECT_EQ(c.checksRemaining, kMaxChecks - i);
  }
  EXPECT_EQ(verifier_->check(s->sid, wrong(s->code)).outcome, CheckOutcome::kTooManyChecks);  // 5th
  EXPECT_EQ(verifier_->check(s->sid, s->code).outcome, CheckOutcome::kTooManyChecks);         // 6th
  // A new start creates a fresh verification with a new code.
  auto next = verifier_->start(kPhone, "sms");
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->sid, s->sid);
  EXPECT_EQ(verifier_->check(next->sid, next->code).outcome, CheckOutcome::kApproved);
}

TEST_P(VerifierTest, FifthCheckMayStillSucceed) {
  auto s = verifier_->start(kPhone, "sms");
  for (int i = 0; i < 4; ++i) (void)verifier_->check(s->sid, wrong(s->code));
  EXPECT_EQ(verifier_->check(s->sid, s->code).outcome, CheckOutcome::kApproved);
}

TEST_P(VerifierTest, SixthSendInTenMinutesIsRateLimitedWithRetryAfter) {
  for (int i = 0; i < kMaxSendsPerWindow; ++i) {
    ASSERT_TRUE(verifier_->start(kPhone, "sms").ok());
    clock_.advance(std::chrono::seconds(60));
  }
  auto limited = verifier_->start(kPhone, "sms");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().status, 429);
  EXPECT_EQ(limited.error().code, "too_many_sends");
  // First send at t0, now t0+300: it leaves the window at t0+600.
  EXPECT_EQ(limited.error().retryAfterSeconds, 300);
  // Another destination is not affected.
  EXPECT_TRUE(verifier_->start("+18005559876", "sms").ok());
  clock_.advance(std::chrono::seconds(300));
  EXPECT_TRUE(verifier_->start(kPhone, "sms").ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, VerifierTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Sqlite" : "Memory"; });

TEST(VerifierStorage, OnlyAKeyedHashOfTheCodeIsStored) {
  roomgate::testing::TempDir dir;
  store::Database db(dir.file("v.db"));
  store::SqliteVerificationStore store(db);
  FakeClock clock;
  FakeRandom random;
  Verifier v(store, clock, random, kSecret);
  auto s = v.start(kPhone, "sms");
  auto st = db.prepare("SELECT nonce, code_hash FROM verifications WHERE sid = ?");
  st.bind(1, s->sid);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.blob(0).find(s->code), std::string::npos);
  EXPECT_EQ(st.blob(1).find(s->code), std::string::npos);
  EXPECT_EQ(st.blob(1).size(), 32u);
}

TEST(VerifierStorage, StateSurvivesAReopenOfTheDatabase) {
  roomgate::testing::TempDir dir;
  FakeClock clock;
  FakeRandom random;
  Started s;
  {
    store::Database db(dir.file("v.db"));
    store::SqliteVerificationStore store(db);
    Verifier v(store, clock, random, kSecret);
    s = v.start(kPhone, "sms").value();
  }
  store::Database db(dir.file("v.db"));
  store::SqliteVerificationStore store(db);
  Verifier v(store, clock, random, kSecret);
  EXPECT_EQ(v.check(s.sid, s.code).outcome, CheckOutcome::kApproved);
}

TEST(VerifierStorage, AnotherSecretCannotReproduceOrCheckTheCode) {
  MemoryVerificationStore store;
  FakeClock clock;
  FakeRandom random;
  Verifier v(store, clock, random, kSecret);
  Verifier other(store, clock, random, "another-secret-another-secret-xx");
  auto s = v.start(kPhone, "sms");
  EXPECT_EQ(other.check(s->sid, s->code).outcome, CheckOutcome::kWrongCode);
}

TEST(VerifierCodeLength, HonoursConfiguredDigits) {
  MemoryVerificationStore store;
  FakeClock clock;
  FakeRandom random;
  for (int digits : {kMinCodeLength, 8, kMaxCodeLength}) {
    Verifier v(store, clock, random, kSecret, digits);
    auto s = v.start("dest-" + std::to_string(digits), "sms");
    EXPECT_EQ(s->code.size(), static_cast<std::size_t>(digits));
    EXPECT_EQ(s->code.find_first_not_of("0123456789"), std::string::npos);
  }
}

}  // namespace
}  // namespace roomgate::verify
