#pragma once
// SubscriberOffers: the server's side of one subscriber's peer connection in a group room — which of the
// room's tracks it is offered, in which m= section, and the offer/answer cycle that brings each change to
// the browser. The server is always the offerer on this connection (the browser's own tracks go up on a
// separate publisher connection), so there is no glare: one offer is out at a time, and changes made
// meanwhile go into the next one.
// Sections are never removed (RFC 8843: mids are stable): a track that leaves turns its section inactive
// in the next offer, and once the browser has answered that, a new track of the same kind reuses it with
// fresh SSRCs. A track's section carries a=msid:<publisher's participant SID> <track id>, so the page
// knows whose tile a remote track belongs to.
// Pure: no I/O, no clock. Thread: its owner's (the signaling I/O thread).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Error.hpp"
#include "media/Router.hpp"
#include "media/SdpOffer.hpp"

namespace roomgate::media {

// A track the room has, as a subscriber is offered it.
struct OfferedTrack {
  std::string id;           // the Router's track id
  std::string participant;  // the publisher's participant SID: the msid stream id
  sdp::MediaKind kind = sdp::MediaKind::kVideo;
  uint32_t ssrc = 0;  // what this subscriber receives it as (chosen by the caller, random)
  uint32_t rtxSsrc = 0;
};

// A track the subscriber has accepted: forward it to them as `spec` says.
struct Subscription {
  std::string trackId;
  SubscriptionSpec spec;
};

// What an answer settled.
struct AppliedAnswer {
  sdp::AcceptedOffer accepted;          // the browser's ICE credentials and fingerprint among it
  std::vector<Subscription> subscribe;  // tracks to start forwarding to this subscriber
  bool first = false;                   // the first answer: the transport is to be opened
};

class SubscriberOffers {
 public:
  // `transport`: the server's side of this subscriber's connection (its own ICE credentials; the
  // session id is kept across offers).
  explicit SubscriberOffers(sdp::LocalTransport transport);

  // Offers the track in the next offer. False if it is offered already, or every section is taken and
  // there are kMaxMediaSections of them.
  bool add(const OfferedTrack& track);
  // Takes the track away in the next offer (its section goes inactive). False if it was not offered.
  bool remove(std::string_view trackId);

  // True when an offer would change what the browser has or has been offered.
  [[nodiscard]] bool changed() const;
  [[nodiscard]] bool awaitingAnswer() const { return pending_.has_value(); }

  // The next offer (SDP text), now awaiting an answer. Error: internal when an offer is awaiting its
  // answer already or nothing changed (a caller's bug; check changed() and awaitingAnswer()).
  [[nodiscard]] Result<std::string> makeOffer();
  // The browser's answer to the offer awaiting one. Error: badRequest kInvalidSdp when it does not parse
  // or does not fit the offer (checkAnswer), or when it changes the browser's ICE credentials or
  // fingerprint after the first answer; a conflict "no_offer" when no offer awaits an answer. A refused
  // answer leaves the offer awaiting.
  [[nodiscard]] Result<AppliedAnswer> applyAnswer(std::string_view answerSdp);

  [[nodiscard]] std::size_t sectionCount() const { return slots_.size(); }

 private:
  enum class SlotState {
    kActive,     // carries `track`
    kReleasing,  // its track left; the browser has not been offered it inactive yet
    kReleased,   // offered inactive, the answer not back yet
    kFree,       // inactive at the browser: a new track may take it
  };
  struct Slot {
    std::string mid;
    sdp::MediaKind kind = sdp::MediaKind::kVideo;
    SlotState state = SlotState::kActive;
    OfferedTrack track;
    bool subscribed = false;  // forwarding started (an answer accepted it)
  };
  struct Pending {
    sdp::SessionDescription offer;
    std::vector<std::pair<std::size_t, std::string>> tracks;  // slot index, the track id offered in it
  };

  sdp::OfferOptions options_;
  std::vector<Slot> slots_;
  std::optional<Pending> pending_;
  bool changed_ = false;
  bool answered_ = false;  // an answer was applied once
  std::string remoteUfrag_;
  std::string remoteFingerprint_;
  unsigned nextMid_ = 0;
};

}  // namespace roomgate::media
