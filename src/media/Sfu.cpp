#include "media/Sfu.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "media/MediaServer.hpp"

namespace roomgate::media {

namespace {

void add(RouterCounters& sum, const RouterCounters& c) {
  sum.packetsIn += c.packetsIn;
  sum.bytesIn += c.bytesIn;
  sum.packetsForwarded += c.packetsForwarded;
  sum.bytesForwarded += c.bytesForwarded;
  sum.nacksReceived += c.nacksReceived;
  sum.retransmissionsSent += c.retransmissionsSent;
  sum.nacksSent += c.nacksSent;
  sum.rtxRecovered += c.rtxRecovered;
  sum.plisReceived += c.plisReceived;
  sum.keyframeRequestsSent += c.keyframeRequestsSent;
  sum.rembsSent += c.rembsSent;
  sum.receiverReportsSent += c.receiverReportsSent;
  sum.transportFeedbackSent += c.transportFeedbackSent;
  sum.senderReportsRelayed += c.senderReportsRelayed;
  sum.dropped += c.dropped;
}

}  // namespace

struct Sfu::State {
  class Handler;

  // One participant's two transports, while they exist.
  struct Member {
    Handler* publisher = nullptr;
    Handler* subscriber = nullptr;
  };
  struct Room {
    explicit Room(Random& random) : router(random) {}
    Router router;
    std::map<std::string, Member> members;
  };

  State(Random& r, ClosedCallback c) : random(r), onClosed(std::move(c)) {}

  Room& room(const std::string& name) {
    auto& r = rooms[name];
    if (!r) r = std::make_unique<Room>(random);
    return *r;
  }
  Room* findRoom(const std::string& name) {
    auto it = rooms.find(name);
    return it == rooms.end() ? nullptr : it->second.get();
  }
  Handler*& slot(Room& r, const std::string& sid, TransportRole role) {
    auto& m = r.members[sid];
    return role == TransportRole::kPublisher ? m.publisher : m.subscriber;
  }
  void forgetIfEmpty(const std::string& name, const std::string& sid) {
    auto it = rooms.find(name);
    if (it == rooms.end()) return;
    Room& r = *it->second;
    if (auto m = r.members.find(sid); m != r.members.end() && !m->second.publisher && !m->second.subscriber)
      r.members.erase(m);
    if (r.members.empty()) {
      add(retired, r.router.counters());
      rooms.erase(it);
    }
  }
  void refreshStats() {
    SfuStats& s = stats;
    RouterCounters sum = retired;
    uint64_t tracks = 0, subscriptions = 0;
    for (const auto& [name, r] : rooms) {
      add(sum, r->router.counters());
      tracks += r->router.trackCount();
      subscriptions += r->router.subscriptionCount();
    }
    constexpr auto relaxed = std::memory_order_relaxed;
    s.rooms.store(rooms.size(), relaxed);
    s.tracks.store(tracks, relaxed);
    s.subscriptions.store(subscriptions, relaxed);
    s.packetsIn.store(sum.packetsIn, relaxed);
    s.bytesIn.store(sum.bytesIn, relaxed);
    s.packetsForwarded.store(sum.packetsForwarded, relaxed);
    s.bytesForwarded.store(sum.bytesForwarded, relaxed);
    s.nacksReceived.store(sum.nacksReceived, relaxed);
    s.retransmissionsSent.store(sum.retransmissionsSent, relaxed);
    s.nacksSent.store(sum.nacksSent, relaxed);
    s.plisReceived.store(sum.plisReceived, relaxed);
    s.keyframeRequestsSent.store(sum.keyframeRequestsSent, relaxed);
    s.rembsSent.store(sum.rembsSent, relaxed);
    s.receiverReportsSent.store(sum.receiverReportsSent, relaxed);
    s.transportFeedbackSent.store(sum.transportFeedbackSent, relaxed);
  }

  Random& random;
  ClosedCallback onClosed;
  std::map<std::string, std::unique_ptr<Room>> rooms;
  RouterCounters retired;  // of rooms that emptied
  SfuStats stats;
};

// Binds one transport to its room's router. Made and destroyed by the MediaServer on the media thread;
// reaches the Sfu's state through a weak pointer, so a transport that outlives the Sfu does nothing.
class Sfu::State::Handler final : public MediaHandler {
 public:
  Handler(std::weak_ptr<State> state, std::string room, std::string sid, TransportRole role,
          std::vector<TrackSpec> tracks)
      : state_(std::move(state)),
        room_(std::move(room)),
        sid_(std::move(sid)),
        role_(role),
        tracks_(std::move(tracks)) {}

  // Set before the Sfu closes this transport on purpose (leave, replacement): no "closed" report then.
  void detach() { detached_ = true; }
  [[nodiscard]] WebRtcTransport* transport() const { return transport_; }

  void onAttached(WebRtcTransport& transport) override {
    transport_ = &transport;
    auto state = state_.lock();
    if (!state) return;
    auto& room = state->room(room_);
    state->slot(room, sid_, role_) = this;
    for (auto& spec : tracks_) {
      const std::string id = spec.id;
      if (!room.router.addTrack(transport, std::move(spec)))
        spdlog::warn("media: {} could not publish track {} in {} (id or SSRC taken)", sid_, id, room_);
    }
    tracks_.clear();
  }

  void onConnected(WebRtcTransport& transport) override {
    if (role_ != TransportRole::kSubscriber) return;
    withRoom([&](State::Room& room) { room.router.requestKeyframes(transport, Router::Clock::now()); });
  }

  void onRtp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) override {
    withRoom([&](State::Room& room) { room.router.onRtp(transport, buffer, length, Router::Clock::now()); });
  }

  void onRtcp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) override {
    withRoom([&](State::Room& room) {
      room.router.onRtcp(transport, buffer.first(length), Router::Clock::now());
    });
  }

  void onClosed(const std::string& reason) override {
    auto state = state_.lock();
    if (!state || !transport_) return;
    if (auto* room = state->findRoom(room_)) {
      room->router.removeTransport(*transport_);
      auto& slot = state->slot(*room, sid_, role_);
      if (slot == this) slot = nullptr;
    }
    state->forgetIfEmpty(room_, sid_);
    if (!detached_ && state->onClosed) state->onClosed(room_, sid_, role_, reason);
  }

 private:
  // Runs `f` on this transport's room while the Sfu's state is held (the Sfu may be destroyed on another
  // thread meanwhile); not once the transport is detached.
  template <class F>
  void withRoom(F&& f) {
    if (detached_) return;
    auto state = state_.lock();
    if (!state) return;
    if (auto* room = state->findRoom(room_)) f(*room);
  }

  std::weak_ptr<State> state_;
  std::string room_, sid_;
  TransportRole role_;
  std::vector<TrackSpec> tracks_;  // added to the router once the transport exists
  WebRtcTransport* transport_ = nullptr;
  bool detached_ = false;
};

Sfu::Sfu(MediaServer& media, Random& random, ClosedCallback onClosed)
    : media_(media), state_(std::make_shared<State>(random, std::move(onClosed))) {
  media_.setTickHook([weak = std::weak_ptr<State>(state_)](Router::Clock::time_point now) {
    auto state = weak.lock();
    if (!state) return;
    // Safe to walk: a router's tick only sends, and a transport's send never closes it, so no room
    // is forgotten (Handler::onClosed) during the loop. Closes come from the media server's own tick,
    // a received DTLS alert, or closeTransport, never from inside a router.
    for (auto& [name, room] : state->rooms) room->router.tick(now);
    state->refreshStats();
  });
}

Sfu::~Sfu() {
  media_.setTickHook({});
}

const SfuStats& Sfu::stats() const {
  return state_->stats;
}

std::string Sfu::transportKey(TransportRole role, const std::string& sid) {
  return (role == TransportRole::kPublisher ? "pub:" : "sub:") + sid;
}

void Sfu::open(const std::string& room, const std::string& sid, TransportRole role, TransportParams params,
               std::vector<TrackSpec> tracks) {
  // The task may run after this Sfu is gone (it is destroyed on another thread, with tasks still queued
  // on the media thread): it holds the MediaServer, which outlives it, and the state only weakly.
  media_.post([&media = media_, weak = std::weak_ptr<State>(state_), room, sid, role,
               params = std::move(params), tracks = std::move(tracks)]() mutable {
    auto state = weak.lock();
    if (!state) return;
    // A replacement: the old transport's tracks and subscriptions leave now, silently.
    if (auto* r = state->findRoom(room)) {
      if (auto m = r->members.find(sid); m != r->members.end()) {
        State::Handler*& old = role == TransportRole::kPublisher ? m->second.publisher : m->second.subscriber;
        if (old) old->detach();
      }
    }
    media.createTransport(transportKey(role, sid), std::move(params),
                          [weak, room, sid, role, tracks = std::move(tracks)]() mutable {
                            return std::make_unique<State::Handler>(weak, room, sid, role, std::move(tracks));
                          });
  });
}

void Sfu::publish(const std::string& room, const std::string& sid, TransportParams params,
                  std::vector<TrackSpec> tracks) {
  open(room, sid, TransportRole::kPublisher, std::move(params), std::move(tracks));
}

void Sfu::openSubscriber(const std::string& room, const std::string& sid, TransportParams params) {
  open(room, sid, TransportRole::kSubscriber, std::move(params), {});
}

void Sfu::subscribe(const std::string& room, const std::string& sid, const std::string& trackId,
                    SubscriptionSpec spec) {
  media_.post([weak = std::weak_ptr<State>(state_), room, sid, trackId, spec = std::move(spec)]() mutable {
    auto state = weak.lock();
    if (!state) return;
    auto* r = state->findRoom(room);
    if (!r) return;
    auto m = r->members.find(sid);
    if (m == r->members.end() || !m->second.subscriber || !m->second.subscriber->transport()) return;
    if (!r->router.subscribe(trackId, *m->second.subscriber->transport(), std::move(spec),
                             Router::Clock::now()))
      spdlog::debug("media: {} cannot receive {} in {} (gone, or SSRC taken)", sid, trackId, room);
  });
}

void Sfu::leave(const std::string& room, const std::string& sid) {
  // As in open(): no `this` in a task the media thread may run after the Sfu is destroyed.
  media_.post([&media = media_, weak = std::weak_ptr<State>(state_), room, sid] {
    auto state = weak.lock();
    if (!state) return;
    auto* r = state->findRoom(room);
    if (!r) return;
    auto m = r->members.find(sid);
    if (m == r->members.end()) return;
    // Closing runs the handlers' onClosed at once, which may forget the member and the room.
    const State::Member member = m->second;
    for (auto [role, h] : {std::pair{TransportRole::kPublisher, member.publisher},
                           std::pair{TransportRole::kSubscriber, member.subscriber}}) {
      if (!h) continue;
      h->detach();
      media.closeTransport(transportKey(role, sid), "left the room");
    }
  });
}

}  // namespace roomgate::media
