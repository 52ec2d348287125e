// Retention: audit rows and outbox entries older than ROOMGATE_AUDIT_RETENTION_DAYS go, in bounded
// batches; younger ones stay. Before, the outbox was never pruned (one row per login, forever).
#include "app/Retention.hpp"

#include <gtest/gtest.h>

#include "support/Fakes.hpp"

namespace roomgate::app {
namespace {

constexpr int64_t kDay = 86'400;

class RetentionTest : public ::testing::Test {
 protected:
  void addAudit(int64_t at) { audit_.append({0, at, "login", "mabel", "", "", "ok", "", true}); }
  void addOutbox(int64_t at) {
    delivery::OutboxEntry e;
    e.verificationSid = "VE1";
    e.to = "+18005554321";
    e.channel = "sms";
    e.status = "sent";
    e.queuedAt = at;
    const delivery::OutboxEntry entries[] = {e};
    outbox_.append(entries);
  }
  roomgate::testing::TempDir dir_;
  roomgate::testing::FakeClock clock_{1'700'000'000};
  store::Database db_{dir_.file("retention.db")};
  store::AuditRepository audit_{db_};
  store::OutboxRepository outbox_{db_};
};

TEST_F(RetentionTest, RowsOlderThanTheRetentionGoAndYoungerOnesStay) {
  const int64_t now = unixSeconds(clock_.now());
  addAudit(now - 31 * kDay);
  addAudit(now - 29 * kDay);
  addOutbox(now - 31 * kDay);
  addOutbox(now - 29 * kDay);
  Retention retention(db_, clock_, 30);
  EXPECT_EQ(retention.cutoff(), now - 30 * kDay);
  EXPECT_FALSE(retention.pruneBatch()) << "nothing more to do";
  const auto audit = audit_.list({});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].at, now - 29 * kDay);
  const auto outbox = outbox_.list(std::nullopt, 10);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].queuedAt, now - 29 * kDay);

  clock_.advance(std::chrono::hours(24 + 1));  // a day later the younger ones are old too
  EXPECT_FALSE(retention.pruneBatch());
  EXPECT_TRUE(audit_.list({}).empty());
  EXPECT_TRUE(outbox_.list(std::nullopt, 10).empty());
}

TEST_F(RetentionTest, ABatchIsBoundedAndSaysWhenMoreRemain) {
  const int64_t old = unixSeconds(clock_.now()) - 100 * kDay;
  for (int i = 0; i < kRetentionBatchRows + 1; ++i) addAudit(old + i);
  addOutbox(old);
  Retention retention(db_, clock_, 90);
  EXPECT_TRUE(retention.pruneBatch()) << "a full batch: run again";
  EXPECT_EQ(audit_.list({.limit = 1000}).size(), 1u);
  EXPECT_TRUE(outbox_.list(std::nullopt, 10).empty());
  EXPECT_FALSE(retention.pruneBatch());
  EXPECT_TRUE(audit_.list({}).empty());
}

}  // namespace
}  // namespace roomgate::app
