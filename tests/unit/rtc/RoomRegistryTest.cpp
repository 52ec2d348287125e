#include "rtc/RoomRegistry.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/FakePeer.hpp"

namespace roomgate::rtc {
namespace {

using nlohmann::json;
using testing::FakePeer;

class RoomRegistryTest : public ::testing::Test {
 protected:
  RoomRegistry registry{
      [this](std::string_view prefix) { return std::string(prefix) + std::to_string(++n); }};
  JoinRequest request(std::string identity, int max = 4, int64_t iat = 100) {
    return {std::move(identity), {"", "My Room", "peer-to-peer", max}, iat, std::nullopt, "sms", "••21"};
  }
  int n = 0;
};

TEST_F(RoomRegistryTest, JoinAnnouncesToOthersAndListsThemToTheNewcomer) {
  FakePeer a, b;
  auto ja = registry.join(&a, request("mabel"));
  ASSERT_TRUE(ja.ok());
  EXPECT_TRUE(ja->others.empty());
  auto jb = registry.join(&b, request("tommy"));
  ASSERT_TRUE(jb.ok());
  ASSERT_EQ(jb->others.size(), 1u);
  EXPECT_EQ(jb->others[0].identity, "mabel");
  EXPECT_EQ(jb->others[0].verifiedTo, "••21");
  EXPECT_EQ(ja->room.sid, jb->room.sid);
  auto connected = a.ofType("participantConnected");
  ASSERT_EQ(connected.size(), 1u);
  EXPECT_EQ(connected[0]["participant"]["identity"], "tommy");
  EXPECT_TRUE(b.ofType("participantConnected").empty());  // not told about itself
}

TEST_F(RoomRegistryTest, LeaveIsAnnouncedOnceWithItsReason) {
  FakePeer a, b;
  (void)registry.join(&a, request("mabel"));
  (void)registry.join(&b, request("tommy"));
  registry.leave(&b, "left");
  registry.leave(&b, "closed");  // idempotent
  auto gone = a.ofType("participantDisconnected");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["reason"], "left");
  EXPECT_EQ(gone[0]["participant"]["identity"], "tommy");
  registry.leave(&a, "left");
  EXPECT_EQ(registry.roomCount(), 0u);
}

TEST_F(RoomRegistryTest, AFullRoomRefusesButTheSameIdentityMayReplaceItself) {
  FakePeer a, b, c, a2;
  (void)registry.join(&a, request("mabel", 2));
  (void)registry.join(&b, request("tommy", 2));
  auto full = registry.join(&c, request("blathers", 2));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "room_full");
  EXPECT_TRUE(registry.join(&a2, request("MABEL", 2)).ok());  // replaces, does not count twice
}

TEST_F(RoomRegistryTest, ASecondConnectionReplacesTheFirstAndTellsIt) {
  FakePeer a, b, a2;
  auto first = registry.join(&a, request("mabel"));
  (void)registry.join(&b, request("tommy"));
  auto second = registry.join(&a2, request("mabel"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(a.closed, CloseCode::kReplaced);
  EXPECT_EQ(a.closeCode, "replaced");
  EXPECT_NE(second->self.sid, first->self.sid);
  auto gone = b.ofType("participantDisconnected");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["reason"], "replaced");
  EXPECT_EQ(b.ofType("participantConnected").size(), 1u);
  EXPECT_FALSE(registry.joined(&a));
}

// The crash of issue 11: the only member joining again without resume emptied the room, which was
// erased and then used. The room must live on with the new connection as its one member.
TEST_F(RoomRegistryTest, AloneAndJoiningAgainWithoutResumeReplacesTheConnectionInTheSameRoom) {
  FakePeer a, a2;
  auto first = registry.join(&a, request("mabel"));
  ASSERT_TRUE(first.ok());
  auto second = registry.join(&a2, request("mabel"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(a.closed, CloseCode::kReplaced);
  EXPECT_EQ(a.closeCode, "replaced");
  EXPECT_FALSE(registry.joined(&a));
  EXPECT_TRUE(registry.joined(&a2));
  EXPECT_NE(second->self.sid, first->self.sid);
  EXPECT_EQ(second->room.sid, first->room.sid);  // the same room, not a new one
  EXPECT_TRUE(second->others.empty());
  EXPECT_EQ(registry.roomCount(), 1u);
  EXPECT_EQ(registry.participantCount(), 1u);
  ASSERT_TRUE(registry.seat(&a2).has_value());
  EXPECT_EQ(registry.seat(&a2)->sid, second->self.sid);
  EXPECT_TRUE(a2.received.empty());  // told nothing about itself or its old connection
  // The room still works: a newcomer sees exactly one mabel, and she sees the newcomer.
  FakePeer b;
  auto jb = registry.join(&b, request("tommy"));
  ASSERT_EQ(jb->others.size(), 1u);
  EXPECT_EQ(jb->others[0].sid, second->self.sid);
  EXPECT_EQ(a2.ofType("participantConnected").size(), 1u);
  registry.leave(&a2, "left");
  registry.leave(&b, "left");
  EXPECT_EQ(registry.roomCount(), 0u);
}

TEST_F(RoomRegistryTest, AloneWithALostConnectionAndJoiningAfreshReplacesTheWaitingParticipant) {
  FakePeer a, a2;
  std::vector<std::string> removed;
  registry.setRemovedHook([&](const Removed& r) { removed.push_back(r.sid); });
  auto first = registry.join(&a, request("mabel"));
  ASSERT_EQ(registry.detach(&a), first->self.sid);
  auto second = registry.join(&a2, request("mabel"));  // no resume: the page started over
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(a.closed.has_value());  // its connection was gone already: nothing to close
  EXPECT_EQ(removed, std::vector<std::string>{first->self.sid});
  EXPECT_EQ(registry.participantCount(), 1u);
  EXPECT_EQ(registry.roomCount(), 1u);
  registry.expire(first->self.sid);  // the old window ends: nothing left to expire
  EXPECT_EQ(registry.participantCount(), 1u);
  EXPECT_TRUE(registry.joined(&a2));
}

// The audit log's leave and kick rows come from this hook: who, where, and why each one went.
TEST_F(RoomRegistryTest, TheRemovalHookSaysWhoLeftWhichRoomAndWhy) {
  FakePeer a, a2, b, c;
  std::vector<Removed> removed;
  registry.setRemovedHook([&](const Removed& r) { removed.push_back(r); });
  auto first = registry.join(&a, request("mabel"));
  ASSERT_TRUE(registry.join(&a2, request("Mabel")).ok());  // another tab: the first is replaced
  ASSERT_TRUE(registry.join(&b, request("tommy")).ok());
  auto blathers = registry.join(&c, request("blathers", 4, 50));
  registry.leave(&b, "left");
  EXPECT_EQ(registry.revoke("blathers", "my room", 60), 1u);
  ASSERT_EQ(removed.size(), 3u);
  EXPECT_EQ(removed[0].sid, first->self.sid);
  EXPECT_EQ(removed[0].identity, "mabel");
  EXPECT_EQ(removed[0].room, "My Room");
  EXPECT_EQ(removed[0].reason, "replaced");
  EXPECT_EQ(removed[1].identity, "tommy");
  EXPECT_EQ(removed[1].reason, "left");
  EXPECT_EQ(removed[2].sid, blathers->self.sid);
  EXPECT_EQ(removed[2].reason, "revoked");
}

TEST_F(RoomRegistryTest, ARoomRefusedAtItsFirstJoinIsNotKept) {
  FakePeer a;
  auto refused = registry.join(&a, request("mabel", /*max=*/0));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "room_full");
  EXPECT_NE(refused.error().message.find("My Room is full"), std::string::npos);
  EXPECT_EQ(registry.roomCount(), 0u);
}

TEST_F(RoomRegistryTest, ResumingKeepsTheSidAndTheOthersSeeNothing) {
  FakePeer a, b, a2;
  auto first = registry.join(&a, request("mabel"));
  (void)registry.join(&b, request("tommy"));
  const auto seenBefore = b.received.size();
  auto req = request("mabel");
  req.resume = first->self.sid;
  auto resumed = registry.join(&a2, req);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->self.sid, first->self.sid);
  EXPECT_EQ(b.received.size(), seenBefore);
  EXPECT_EQ(a.closed, CloseCode::kReplaced);
  // Signals now reach the new connection.
  ASSERT_TRUE(registry.relay(&b, first->self.sid, json{{"description", "x"}}).ok());
  ASSERT_EQ(a2.ofType("signal").size(), 1u);
  EXPECT_TRUE(a.ofType("signal").empty());
}

TEST_F(RoomRegistryTest, ALostConnectionKeepsItsPlaceForAResume) {
  FakePeer a, b, a2;
  auto first = registry.join(&a, request("mabel"));
  (void)registry.join(&b, request("tommy"));
  const auto seen = b.received.size();
  ASSERT_EQ(registry.detach(&a), first->self.sid);
  EXPECT_FALSE(registry.joined(&a));
  EXPECT_EQ(registry.participantCount(), 2u);
  registry.setTracks(&b, {false, false});  // nothing is sent to the detached participant
  EXPECT_TRUE(a.ofType("tracksChanged").empty());
  auto req = request("mabel");
  req.resume = first->self.sid;
  auto resumed = registry.join(&a2, req);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->self.sid, first->self.sid);
  registry.expire(first->self.sid);  // too late: it is attached again
  EXPECT_EQ(registry.participantCount(), 2u);
  EXPECT_EQ(b.received.size(), seen);  // tommy saw nothing of it
}

TEST_F(RoomRegistryTest, AnUnclaimedLostConnectionLeavesWhenItsWindowEnds) {
  FakePeer a, b;
  auto first = registry.join(&a, request("mabel"));
  (void)registry.join(&b, request("tommy"));
  (void)registry.detach(&a);
  registry.expire(first->self.sid);
  auto gone = b.ofType("participantDisconnected");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["reason"], "closed");
  EXPECT_EQ(registry.participantCount(), 1u);
}

TEST_F(RoomRegistryTest, SignalsGoOnlyToTheNamedParticipantInTheSameRoom) {
  FakePeer a, b, c, other;
  auto ja = registry.join(&a, request("mabel"));
  auto jb = registry.join(&b, request("tommy"));
  (void)registry.join(&c, request("blathers"));
  auto elsewhere = request("zoe");
  elsewhere.room.name = "Other";
  auto jo = registry.join(&other, elsewhere);
  ASSERT_TRUE(registry.relay(&a, jb->self.sid, json{{"candidate", {{"candidate", "x"}}}}).ok());
  auto got = b.ofType("signal");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["from"], ja->self.sid);
  EXPECT_EQ(got[0]["signal"]["candidate"]["candidate"], "x");
  EXPECT_TRUE(c.ofType("signal").empty());
  auto unknown = registry.relay(&a, jo->self.sid, json::object());  // another room
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown_participant");
}

TEST_F(RoomRegistryTest, TrackChangesReachEveryoneElse) {
  FakePeer a, b;
  auto ja = registry.join(&a, request("mabel"));
  (void)registry.join(&b, request("tommy"));
  registry.setTracks(&a, {false, true});
  auto changed = b.ofType("tracksChanged");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["sid"], ja->self.sid);
  EXPECT_EQ(changed[0]["tracks"]["audio"], false);
  EXPECT_TRUE(a.ofType("tracksChanged").empty());
  FakePeer c;
  auto jc = registry.join(&c, request("blathers"));
  EXPECT_FALSE(jc->others[0].tracks.audio);  // newcomers see the current state
}

TEST_F(RoomRegistryTest, RevocationEndsOnlySessionsWithTokensIssuedUpToTheWatermark) {
  FakePeer old, b, fresh;
  (void)registry.join(&old, request("mabel", 4, /*iat=*/100));
  (void)registry.join(&b, request("tommy", 4, 100));
  EXPECT_EQ(registry.revoke("Mabel", "", 99), 0u);  // her token is newer than the watermark
  EXPECT_EQ(registry.revoke("mabel", "Another Room", 200), 0u);
  EXPECT_EQ(registry.revoke("mabel", "my room", 100), 1u);
  EXPECT_EQ(old.closed, CloseCode::kForbidden);
  EXPECT_EQ(old.closeCode, "token_revoked");
  auto gone = b.ofType("participantDisconnected");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["reason"], "revoked");
  EXPECT_TRUE(b.closeCode.empty());
}

}  // namespace
}  // namespace roomgate::rtc
