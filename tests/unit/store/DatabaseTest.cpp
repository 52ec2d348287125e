#include "store/Database.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/Fakes.hpp"

namespace roomgate::store {
namespace {

int count(Database& db) {
  auto st = db.prepare("SELECT COUNT(*) FROM settings");
  st.step();
  return static_cast<int>(st.integer(0));
}

void insert(Database& db, const char* key) {
  db.prepare("INSERT INTO settings (key, value) VALUES (?, 'v')").bind(1, key).run();
}

TEST(Transaction, RollsBackWhenNotCommitted) {
  roomgate::testing::TempDir dir;
  Database db(dir.file("t.db"));
  {
    Transaction tx(db);
    insert(db, "a");
  }
  EXPECT_EQ(count(db), 0);
}

TEST(GroupCommit, TransactionsNestInTheGroupAndRollBackAlone) {
  roomgate::testing::TempDir dir;
  Database db(dir.file("t.db"));
  Database reader(dir.file("t.db"));
  db.openGroup();
  {
    Transaction tx(db);
    insert(db, "a");
    tx.commit();
  }
  {
    Transaction tx(db);
    insert(db, "b");
  }                             // this request failed: only its own row goes
  EXPECT_EQ(count(reader), 0);  // nothing is visible before the group commits
  ASSERT_TRUE(db.commitGroup());
  EXPECT_EQ(count(reader), 1);
  EXPECT_FALSE(db.groupOpen());
  Transaction after(db);  // a plain transaction again
  insert(db, "c");
  after.commit();
  EXPECT_EQ(count(reader), 2);
}

TEST(Transaction, ConnectionsOfOneProcessTakeTurnsWithoutBusyErrors) {
  roomgate::testing::TempDir dir;
  Database a(dir.file("t.db")), b(dir.file("t.db"));
  std::thread other([&] {
    for (int i = 0; i < 200; ++i) {
      Transaction tx(b);
      insert(b, ("b" + std::to_string(i)).c_str());
      tx.commit();
    }
  });
  for (int i = 0; i < 200; ++i) {
    Transaction tx(a);
    insert(a, ("a" + std::to_string(i)).c_str());
    tx.commit();
  }
  other.join();
  EXPECT_EQ(count(a), 400);
}

}  // namespace
}  // namespace roomgate::store
