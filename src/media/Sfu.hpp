#pragma once
// Sfu: the group rooms' media, on the MediaServer's media thread. Per room a Router; per participant a
// publisher transport (the browser's offer, answered recvonly: its microphone and camera come in) and a
// subscriber transport (the server's offers: everyone else's tracks go out). The signaling side
// (rtc::GroupCalls, on the I/O thread) decides who publishes what and who receives which track; it drives
// this class through SfuControl, whose calls post to the media thread and so keep their order.
// Thread: SfuControl's calls and stats() from any thread; everything else runs on the media thread.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "media/Router.hpp"
#include "media/WebRtcTransport.hpp"

namespace roomgate::media {

class MediaServer;

enum class TransportRole { kPublisher, kSubscriber };

// What the signaling side asks of the media thread. An interface so the signaling logic is tested
// without sockets.
class SfuControl {
 public:
  virtual ~SfuControl() = default;
  // Opens `sid`'s publisher transport (replacing a previous one, whose tracks leave) and adds `tracks`
  // to the room's router: they are forwarded to whoever subscribes from now on.
  virtual void publish(const std::string& room, const std::string& sid, TransportParams params,
                       std::vector<TrackSpec> tracks) = 0;
  // Opens `sid`'s subscriber transport (replacing a previous one).
  virtual void openSubscriber(const std::string& room, const std::string& sid, TransportParams params) = 0;
  // `sid`'s subscriber transport receives `trackId` as `spec` says. Ignored if either is gone by then.
  virtual void subscribe(const std::string& room, const std::string& sid, const std::string& trackId,
                         SubscriptionSpec spec) = 0;
  // Closes both of `sid`'s transports; its tracks leave the router.
  virtual void leave(const std::string& room, const std::string& sid) = 0;
};

// Totals for /metrics, readable from any thread (refreshed at every media tick).
struct SfuStats {
  std::atomic<uint64_t> rooms{0};
  std::atomic<uint64_t> tracks{0};
  std::atomic<uint64_t> subscriptions{0};
  std::atomic<uint64_t> packetsIn{0}, bytesIn{0};
  std::atomic<uint64_t> packetsForwarded{0}, bytesForwarded{0};
  std::atomic<uint64_t> nacksReceived{0};
  std::atomic<uint64_t> retransmissionsSent{0};
  std::atomic<uint64_t> nacksSent{0};
  std::atomic<uint64_t> plisReceived{0};
  std::atomic<uint64_t> keyframeRequestsSent{0};
  std::atomic<uint64_t> rembsSent{0};
  std::atomic<uint64_t> receiverReportsSent{0};
  std::atomic<uint64_t> transportFeedbackSent{0};
};

class Sfu final : public SfuControl {
 public:
  // A transport closed by itself (ICE consent lapsed, DTLS failed), not by leave() or a replacement.
  // Called on the media thread: post to your own.
  using ClosedCallback = std::function<void(const std::string& room, const std::string& sid,
                                            TransportRole role, const std::string& reason)>;

  // `media` outlives this object; `random` is used on the media thread only.
  Sfu(MediaServer& media, Random& random, ClosedCallback onClosed);
  ~Sfu() override;
  Sfu(const Sfu&) = delete;
  Sfu& operator=(const Sfu&) = delete;

  void publish(const std::string& room, const std::string& sid, TransportParams params,
               std::vector<TrackSpec> tracks) override;
  void openSubscriber(const std::string& room, const std::string& sid, TransportParams params) override;
  void subscribe(const std::string& room, const std::string& sid, const std::string& trackId,
                 SubscriptionSpec spec) override;
  void leave(const std::string& room, const std::string& sid) override;

  [[nodiscard]] const SfuStats& stats() const;

  // The MediaServer transport key of `sid`'s transport in `role` ("pub:<sid>", "sub:<sid>").
  [[nodiscard]] static std::string transportKey(TransportRole role, const std::string& sid);

 private:
  struct State;  // media thread only (but its stats)
  void open(const std::string& room, const std::string& sid, TransportRole role, TransportParams params,
            std::vector<TrackSpec> tracks);

  MediaServer& media_;
  std::shared_ptr<State> state_;
};

}  // namespace roomgate::media
