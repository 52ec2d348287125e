#pragma once
// GroupCalls: the signaling side of group rooms (the SFU). Each participant has two peer connections to
// the server (as LiveKit does): a publisher connection, offered by the page, that carries its microphone
// and camera up; and a subscriber connection, offered by the server, that carries everyone else's tracks
// down. The server drives every renegotiation of the subscriber connection (SubscriberOffers) as tracks
// come and go, so offers never collide. The media thread is driven through media::SfuControl.
// Thread: the I/O thread only (like RtcService, which calls it).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/Random.hpp"
#include "media/Sfu.hpp"
#include "media/SubscriberOffers.hpp"
#include "rtc/Peer.hpp"

namespace roomgate::rtc {

// Tracks one participant may publish: a microphone and a camera, and room for a screen share.
inline constexpr std::size_t kMaxPublishedTracks = 4;

// The media server's side of every connection: what the SDP the server writes says about it.
struct MediaEndpoint {
  std::string fingerprintSha256;  // of the DTLS certificate
  std::string ip;                 // the one host candidate
  uint16_t port = 0;
};

class GroupCalls {
 public:
  GroupCalls(media::SfuControl& sfu, Random& random, MediaEndpoint endpoint);

  // `sid` (reached through `peer`) is in group room `room` (its SID): it is offered every track there.
  // A participant already known (a resumed connection) starts afresh.
  void joined(const std::string& room, const std::string& sid, Peer* peer);
  // The page's publisher offer: answered with publishAnswer; its tracks reach everyone else. A second
  // publish replaces the first (new tracks, new connection). A bad offer is answered with an error
  // message (invalid_sdp, unsupported_sdp, too_many_tracks); the socket stays open.
  void publish(const std::string& sid, std::string_view sdp);
  // The page's answer to the latest subscribeOffer. Errors as for publish, and no_offer.
  void subscribeAnswer(const std::string& sid, std::string_view sdp);
  // `sid` left the room (or its connection was lost): its tracks leave everyone, its media closes.
  // Idempotent; unknown SIDs are ignored.
  void left(const std::string& sid);
  // The media server closed one of `sid`'s transports by itself (ICE consent lapsed, DTLS failed).
  void mediaClosed(const std::string& sid, media::TransportRole role, const std::string& reason);

  [[nodiscard]] std::size_t participantCount() const { return members_.size(); }

 private:
  struct Member {
    std::string room;
    Peer* peer = nullptr;
    std::unique_ptr<media::SubscriberOffers> offers;
    media::IceCredentials subscriberIce;
    uint64_t connection = 0;  // the subscriber connection's number (subscribeOffer.connection)
    unsigned publishGeneration = 0;
    std::vector<media::OfferedTrack> published;  // ssrc fields unused here
  };

  // A subscriber connection of new ICE credentials and number, offering every track of the room.
  void newSubscriberConnection(const std::string& sid, Member& m);
  void offerTo(const std::string& sid, Member& m);  // sends the next offer if one is due
  void addTracksTo(const std::string& sid, Member& m, const std::vector<media::OfferedTrack>& tracks);
  void withdraw(const Member& publisher);  // its tracks leave everyone else's offers
  [[nodiscard]] std::vector<std::string> roomMates(const std::string& room, const std::string& except) const;
  [[nodiscard]] uint32_t newSsrc();

  media::SfuControl& sfu_;
  Random& random_;
  MediaEndpoint endpoint_;
  std::unordered_map<std::string, Member> members_;        // by participant SID
  std::map<std::string, std::vector<std::string>> rooms_;  // room SID -> participant SIDs, join order
};

}  // namespace roomgate::rtc
