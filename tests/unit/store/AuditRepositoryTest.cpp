// The `audit` table: rows come back as written, filtered and newest last; pruning deletes only rows
// older than the cutoff, at most a batch at a time.
#include "store/AuditRepository.hpp"

#include <gtest/gtest.h>

#include "support/Fakes.hpp"

namespace roomgate::store {
namespace {

AuditRecord row(int64_t at, std::string event, std::string identity, std::string room = "My Room") {
  return {0, at, std::move(event), std::move(identity), std::move(room), "198.51.100.7", "ok", "", {}};
}

class AuditRepositoryTest : public ::testing::Test {
 protected:
  roomgate::testing::TempDir dir_;
  Database db_{dir_.file("audit.db")};
  AuditRepository audit_{db_};
};

TEST_F(AuditRepositoryTest, RowsComeBackAsWrittenNewestLast) {
  audit_.append({0, 100, "login", "mabel", "Garden", "2001:db8::1", "ok", "sms ********21", true});
  audit_.append({0, 101, "login", "mallory", "", "203.0.113.9", "ok", "sms ********07", false});
  audit_.append(row(102, "join", "mabel"));
  const auto rows = audit_.list({});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].at, 100);
  EXPECT_EQ(rows[0].event, "login");
  EXPECT_EQ(rows[0].identity, "mabel");
  EXPECT_EQ(rows[0].room, "Garden");
  EXPECT_EQ(rows[0].client, "2001:db8::1");
  EXPECT_EQ(rows[0].known, std::optional<bool>(true));
  EXPECT_EQ(rows[0].outcome, "ok");
  EXPECT_EQ(rows[0].detail, "sms ********21");
  EXPECT_EQ(rows[1].known, std::optional<bool>(false));
  EXPECT_FALSE(rows[2].known.has_value()) << "not a login";
  EXPECT_LT(rows[0].id, rows[1].id);
  EXPECT_LT(rows[1].id, rows[2].id);
}

TEST_F(AuditRepositoryTest, FiltersByIdentityRoomAndTimeAndLimitsToTheNewest) {
  audit_.append(row(100, "login", "mabel", "Garden"));
  audit_.append(row(200, "login", "Tommy"));
  audit_.append(row(300, "join", "MABEL"));
  audit_.append(row(400, "leave", "mabel"));
  EXPECT_EQ(audit_.list({.identity = "mabel"}).size(), 3u) << "ignoring case";
  EXPECT_EQ(audit_.list({.identity = "tommy"}).size(), 1u);
  EXPECT_EQ(audit_.list({.room = "my room"}).size(), 3u);
  const auto since = audit_.list({.since = 300});
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].event, "join");
  const auto newest = audit_.list({.identity = "mabel", .limit = 2});
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].at, 300) << "the newest two, oldest of them first";
  EXPECT_EQ(newest[1].at, 400);
  EXPECT_EQ(audit_.list({.identity = "mabel", .room = "Garden", .since = 50}).size(), 1u);
}

TEST_F(AuditRepositoryTest, PruningDeletesOnlyOlderRowsABatchAtATime) {
  for (int i = 0; i < 5; ++i) audit_.append(row(100 + i, "login", "old"));
  audit_.append(row(200, "login", "new"));
  EXPECT_EQ(audit_.pruneBefore(150, 3), 3u);
  EXPECT_EQ(audit_.list({}).size(), 3u);
  EXPECT_EQ(audit_.list({}).front().at, 103) << "the oldest went first";
  EXPECT_EQ(audit_.pruneBefore(150, 3), 2u);
  EXPECT_EQ(audit_.pruneBefore(150, 3), 0u);
  const auto left = audit_.list({});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].identity, "new");
}

}  // namespace
}  // namespace roomgate::store
