#include "rtc/GroupCalls.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "media/SdpAnswer.hpp"
#include "media/SdpLocal.hpp"

namespace roomgate::rtc {
namespace {

std::string_view roleName(media::TransportRole role) {
  return role == media::TransportRole::kPublisher ? "publisher" : "subscriber";
}

}  // namespace

GroupCalls::GroupCalls(media::SfuControl& sfu, Random& random, MediaEndpoint endpoint)
    : sfu_(sfu), random_(random), endpoint_(std::move(endpoint)) {}

uint32_t GroupCalls::newSsrc() {
  return media::sdp::randomSsrc(random_);
}

std::vector<std::string> GroupCalls::roomMates(const std::string& room, const std::string& except) const {
  std::vector<std::string> out;
  if (auto it = rooms_.find(room); it != rooms_.end())
    for (const auto& sid : it->second)
      if (sid != except) out.push_back(sid);
  return out;
}

// The Member& each method holds stays valid to its end: unordered_map keeps references across
// insertions, members are erased only in left(), which no method here calls after taking one, and
// Peer::send never calls back into the service (Peer.hpp). The SFU calls only post to the media thread.
void GroupCalls::joined(const std::string& room, const std::string& sid, Peer* peer) {
  left(sid);  // a resumed participant starts afresh: new connections on both sides
  Member& m = members_[sid];
  m.room = room;
  m.peer = peer;
  rooms_[room].push_back(sid);
  newSubscriberConnection(sid, m);
  offerTo(sid, m);
}

void GroupCalls::newSubscriberConnection(const std::string& sid, Member& m) {
  auto transport =
      media::sdp::newLocalTransport(random_, endpoint_.fingerprintSha256, endpoint_.ip, endpoint_.port);
  m.subscriberIce = {transport.iceUfrag, transport.icePwd};
  m.offers = std::make_unique<media::SubscriberOffers>(std::move(transport));
  ++m.connection;
  for (const auto& other : roomMates(m.room, sid)) addTracksTo(sid, m, members_.at(other).published);
}

void GroupCalls::addTracksTo(const std::string& sid, Member& m,
                             const std::vector<media::OfferedTrack>& tracks) {
  for (auto track : tracks) {
    track.ssrc = newSsrc();
    track.rtxSsrc = newSsrc();
    if (!m.offers->add(track))
      spdlog::warn("rtc: {} cannot be offered track {} ({} sections already)", sid, track.id,
                   m.offers->sectionCount());
  }
}

void GroupCalls::offerTo(const std::string& sid, Member& m) {
  if (!m.peer || m.offers->awaitingAnswer() || !m.offers->changed()) return;
  auto offer = m.offers->makeOffer();
  if (!offer) {
    spdlog::error("rtc: the offer to {} could not be written: {}", sid, offer.error().message);
    return;
  }
  m.peer->send(subscribeOfferMessage(*offer, m.connection));
}

void GroupCalls::withdraw(const Member& publisher) {
  for (const auto& other : roomMates(publisher.room, "")) {
    Member& o = members_.at(other);
    if (&o == &publisher) continue;
    bool changed = false;
    for (const auto& t : publisher.published) changed |= o.offers->remove(t.id);
    if (changed) offerTo(other, o);
  }
}

void GroupCalls::publish(const std::string& sid, std::string_view sdp) {
  auto it = members_.find(sid);
  if (it == members_.end()) return;
  Member& m = it->second;
  auto fail = [&](const Error& e) { m.peer->send(errorMessage(e.code, e.message)); };

  auto offer = media::sdp::parse(sdp);
  if (!offer) return fail(offer.error());
  media::sdp::AnswerOptions options;
  static_cast<media::sdp::LocalTransport&>(options) =
      media::sdp::newLocalTransport(random_, endpoint_.fingerprintSha256, endpoint_.ip, endpoint_.port);
  options.defaultDirection = media::sdp::Direction::kRecvOnly;
  auto answer = media::sdp::createAnswer(*offer, options);
  if (!answer) return fail(answer.error());
  auto fingerprint = media::sdp::remoteSha256(*answer);
  if (!fingerprint) return fail(fingerprint.error());

  const unsigned generation = m.publishGeneration + 1;
  std::vector<media::TrackSpec> specs;
  std::vector<media::OfferedTrack> published;
  for (const auto& section : answer->media) {
    if (section.remoteStreams.empty() || section.codecs.empty()) continue;  // nothing sent in it
    if (specs.size() == kMaxPublishedTracks)
      return fail(Error::badRequest("too_many_tracks", "A participant may publish at most " +
                                                           std::to_string(kMaxPublishedTracks) +
                                                           " tracks; send your microphone and camera only."));
    const auto& stream = section.remoteStreams.front();  // simulcast: the lowest layer
    media::TrackSpec spec;
    spec.id = sid + ":" + std::to_string(generation) + ":" + section.mid;
    spec.kind = section.kind;
    spec.ssrc = stream.ssrc;
    spec.rtxSsrc = stream.rtxSsrc;
    spec.codecs = section.codecs;
    spec.extensions = section.extensions;
    published.push_back({spec.id, sid, section.kind, 0, 0});
    specs.push_back(std::move(spec));
  }
  if (specs.empty())
    return fail(Error::badRequest("unsupported_sdp",
                                  "The offer sends no audio or video the server can take (a=sendonly or "
                                  "a=sendrecv sections with a=ssrc lines, Opus, VP8 or H.264)."));

  // The previous publication (if any) leaves everyone; the new one arrives.
  withdraw(m);
  m.publishGeneration = generation;
  m.published = std::move(published);
  sfu_.publish(m.room, sid,
               {{options.iceUfrag, options.icePwd}, answer->remoteIceUfrag, *fingerprint, nullptr},
               std::move(specs));
  m.peer->send(publishAnswerMessage(media::sdp::serialize(answer->description)));
  for (const auto& other : roomMates(m.room, sid)) {
    Member& o = members_.at(other);
    addTracksTo(other, o, m.published);
    offerTo(other, o);
  }
  spdlog::debug("rtc: {} publishes {} track(s) in {}", sid, m.published.size(), m.room);
}

void GroupCalls::subscribeAnswer(const std::string& sid, std::string_view sdp) {
  auto it = members_.find(sid);
  if (it == members_.end()) return;
  Member& m = it->second;
  auto applied = m.offers->applyAnswer(sdp);
  if (!applied) return m.peer->send(errorMessage(applied.error().code, applied.error().message));
  if (applied->first) {  // an accepted section: checkAnswer found the browser's sha-256 fingerprint
    sfu_.openSubscriber(m.room, sid,
                        {m.subscriberIce, applied->accepted.remoteIceUfrag,
                         media::sdp::findSha256(applied->accepted.remoteFingerprints)->value, nullptr});
  }
  for (auto& s : applied->subscribe) sfu_.subscribe(m.room, sid, s.trackId, std::move(s.spec));
  offerTo(sid, m);  // what changed while the offer was out
}

void GroupCalls::left(const std::string& sid) {
  auto it = members_.find(sid);
  if (it == members_.end()) return;
  withdraw(it->second);
  sfu_.leave(it->second.room, sid);
  auto room = rooms_.find(it->second.room);
  if (room != rooms_.end()) {
    std::erase(room->second, sid);
    if (room->second.empty()) rooms_.erase(room);
  }
  members_.erase(it);
}

void GroupCalls::mediaClosed(const std::string& sid, media::TransportRole role, const std::string& reason) {
  auto it = members_.find(sid);
  if (it == members_.end()) return;
  Member& m = it->second;
  spdlog::info("rtc: {}'s {} connection closed ({})", sid, roleName(role), reason);
  if (role == media::TransportRole::kPublisher) {
    withdraw(m);
    m.published.clear();
  } else {
    newSubscriberConnection(sid, m);  // offered everything again
  }
  if (m.peer) m.peer->send(mediaClosedMessage(roleName(role), reason));
  if (role == media::TransportRole::kSubscriber) offerTo(sid, m);
}

}  // namespace roomgate::rtc
