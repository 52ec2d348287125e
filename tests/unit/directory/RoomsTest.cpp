#include "directory/Rooms.hpp"

#include <gtest/gtest.h>

#include "directory/Directory.hpp"
#include "support/Fakes.hpp"

namespace roomgate::directory {
namespace {

class RoomsTest : public ::testing::Test {
 protected:
  roomgate::testing::TempDir dir;
  roomgate::testing::FakeClock clock;
  store::Database db{dir.file("rooms.db")};
  Rooms rooms{db, clock};
  Directory directory{db, clock};
};

TEST_F(RoomsTest, RoomsHaveATypeAndACapacity) {
  auto put = rooms.put({"Town Hall", "group", 50});
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(rooms.find("town hall")->type, "group");
  EXPECT_EQ(rooms.put({"Town Hall", "peer-to-peer", 3})->maxParticipants, 3);  // updated, not duplicated
  EXPECT_EQ(rooms.list().size(), 1u);
  EXPECT_EQ(rooms.put({"X", "broadcast", 4}).error().code, "invalid_room_type");
  EXPECT_EQ(rooms.put({"X", "peer-to-peer", 11}).error().code, "invalid_capacity");
  EXPECT_EQ(rooms.put({"X", "group", 51}).error().code, "invalid_capacity");
  EXPECT_EQ(rooms.put({"X", "group", 1}).error().code, "invalid_capacity");
}

TEST_F(RoomsTest, RoomsMadeByTheGuestListAreGroupRoomsForFifty) {
  ASSERT_TRUE(directory.add({"mabel", std::string("+18005554321"), std::nullopt, {"My Room"}}).ok());
  auto r = rooms.find("My Room");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, "group");
  EXPECT_EQ(r->maxParticipants, 50);
}

TEST_F(RoomsTest, RemovingAGuestWritesAWatermarkForEveryRoom) {
  ASSERT_TRUE(directory.add({"mabel", std::string("+18005554321"), std::nullopt, {"My Room"}}).ok());
  EXPECT_FALSE(rooms.revokedBefore("mabel", "My Room"));
  clock.set(2000);
  ASSERT_TRUE(directory.remove("mabel").ok());
  EXPECT_EQ(rooms.revokedBefore("MABEL", "Any Room"), 2000);
  auto changes = rooms.revocationsAfter(0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].room, "");
  EXPECT_TRUE(rooms.revocationsAfter(changes[0].seq).empty());
}

TEST_F(RoomsTest, WithdrawingOneRoomRevokesOnlyThatRoom) {
  ASSERT_TRUE(
      directory.add({"mabel", std::string("+18005554321"), std::nullopt, {"My Room", "Garden"}}).ok());
  clock.set(3000);
  auto changed = directory.removeRoom("mabel", "garden");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->rooms, std::vector<std::string>{"My Room"});
  EXPECT_EQ(rooms.revokedBefore("mabel", "Garden"), 3000);
  EXPECT_FALSE(rooms.revokedBefore("mabel", "My Room"));
  EXPECT_EQ(directory.removeRoom("mabel", "garden").error().code, "room_not_found");
  EXPECT_EQ(directory.addRoom("mabel", "Garden")->rooms, (std::vector<std::string>{"My Room", "Garden"}));
  EXPECT_EQ(directory.find("mabel")->rooms.back(), "Garden");
}

}  // namespace
}  // namespace roomgate::directory
