// RoomRegistry, model-based: the input is a sequence of operations on three identities and two rooms. Each
// operation runs against the registry and against a small model of it; after every registry call (a step)
// the fuzzer checks what the registry answered, what every fake peer was sent and how it was closed against
// the model, and checks the invariants below through the registry's public API. A violation prints the step
// and aborts. ROOMGATE_FUZZ_TRACE=1 in the environment prints every step as it runs.
//
// Encoding. Bytes are read left to right and read as 0 past the end; at most kMaxOps operations run. An
// operation is an opcode byte (value % 11) followed by its argument bytes:
//   0 join    who cap resume  a new connection joins (resume: see below)
//   1 rejoin  pick how        a new connection for the pick-th attached participant's identity and room,
//                             without resume, while the old connection is open: a replacement
//   2 resume  pick how        a new connection for the pick-th participant (attached or detached) with its
//                             SID in resume: a reconnect within the resume window
//   3 late    pick how        the pick-th participant's window ends (detach if attached, expire(sid)), then
//                             a new connection joins with that stale SID in resume
//   4 leave   conn reason     leave(conn, kLeaveReasons[reason % 3])
//   5 detach  conn            the connection is lost: detach(conn), as RtcService::onLost does
//   6 expire  sid             expire(the sid % n-th participant SID ever issued)
//   7 revoke  target          revoke(identity, scope, watermark)
//   8 tracks  conn bits       setTracks(conn, {audio: bit 0, video: bit 1})
//   9 relay   conn to         relay(conn, target, {"n": step})
//  10 crowd   who cap         the three identities join who's room in turn, starting with who's identity
// Argument bytes:
//   who     bits 0-1 identity (% 3), bit 2 its other spelling ("ANN" for "ann"), bit 3 room, bit 4 the room's
//           other spelling, bits 5-6 tokenIssuedAt (0-3), bit 7 room type "group" (else "peer-to-peer")
//   cap     maxParticipants of a room the join creates: kCaps[cap % 5] (8, 1, 2, 3, 0); an existing room
//           keeps its own
//   resume  bits 0-1: 0 no resume, 1 the SID of the identity's participant in the room (none if absent),
//           2 the (resume >> 2) % n-th SID ever issued, 3 "PA0", which is never issued
//   pick    pick % n among the candidates, room 0's participants first, each room in join order
//   how     bit 0 the identity's other spelling, bit 1 the room's, bits 2-3 tokenIssuedAt
//   conn    conn % n among every connection made so far (joined, refused, closed, left or lost alike)
//   target  bits 0-1 identity, bit 2 its spelling, bits 3-4 scope (every room, room 0, room 1, a room that
//           never exists), bit 5 the room's spelling, bits 6-7 revokedBefore (0-3)
//   to      bits 0-1: 0 the (to >> 2) % n-th member of the sender's room (itself included), 1 the
//           (to >> 2) % n-th SID ever issued, 2 "PA0", 3 the (to >> 2) % n-th member of the other room
//
// Checked after every step:
//   - every peer was sent exactly the presence, track and signal messages the model expects, in order, and
//     closed exactly as expected (replaced, revoked); the removal hook reported exactly the removed SIDs;
//     join, detach, relay and revoke answered what the model says (SIDs, room, others, error codes, counts)
//   - every attached peer's seat() names a SID that is a current member of the model's room, and the room's
//     SID, name, type and capacity; peers not attached have no seat and joined() is false
//   - participantCount() is the model's member count (attached and detached); roomCount() and
//     roomCountsByType() count only rooms with members (no room is left empty)
//   - an identity is in a room at most once, ignoring case: among the attached peers' seats and in every
//     join's self + others
//   - a peer is sent messages only while it is in a room; a participantDisconnected names a SID that was a
//     member of the recipient's room when it was announced; a participantConnected never announces the
//     recipient itself
//   - room_full only when the room had maxParticipants others (the identity's own old participant aside),
//     and a join that is not full succeeds
//   - SIDs are fresh; the removal hook never reports a SID twice, and a removed SID is never seated again
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "FuzzInput.hpp"
#include "common/Text.hpp"
#include "rtc/RoomRegistry.hpp"

namespace {

using nlohmann::json;
using roomgate::asciiLower;
using namespace roomgate::rtc;

constexpr std::size_t kMaxOps = 128;
constexpr std::size_t kMaxConnections = 64;
constexpr int kIdentities = 3;
constexpr int kRooms = 2;
constexpr std::array<std::array<std::string_view, 2>, kIdentities> kIdentityNames{
    {{"ann", "ANN"}, {"bob", "Bob"}, {"cyd", "cYD"}}};
constexpr std::array<std::array<std::string_view, 2>, kRooms> kRoomNames{
    {{"lobby", "LOBBY"}, {"studio", "Studio"}}};
constexpr std::string_view kNoSuchRoom = "attic";
constexpr std::array<int, 5> kCaps{8, 1, 2, 3, 0};
constexpr std::array<std::string_view, 3> kLeaveReasons{"left", "closed", "timeout"};
constexpr std::array<std::string_view, kIdentities> kChannels{"sms", "email", ""};
constexpr std::array<std::string_view, kIdentities> kVerifiedTo{"**21", "a***@example.com", ""};

using roomgate::fuzz::Input;

// Records what the registry sends it (parsed) and how it closes it.
class FakePeer final : public Peer {
 public:
  void send(Outgoing message) override {
    received.push_back(json::parse(*message, nullptr, /*allow_exceptions=*/false));
  }
  void close(CloseCode code, std::string_view reason, std::string_view) override {
    closes.emplace_back(code, std::string(reason));
  }
  std::vector<json> received;  // a message that is not JSON is kept as a discarded value
  std::vector<std::pair<CloseCode, std::string>> closes;
};

// The string at `key` of object `j`, or "" if there is none.
std::string text(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}
const json& member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it != j.end() ? *it : kNull;
}
char bit(const json& j, const char* key) {
  const json& v = member(j, key);
  return v.is_boolean() ? (v.get<bool>() ? '1' : '0') : '?';
}
std::string bits(const Tracks& t) {
  return {t.audio ? '1' : '0', t.video ? '1' : '0'};
}

// One line per message, holding what the model predicts; anything else reads as "unexpected ...".
std::string summary(const json& m) {
  const std::string type = text(m, "type");
  const json& p = member(m, "participant");
  if (type == "participantConnected") {
    const json& t = member(p, "tracks");
    return "connected " + text(p, "sid") + " " + text(p, "identity") + " " + bit(t, "audio") +
           bit(t, "video") + " " + text(member(p, "verified"), "channel");
  }
  if (type == "participantDisconnected")
    return "disconnected " + text(p, "sid") + " " + text(p, "identity") + " " + text(m, "reason");
  if (type == "tracksChanged") {
    const json& t = member(m, "tracks");
    return "tracks " + text(m, "sid") + " " + bit(t, "audio") + bit(t, "video");
  }
  if (type == "signal") {
    const json& n = member(member(m, "signal"), "n");
    return "signal " + text(m, "from") + " " + (n.is_number_unsigned() ? n.dump() : "?");
  }
  return "unexpected " + m.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string listed(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : " | ") + l;
  return "[" + out + "]";
}

#define EXPECT(cond, detail)          \
  do {                                \
    if (!(cond)) fail(#cond, detail); \
  } while (0)

class Harness {
 public:
  Harness() {
    registry_.setRemovedHook([this](const Removed& r) { removed_.push_back(r.sid); });
  }

  void run(Input& in) {
    for (std::size_t ops = 0; ops < kMaxOps && !in.empty(); ++ops) {
      switch (in.u8() % 11) {
        case 0:
          opJoin(in);
          break;
        case 1:
          opRejoin(in);
          break;
        case 2:
          opResume(in);
          break;
        case 3:
          opLate(in);
          break;
        case 4:
          opLeave(in);
          break;
        case 5:
          opDetach(in);
          break;
        case 6:
          opExpire(in);
          break;
        case 7:
          opRevoke(in);
          break;
        case 8:
          opTracks(in);
          break;
        case 9:
          opRelay(in);
          break;
        default:
          opCrowd(in);
          break;
      }
    }
  }

 private:
  struct Member {
    std::string sid;
    int identity = 0;
    std::string spelled;  // as it joined
    int conn = -1;        // index into conns_, -1 while detached
    int64_t issuedAt = 0;
    Tracks tracks;
  };
  struct Room {
    // A room exists while it has members; the rest describes the room as its first join created it.
    std::string sid;
    std::string name;
    std::string type;
    int maxParticipants = 0;
    std::vector<Member> members;  // join order
  };
  struct Connection {
    FakePeer peer;
    std::string identity;  // as it joined
    std::size_t seenMessages = 0;
    std::size_t seenCloses = 0;
    std::vector<std::string> expected;  // this step's messages, by summary()
    std::optional<std::pair<CloseCode, std::string>> expectedClose;
  };
  struct Place {
    int room;
    std::size_t index;
  };
  struct JoinArgs {
    int identity = 0;
    int spelling = 0;
    int room = 0;
    int roomSpelling = 0;
    std::string_view type = "peer-to-peer";
    int cap = kCaps[0];
    int64_t issuedAt = 0;
    std::optional<std::string> resume;
  };

  [[noreturn]] void fail(const char* cond, const std::string& detail) const {
    std::fprintf(stderr, "registry_fuzzer: step %zu (%s): %s\n  %s\n", step_, what_.c_str(), cond,
                 detail.c_str());
    std::abort();
  }

  // --- the model ---------------------------------------------------------------------------------------

  std::optional<Place> placeOf(int conn) const {
    for (int r = 0; r < kRooms; ++r)
      for (std::size_t i = 0; i < rooms_[r].members.size(); ++i)
        if (rooms_[r].members[i].conn == conn) return Place{r, i};
    return std::nullopt;
  }
  std::optional<std::size_t> indexOf(int room, int identity) const {
    const auto& ms = rooms_[room].members;
    for (std::size_t i = 0; i < ms.size(); ++i)
      if (ms[i].identity == identity) return i;
    return std::nullopt;
  }
  std::vector<Place> places(bool attachedOnly) const {
    std::vector<Place> out;
    for (int r = 0; r < kRooms; ++r)
      for (std::size_t i = 0; i < rooms_[r].members.size(); ++i)
        if (!attachedOnly || rooms_[r].members[i].conn >= 0) out.push_back({r, i});
    return out;
  }
  // Expects `line` at every attached member of `room` but `except`.
  void announce(int room, const std::string& line, int except) {
    for (const Member& m : rooms_[room].members)
      if (m.conn >= 0 && m.conn != except) conns_[m.conn].expected.push_back(line);
  }
  void removeMember(int room, std::size_t index, std::string_view reason) {
    const Member m = rooms_[room].members[index];
    rooms_[room].members.erase(rooms_[room].members.begin() + static_cast<std::ptrdiff_t>(index));
    announce(room, "disconnected " + m.sid + " " + m.spelled + " " + std::string(reason), -1);
    expectedRemoved_.push_back(m.sid);
  }

  // --- steps -------------------------------------------------------------------------------------------

  void begin(std::string what) {
    ++step_;
    what_ = std::move(what);
    if (trace_) std::fprintf(stderr, "registry_fuzzer: step %zu: %s\n", step_, what_.c_str());
    before_.clear();
    for (std::size_t c = 0; c < conns_.size(); ++c) {
      const auto place = placeOf(static_cast<int>(c));
      before_.push_back(place ? std::optional<std::pair<int, std::string>>(
                                    {place->room, rooms_[place->room].members[place->index].sid})
                              : std::nullopt);
    }
    for (int r = 0; r < kRooms; ++r) {
      beforeMembers_[r].clear();
      for (const Member& m : rooms_[r].members) beforeMembers_[r].insert(m.sid);
    }
    for (Connection& c : conns_) {
      c.expected.clear();
      c.expectedClose.reset();
    }
    expectedRemoved_.clear();
    removed_.clear();
  }

  // The checks that do not depend on the model's predictions: who may be sent what.
  void audit(std::size_t c, const json& m) const {
    const std::string who = "connection " + std::to_string(c);
    const auto& seat = before_[c];
    EXPECT(seat.has_value(), who + " was sent " + summary(m) + " while in no room");
    const std::string type = text(m, "type");
    const auto& members = beforeMembers_[seat->first];
    const std::string& room = rooms_[seat->first].name;
    const auto now = placeOf(static_cast<int>(c));
    const std::string self = now ? rooms_[now->room].members[now->index].sid : seat->second;
    // The participant a message is about: announced, changing its tracks, or signalling.
    const std::string about = type == "tracksChanged" ? text(m, "sid")
                              : type == "signal"      ? text(m, "from")
                                                      : text(member(m, "participant"), "sid");
    EXPECT(about != seat->second && about != self,
           who + " (" + self + ") was sent about itself: " + summary(m));
    if (type == "participantDisconnected" || type == "tracksChanged" || type == "signal")
      EXPECT(members.contains(about),
             who + " in " + room + " was sent " + summary(m) + ", not about a member of its room then");
  }

  void end() {
    for (std::size_t c = 0; c < conns_.size(); ++c) {
      Connection& conn = conns_[c];
      std::vector<std::string> got;
      for (std::size_t i = conn.seenMessages; i < conn.peer.received.size(); ++i) {
        audit(c, conn.peer.received[i]);
        got.push_back(summary(conn.peer.received[i]));
      }
      EXPECT(got == conn.expected, "connection " + std::to_string(c) + " was sent " + listed(got) +
                                       ", the model expects " + listed(conn.expected));
      conn.seenMessages = conn.peer.received.size();

      const auto& closes = conn.peer.closes;
      const std::size_t fresh = closes.size() - conn.seenCloses;
      EXPECT(fresh == (conn.expectedClose ? 1u : 0u) &&
                 (!conn.expectedClose || closes.back() == *conn.expectedClose),
             "connection " + std::to_string(c) + " was closed " + std::to_string(fresh) + " time(s)" +
                 (fresh ? " (" + closes.back().second + ")" : std::string()) + ", the model expects " +
                 (conn.expectedClose ? conn.expectedClose->second : "none"));
      conn.seenCloses = closes.size();
    }

    std::vector<std::string> removed = removed_, expectedRemoved = expectedRemoved_;
    std::sort(removed.begin(), removed.end());
    std::sort(expectedRemoved.begin(), expectedRemoved.end());
    EXPECT(removed == expectedRemoved,
           "the removal hook reported " + listed(removed) + ", the model expects " + listed(expectedRemoved));
    for (const std::string& sid : removed_) EXPECT(gone_.insert(sid).second, sid + " was removed twice");

    std::size_t members = 0, rooms = 0;
    std::map<std::string, std::size_t> byType;
    for (const Room& room : rooms_) {
      if (room.members.empty()) continue;
      ++rooms;
      ++byType[room.type];
      members += room.members.size();
    }
    EXPECT(registry_.participantCount() == members, "participantCount() " +
                                                        std::to_string(registry_.participantCount()) +
                                                        ", the model has " + std::to_string(members));
    EXPECT(registry_.roomCount() == rooms, "roomCount() " + std::to_string(registry_.roomCount()) +
                                               ", rooms with members in the model: " + std::to_string(rooms));
    EXPECT(registry_.roomCountsByType() == byType, "roomCountsByType() differs from the model's");

    std::set<std::string> seated;  // room SID + lower-cased identity of every attached peer
    for (std::size_t c = 0; c < conns_.size(); ++c) {
      Peer* peer = &conns_[c].peer;
      const auto seat = registry_.seat(peer);
      const auto place = placeOf(static_cast<int>(c));
      const std::string who = "connection " + std::to_string(c);
      EXPECT(registry_.joined(peer) == place.has_value(), who + ": joined() disagrees with the model");
      EXPECT(seat.has_value() == place.has_value(),
             who + (seat ? " has a seat (" + seat->sid + ") but is in no room"
                         : " has no seat but is a member"));
      if (!seat) continue;
      const Room& room = rooms_[place->room];
      const Member& m = room.members[place->index];
      EXPECT(seat->sid == m.sid, who + " is seated as " + seat->sid + ", the current member is " + m.sid);
      EXPECT(!gone_.contains(seat->sid), who + " is seated as " + seat->sid + ", which was removed");
      EXPECT(seat->room.sid == room.sid && seat->room.name == room.name && seat->room.type == room.type &&
                 seat->room.maxParticipants == room.maxParticipants,
             who + " is seated in " + seat->room.sid + " " + seat->room.name + ", the model's room is " +
                 room.sid + " " + room.name);
      EXPECT(seated.insert(seat->room.sid + "/" + asciiLower(conns_[c].identity)).second,
             conns_[c].identity + " is seated twice in " + seat->room.sid);
    }
  }

  void join(const JoinArgs& a) {
    if (conns_.size() >= kMaxConnections) return;
    const auto c = static_cast<int>(conns_.size());
    const std::string identity(kIdentityNames[a.identity][a.spelling]);
    const std::string roomName(kRoomNames[a.room][a.roomSpelling]);
    conns_.emplace_back();
    conns_.back().identity = identity;
    begin("join #" + std::to_string(c) + " " + identity + " to " + roomName + " cap " +
          std::to_string(a.cap) + " iat " + std::to_string(a.issuedAt) + " resume " + a.resume.value_or("-"));
    JoinRequest request{
        identity, {"", roomName, std::string(a.type), a.cap}, a.issuedAt,
        a.resume, std::string(kChannels[a.identity]),         std::string(kVerifiedTo[a.identity])};
    auto result = registry_.join(&conns_.back().peer, request);

    Room& room = rooms_[a.room];
    const bool created = room.members.empty();
    const int max = created ? a.cap : room.maxParticipants;
    const auto existing = indexOf(a.room, a.identity);
    const bool resuming = existing && a.resume && *a.resume == room.members[*existing].sid;
    const std::size_t others = room.members.size() - (existing ? 1 : 0);
    if (static_cast<int>(others) >= max) {
      EXPECT(!result.ok(), "joined a room with " + std::to_string(others) + " others and maxParticipants " +
                               std::to_string(max));
      EXPECT(result.error().code == "room_full" && result.error().status == 4503,
             "refused with " + result.error().code);
      return end();
    }
    EXPECT(result.ok(), "refused (" + result.error().code + ") with " + std::to_string(others) +
                            " others and maxParticipants " + std::to_string(max));
    if (created) {
      EXPECT(result->room.sid.starts_with("RM") && roomSids_.insert(result->room.sid).second,
             "a new room got the SID " + result->room.sid);
      room.sid = result->room.sid;
      room.name = roomName;
      room.type = std::string(a.type);
      room.maxParticipants = a.cap;
    }
    EXPECT(result->room.sid == room.sid && result->room.name == room.name && result->room.type == room.type &&
               result->room.maxParticipants == room.maxParticipants,
           "joined " + result->room.sid + " " + result->room.name + ", the model's room is " + room.sid +
               " " + room.name);

    if (resuming) {
      Member& m = room.members[*existing];
      EXPECT(result->self.sid == m.sid, "resumed as " + result->self.sid + ", not " + m.sid);
      if (m.conn >= 0) conns_[m.conn].expectedClose.emplace(CloseCode::kReplaced, "replaced");
      m.conn = c;
      m.issuedAt = a.issuedAt;
    } else {
      if (existing) {
        const int old = room.members[*existing].conn;
        removeMember(a.room, *existing, "replaced");
        if (old >= 0) conns_[old].expectedClose.emplace(CloseCode::kReplaced, "replaced");
      }
      const std::string& sid = result->self.sid;
      EXPECT(sid.starts_with("PA") && !std::count(history_.begin(), history_.end(), sid),
             "a new participant got the SID " + sid);
      history_.push_back(sid);
      Member m{sid, a.identity, identity, c, a.issuedAt, {}};
      announce(a.room, "connected " + sid + " " + identity + " 11 " + std::string(kChannels[a.identity]), -1);
      room.members.push_back(std::move(m));
    }

    const Member& self = room.members[resuming ? *existing : room.members.size() - 1];
    EXPECT(result->self.identity == self.spelled &&
               result->self.verifiedChannel == kChannels[self.identity] &&
               result->self.verifiedTo == kVerifiedTo[self.identity] &&
               bits(result->self.tracks) == bits(self.tracks),
           "joined as " + result->self.identity + ", the model's member is " + self.spelled);
    std::vector<std::string> got, expected;
    std::set<std::string> identities{asciiLower(result->self.identity)};
    for (const ParticipantInfo& p : result->others) {
      got.push_back(p.sid + " " + p.identity + " " + bits(p.tracks) + " " + p.verifiedChannel + " " +
                    p.verifiedTo);
      EXPECT(identities.insert(asciiLower(p.identity)).second, p.identity + " is in " + room.name + " twice");
    }
    for (const Member& m : room.members)
      if (m.conn != c)
        expected.push_back(m.sid + " " + m.spelled + " " + bits(m.tracks) + " " +
                           std::string(kChannels[m.identity]) + " " + std::string(kVerifiedTo[m.identity]));
    EXPECT(got == expected, "the others are " + listed(got) + ", the model expects " + listed(expected));
    end();
  }

  void leave(int c, std::string_view reason) {
    begin("leave #" + std::to_string(c) + " " + std::string(reason));
    if (const auto place = placeOf(c)) removeMember(place->room, place->index, reason);
    registry_.leave(&conns_[c].peer, reason);
    end();
  }

  void detach(int c) {
    begin("detach #" + std::to_string(c));
    const auto place = placeOf(c);
    std::optional<std::string> expected;
    if (place) {
      Member& m = rooms_[place->room].members[place->index];
      expected = m.sid;
      m.conn = -1;
    }
    const auto sid = registry_.detach(&conns_[c].peer);
    EXPECT(sid == expected, "detach returned " + sid.value_or("nothing") + ", the model expects " +
                                expected.value_or("nothing"));
    end();
  }

  void expire(const std::string& sid) {
    begin("expire " + sid);
    for (int r = 0; r < kRooms; ++r)
      for (std::size_t i = 0; i < rooms_[r].members.size(); ++i)
        if (rooms_[r].members[i].sid == sid && rooms_[r].members[i].conn < 0) {
          removeMember(r, i, "closed");
          break;
        }
    registry_.expire(sid);
    end();
  }

  // The `who` and `cap` argument bytes (see the encoding above); `shift` moves to the next identities.
  static JoinArgs joinArgs(uint8_t who, uint8_t cap, int shift = 0) {
    JoinArgs a;
    a.identity = ((who & 3) + shift) % kIdentities;
    a.spelling = (who >> 2) & 1;
    a.room = (who >> 3) & 1;
    a.roomSpelling = (who >> 4) & 1;
    a.issuedAt = (who >> 5) & 3;
    a.type = (who >> 7) ? "group" : "peer-to-peer";
    a.cap = kCaps[cap % kCaps.size()];
    return a;
  }

  // --- operations --------------------------------------------------------------------------------------

  void opJoin(Input& in) {
    const uint8_t who = in.u8(), cap = in.u8(), resume = in.u8();
    JoinArgs a = joinArgs(who, cap);
    switch (resume & 3) {
      case 1:
        if (const auto i = indexOf(a.room, a.identity)) a.resume = rooms_[a.room].members[*i].sid;
        break;
      case 2:
        if (!history_.empty()) a.resume = history_[(resume >> 2) % history_.size()];
        break;
      case 3:
        a.resume = "PA0";
        break;
      default:
        break;
    }
    join(a);
  }

  // The pick-th candidate participant as the arguments of a new join of its identity to its room.
  std::optional<JoinArgs> picked(Input& in, bool attachedOnly) {
    const uint8_t pick = in.u8(), how = in.u8();
    const auto candidates = places(attachedOnly);
    if (candidates.empty()) return std::nullopt;
    const Place p = candidates[pick % candidates.size()];
    JoinArgs a;
    a.identity = rooms_[p.room].members[p.index].identity;
    a.spelling = how & 1;
    a.room = p.room;
    a.roomSpelling = (how >> 1) & 1;
    a.issuedAt = (how >> 2) & 3;
    a.resume = rooms_[p.room].members[p.index].sid;
    return a;
  }

  void opRejoin(Input& in) {
    if (auto a = picked(in, /*attachedOnly=*/true)) {
      a->resume.reset();
      join(*a);
    }
  }

  void opResume(Input& in) {
    if (auto a = picked(in, /*attachedOnly=*/false)) join(*a);
  }

  void opLate(Input& in) {
    auto a = picked(in, /*attachedOnly=*/false);
    if (!a) return;
    const auto i = indexOf(a->room, a->identity);
    if (const int c = rooms_[a->room].members[*i].conn; c >= 0) detach(c);
    expire(*a->resume);
    join(*a);
  }

  std::optional<int> conn(uint8_t b) const {
    if (conns_.empty()) return std::nullopt;
    return static_cast<int>(b % conns_.size());
  }

  void opLeave(Input& in) {
    const auto c = conn(in.u8());
    const uint8_t reason = in.u8();
    if (c) leave(*c, kLeaveReasons[reason % kLeaveReasons.size()]);
  }

  void opDetach(Input& in) {
    if (const auto c = conn(in.u8())) detach(*c);
  }

  void opExpire(Input& in) {
    const uint8_t b = in.u8();
    if (!history_.empty()) expire(history_[b % history_.size()]);
  }

  void opRevoke(Input& in) {
    const uint8_t t = in.u8();
    const int identity = (t & 3) % kIdentities;
    const std::string spelled(kIdentityNames[identity][(t >> 2) & 1]);
    const int scope = (t >> 3) & 3;  // 0 every room, 1 room 0, 2 room 1, 3 no such room
    const std::string room = scope == 0   ? ""
                             : scope == 3 ? std::string(kNoSuchRoom)
                                          : std::string(kRoomNames[scope - 1][(t >> 5) & 1]);
    const int64_t revokedBefore = (t >> 6) & 3;
    begin("revoke " + spelled + " in " + (room.empty() ? "every room" : room) + " before " +
          std::to_string(revokedBefore));
    std::size_t victims = 0;
    for (int r = 0; r < kRooms; ++r) {
      if (scope == 3 || (scope != 0 && scope - 1 != r)) continue;
      const auto i = indexOf(r, identity);
      if (!i || rooms_[r].members[*i].issuedAt > revokedBefore) continue;
      const int c = rooms_[r].members[*i].conn;
      removeMember(r, *i, "revoked");
      if (c >= 0) conns_[c].expectedClose.emplace(CloseCode::kForbidden, "token_revoked");
      ++victims;
    }
    const std::size_t n = registry_.revoke(spelled, room, revokedBefore);
    EXPECT(n == victims,
           "revoke ended " + std::to_string(n) + " sessions, the model " + std::to_string(victims));
    end();
  }

  void opTracks(Input& in) {
    const auto c = conn(in.u8());
    const uint8_t b = in.u8();
    if (!c) return;
    const Tracks tracks{(b & 1) != 0, (b & 2) != 0};
    begin("tracks #" + std::to_string(*c) + " " + bits(tracks));
    if (const auto place = placeOf(*c)) {
      Member& m = rooms_[place->room].members[place->index];
      m.tracks = tracks;
      announce(place->room, "tracks " + m.sid + " " + bits(tracks), *c);
    }
    registry_.setTracks(&conns_[*c].peer, tracks);
    end();
  }

  void opRelay(Input& in) {
    const auto c = conn(in.u8());
    const uint8_t to = in.u8();
    if (!c) return;
    const auto place = placeOf(*c);
    std::string target = "PA0";
    const auto pickFrom = [&](const std::vector<Member>& ms) {
      if (!ms.empty()) target = ms[(to >> 2) % ms.size()].sid;
    };
    switch (to & 3) {
      case 0:
        if (place) pickFrom(rooms_[place->room].members);
        break;
      case 1:
        if (!history_.empty()) target = history_[(to >> 2) % history_.size()];
        break;
      case 3:
        if (place) pickFrom(rooms_[1 - place->room].members);
        break;
      default:
        break;
    }
    begin("relay #" + std::to_string(*c) + " to " + target);
    std::string expectedError = "join_first";
    if (place) {
      const Member& from = rooms_[place->room].members[place->index];
      expectedError = "unknown_participant";
      for (const Member& m : rooms_[place->room].members) {
        if (m.sid != target || m.sid == from.sid) continue;
        expectedError.clear();
        if (m.conn >= 0)
          conns_[m.conn].expected.push_back("signal " + from.sid + " " + std::to_string(step_));
      }
    }
    const auto status = registry_.relay(&conns_[*c].peer, target, json{{"n", step_}});
    EXPECT(status.ok() == expectedError.empty() && (status.ok() || status.error().code == expectedError),
           "relay answered " + (status.ok() ? std::string("ok") : status.error().code) +
               ", the model expects " + (expectedError.empty() ? "ok" : expectedError));
    end();
  }

  void opCrowd(Input& in) {
    const uint8_t who = in.u8(), cap = in.u8();
    for (int k = 0; k < kIdentities; ++k) join(joinArgs(who, cap, k));
  }

  const bool trace_ = std::getenv("ROOMGATE_FUZZ_TRACE") != nullptr;
  int sidCounter_ = 0;
  RoomRegistry registry_{
      [this](std::string_view prefix) { return std::string(prefix) + std::to_string(++sidCounter_); }};
  std::vector<std::string> removed_;  // by the removal hook, this step

  std::array<Room, kRooms> rooms_;
  std::deque<Connection> conns_;      // a deque: the registry holds pointers to the peers
  std::vector<std::string> history_;  // every participant SID issued, in order
  std::set<std::string> roomSids_;
  std::set<std::string> gone_;  // every SID the removal hook reported

  std::size_t step_ = 0;
  std::string what_ = "start";
  std::vector<std::optional<std::pair<int, std::string>>> before_;  // each connection's room and SID
  std::array<std::set<std::string>, kRooms> beforeMembers_;
  std::vector<std::string> expectedRemoved_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in({data, size});
  Harness harness;
  harness.run(in);
  return 0;
}
