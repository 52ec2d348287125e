#include "directory/Directory.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/Fakes.hpp"

namespace roomgate::directory {
namespace {

using Rooms = std::vector<std::string>;

class DirectoryTest : public ::testing::Test {
 protected:
  roomgate::testing::TempDir dir_;
  roomgate::testing::FakeClock clock_;
  store::Database db_{dir_.file("roomgate.db")};
  Directory directory_{db_, clock_};

  std::vector<std::string> identities() {
    std::vector<std::string> out;
    for (const auto& g : directory_.list()) out.push_back(g.identity);
    return out;
  }
};

TEST_F(DirectoryTest, AddNormalisesAndFindIgnoresCase) {
  EXPECT_TRUE(directory_.empty());
  auto added =
      directory_.add(Guest{" Mabel ", "(800) 555-4321", "Mabel@Example.COM", {"My Room", "Book Club"}});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->identity, "Mabel");
  EXPECT_EQ(added->phone, "+18005554321");
  EXPECT_EQ(added->email, "Mabel@example.com");
  EXPECT_FALSE(directory_.empty());

  for (const char* spelling : {"Mabel", "mabel", "MABEL", "  mabel "}) {
    auto found = directory_.find(spelling);
    ASSERT_TRUE(found) << spelling;
    EXPECT_EQ(found->identity, "Mabel");
    EXPECT_EQ(found->phone, "+18005554321");
    EXPECT_EQ(found->email, "Mabel@example.com");
    EXPECT_EQ(found->rooms, (Rooms{"My Room", "Book Club"}));
  }
  EXPECT_FALSE(directory_.find("bob"));
  EXPECT_FALSE(directory_.find(""));
}

TEST_F(DirectoryTest, FindOrStandInGivesTheGuestOrAnotherGuestInTheirPlace) {
  EXPECT_FALSE(directory_.findOrStandIn("mabel", 0));  // an empty list has no one to stand in
  ASSERT_TRUE(directory_.add(Guest{"Mabel", "+18005554321", std::nullopt, {"My Room", "Book Club"}}).ok());
  ASSERT_TRUE(directory_.add(Guest{"Tommy", std::nullopt, "tommy@example.com", {"Garden"}}).ok());
  ASSERT_TRUE(directory_.add(Guest{"Blathers", "+18005551234", std::nullopt, {"Garden"}}).ok());

  // A guest is found as find() finds them, whatever the seed.
  for (uint64_t seed : {0ULL, 1ULL, 2ULL, 3ULL, ~0ULL}) {
    auto match = directory_.findOrStandIn(" MABEL ", seed);
    ASSERT_TRUE(match) << seed;
    EXPECT_TRUE(match->exact);
    EXPECT_EQ(match->guest.identity, "Mabel");
    EXPECT_EQ(match->guest.rooms, (Rooms{"My Room", "Book Club"}));
  }
  // A stranger gets one of the guests, whole (rooms in order), chosen by the seed: every guest can be
  // picked, and any seed picks someone.
  std::set<std::string> picked;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    auto match = directory_.findOrStandIn("mallory", seed * 0x9e3779b97f4a7c15ULL);
    ASSERT_TRUE(match) << seed;
    EXPECT_FALSE(match->exact);
    const auto guest = directory_.find(match->guest.identity);
    ASSERT_TRUE(guest);
    EXPECT_EQ(match->guest, *guest);
    picked.insert(match->guest.identity);
  }
  EXPECT_EQ(picked, (std::set<std::string>{"Blathers", "Mabel", "Tommy"}));
  EXPECT_FALSE(directory_.findOrStandIn("", 7));  // never a valid name
}

TEST_F(DirectoryTest, AddRefusesInvalidAndDuplicateGuests) {
  ASSERT_TRUE(directory_.add(Guest{"mabel", "+18005554321", std::nullopt, {"R"}}).ok());
  auto dup = directory_.add(Guest{"MABEL", std::nullopt, "m@example.com", {"R"}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().status, 409);
  EXPECT_EQ(dup.error().code, "guest_exists");
  EXPECT_EQ(dup.error().message,
            "MABEL is already on the guest list; remove them first or pick another name.");

  EXPECT_EQ(directory_.add(Guest{"bob", std::nullopt, std::nullopt, {"R"}}).error().code,
            "missing_destination");
  EXPECT_EQ(directory_.add(Guest{"bob", "12", std::nullopt, {"R"}}).error().code, "invalid_phone");
  EXPECT_EQ(directory_.add(Guest{"bob", std::nullopt, "bob@", {"R"}}).error().code, "invalid_email");
  EXPECT_EQ(directory_.add(Guest{"", "+18005554321", std::nullopt, {"R"}}).error().code, "invalid_identity");
  EXPECT_EQ(directory_.add(Guest{"bob", "+18005554321", std::nullopt, {"a;b"}}).error().code, "invalid_room");
  EXPECT_EQ(identities(), (Rooms{"mabel"}));
}

TEST_F(DirectoryTest, RoomsKeepOrderAndStoredSpelling) {
  ASSERT_TRUE(directory_.add(Guest{"ada", "+18005554321", std::nullopt, {"Zeta", "Alpha", "My Room"}}).ok());
  auto bob = directory_.add(Guest{"bob", "+18005559876", std::nullopt, {"my room", "Beta", "zeta"}});
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->rooms, (Rooms{"My Room", "Beta", "Zeta"}));
  EXPECT_EQ(directory_.find("ada")->rooms, (Rooms{"Zeta", "Alpha", "My Room"}));
  EXPECT_EQ(directory_.find("bob")->rooms, (Rooms{"My Room", "Beta", "Zeta"}));
  auto st = db_.prepare("SELECT COUNT(*) FROM rooms");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 4);
}

TEST_F(DirectoryTest, ListIsOrderedByIdentityIgnoringCase) {
  for (const char* name : {"carol", "Bob", "alice", "Dave"})
    ASSERT_TRUE(directory_.add(Guest{name, "+18005556789", std::nullopt, {"R"}}).ok());
  EXPECT_EQ(identities(), (Rooms{"alice", "Bob", "carol", "Dave"}));
  const auto all = directory_.list();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].rooms, (Rooms{"R"}));
  EXPECT_EQ(all[0].phone, "+18005556789");
}

TEST_F(DirectoryTest, RemoveDeletesTheGuestAndTheirRoomLinks) {
  ASSERT_TRUE(directory_.add(Guest{"mabel", "+18005554321", std::nullopt, {"R", "S"}}).ok());
  ASSERT_TRUE(directory_.add(Guest{"ada", "+18005554321", std::nullopt, {"R"}}).ok());
  EXPECT_TRUE(directory_.remove("MABEL").ok());
  EXPECT_FALSE(directory_.find("mabel"));
  EXPECT_EQ(identities(), (Rooms{"ada"}));
  auto links = db_.prepare("SELECT COUNT(*) FROM participant_rooms");
  ASSERT_TRUE(links.step());
  EXPECT_EQ(links.integer(0), 1);

  auto missing = directory_.remove("mabel");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_EQ(missing.error().code, "guest_not_found");
  EXPECT_EQ(directory_.remove("").error().code, "guest_not_found");
  // Removed guests can be added again.
  EXPECT_TRUE(directory_.add(Guest{"Mabel", "+18005554321", std::nullopt, {"R"}}).ok());
}

TEST_F(DirectoryTest, ImportCsvAddsEveryone) {
  auto n = directory_.importCsv(
      "identity,phone,email,rooms\n"
      "mabel,+18005554321,,My Room;Book Club\n"
      "ada,,ada@example.org,Book Club\n"
      "bob,+18005559876,bob@example.com,my room\n");
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(identities(), (Rooms{"ada", "bob", "mabel"}));
  EXPECT_EQ(directory_.find("bob")->rooms, (Rooms{"My Room"}));
  EXPECT_EQ(directory_.importCsv("identity,phone,email,rooms\n").value(), 0u);
}

TEST_F(DirectoryTest, ImportCsvWithABadRowChangesNothing) {
  ASSERT_TRUE(directory_.add(Guest{"zed", "+18005556789", std::nullopt, {"Old Room"}}).ok());
  const auto before = identities();
  auto r = directory_.importCsv(
      "identity,phone,email,rooms\n"
      "mabel,+18005554321,,My Room\n"
      "ada,,ada@example.org,New Room\n"
      "bob,12,,My Room\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_csv");
  EXPECT_EQ(r.error().message.rfind("line 4: \"12\" is not a valid phone number", 0), 0u)
      << r.error().message;
  EXPECT_EQ(identities(), before);
  auto rooms = db_.prepare("SELECT COUNT(*) FROM rooms");
  ASSERT_TRUE(rooms.step());
  EXPECT_EQ(rooms.integer(0), 1);
}

TEST_F(DirectoryTest, ImportCsvClashingWithAnExistingGuestChangesNothing) {
  ASSERT_TRUE(directory_.add(Guest{"Ada", "+18005556789", std::nullopt, {"Old Room"}}).ok());
  auto r = directory_.importCsv(
      "identity,phone,email,rooms\n"
      "mabel,+18005554321,,My Room\n"
      "bob,+18005559876,,New Room\n"
      "ada,,ada@example.org,Old Room\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 409);
  EXPECT_EQ(r.error().code, "guest_exists");
  EXPECT_EQ(r.error().message,
            "line 4: ada is already on the guest list; remove them first or pick another name.");
  EXPECT_EQ(identities(), (Rooms{"Ada"}));
  EXPECT_FALSE(directory_.find("mabel"));
  auto rooms = db_.prepare("SELECT COUNT(*) FROM rooms");
  ASSERT_TRUE(rooms.step());
  EXPECT_EQ(rooms.integer(0), 1);
  // The directory still works after the rollback.
  EXPECT_TRUE(directory_.add(Guest{"mabel", "+18005554321", std::nullopt, {"My Room"}}).ok());
}

TEST_F(DirectoryTest, SurvivesReopeningTheDatabase) {
  ASSERT_TRUE(directory_.add(Guest{"mabel", "+18005554321", "m@example.com", {"B", "A"}}).ok());
  store::Database again(dir_.file("roomgate.db"));
  Directory other(again, clock_);
  auto found = other.find("mabel");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->rooms, (Rooms{"B", "A"}));
  auto created = again.prepare("SELECT created_at FROM participants");
  ASSERT_TRUE(created.step());
  EXPECT_EQ(created.integer(0), 1'700'000'000);
}

}  // namespace
}  // namespace roomgate::directory
