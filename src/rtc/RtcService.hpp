#pragma once
// RtcService: the signaling logic behind GET /rtc. A session hands it each text message and its close;
// it checks the join (token::TokenGate: the token, its revocation and invitation; room capacity), then relays
// signals and track state through the RoomRegistry. Knows no sockets, no SQL: rooms, revocations and "how was
// this guest verified" come through lookups the composition root provides. Thread: the I/O thread only.
#include <functional>
#include <optional>
#include <string>

#include "common/AuditLog.hpp"
#include "common/Clock.hpp"
#include "common/Random.hpp"
#include "rtc/GroupCalls.hpp"
#include "rtc/Peer.hpp"
#include "rtc/RoomRegistry.hpp"
#include "rtc/TurnCredentials.hpp"
#include "token/TokenGate.hpp"

namespace roomgate::rtc {

struct RoomSettings {
  std::string type;
  int maxParticipants = 0;
};

struct Verified {
  std::string channel;  // "sms" or "email"; empty if unknown
  std::string to;       // masked
};

struct RtcLookups {
  // The room's type and capacity; called once per join.
  std::function<RoomSettings(std::string_view room)> room;
  // How the identity proved who they are, for the "verified" badge.
  std::function<Verified(std::string_view identity)> verified;
  // Records a join (admitted or refused), a leave, a kick (replaced, revoked) and a revocation; may be
  // empty (no audit log).
  std::function<void(AuditRecord)> audit;
};

class RtcService {
 public:
  // Runs a task on the I/O thread after a delay (the server's timer).
  using Scheduler = std::function<void(std::chrono::milliseconds, std::function<void()>)>;

  RtcService(const token::TokenGate& tokens, const Clock& clock, Random& random, IceConfig ice,
             RtcLookups lookups, Scheduler schedule);

  // A text message from `peer`. May close the peer (bad message, refused join).
  void onText(Peer* peer, std::string_view text);
  // `peer`'s connection ended; `reason` is "closed" or "timeout". Idempotent.
  void onClosed(Peer* peer, std::string_view reason);
  // `peer`'s connection broke without a close (network loss): its participant waits kResumeWindow for a
  // join with `resume`, then leaves with reason "closed".
  void onLost(Peer* peer);
  // Group rooms get their media from `sfu` (borrowed; outlives this service). Without it a group room's
  // publish is refused with media_unavailable.
  void enableGroupRooms(media::SfuControl& sfu, MediaEndpoint endpoint);
  // The media server closed one of `sid`'s group-room transports by itself.
  void onMediaClosed(const std::string& sid, media::TransportRole role, const std::string& reason);
  // A revocation watermark was written (by this process or the CLI): end the sessions it voids.
  std::size_t revoke(std::string_view identity, std::string_view room, int64_t revokedBefore);

  [[nodiscard]] const RoomRegistry& registry() const { return registry_; }
  [[nodiscard]] const GroupCalls* groupCalls() const { return group_ ? &*group_ : nullptr; }

 private:
  void join(Peer* peer, const JoinMessage& m);
  // The group-room calls for `peer`'s room, or nullptr after telling the peer why not.
  GroupCalls* groupFor(Peer* peer, std::string& sid);
  void writeAudit(std::string_view event, std::string_view identity, std::string_view room,
                  std::string outcome, std::string detail);

  const token::TokenGate& tokens_;
  const Clock& clock_;
  Random& random_;
  IceConfig ice_;
  RtcLookups lookups_;
  Scheduler schedule_;
  RoomRegistry registry_;
  std::optional<GroupCalls> group_;
};

}  // namespace roomgate::rtc
