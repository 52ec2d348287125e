#pragma once
// Router: the forwarding of one group room. Publishers' tracks come in (decrypted once by their
// transport); each subscriber gets its own copy — its SSRC, payload types, header extension ids,
// continuous sequence numbers and timestamps (SeqRewriter) — encrypted by the subscriber's transport.
// Feedback: subscribers' NACKs are answered from one retransmission buffer per publisher video track, which
// holds the packets as received (after RTX restoration, in the publisher's numbering): the subscriber's seq
// is mapped back through its SeqRewriter (out seq -> publisher SSRC and seq, and the out timestamp given),
// the held packet is rewritten for the subscriber as forwarding does, and sent as RTX (its own RTX SSRC,
// PT and seq, OSN prepended) when negotiated, else as the packet itself. Per subscription only a small
// resend throttle is kept (same seq at most once per max(RTT, kMinResendInterval)). A seq sent before the
// subscriber joined, more than SeqRewriter::kWindow out seqs ago, or of a packet no longer held (or older
// than kMaxRetransmissionAge) is not answered. Their PLI/FIR are merged and throttled into key-frame requests
// to the publisher (KeyframeRequester); their REMB and receiver-report loss set the REMB the publisher gets
// (RembPolicy); the server NACKs publishers for packets it lost (NackGenerator) and restores their RTX;
// publishers' sender reports are relayed with the subscriber's SSRC and timestamp, so lip sync holds.
// Each publisher gets a receiver report per track every second (ReceiveStatistics): loss, jitter and the
// last-SR timing its browser derives its round-trip time from. A publisher that negotiated transport-cc
// gets transport-wide feedback (TwccRecorder) at every tick that one is due: the arrival time of every
// packet on its transport, from which its browser estimates its own uplink (send-side BWE).
// Transports are borrowed: a caller that closes one calls removeTransport() first. The role of a packet
// follows from its SSRC, so one transport may publish and subscribe.
// Thread: the media thread (no locks, no I/O of its own, time passed in).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/Random.hpp"
#include "media/Keyframe.hpp"
#include "media/KeyframeRequester.hpp"
#include "media/NackGenerator.hpp"
#include "media/RembPolicy.hpp"
#include "media/RetransmissionBuffer.hpp"
#include "media/Rtcp.hpp"
#include "media/Rtp.hpp"
#include "media/SdpAnswer.hpp"
#include "media/SeqRewriter.hpp"
#include "media/TwccFeedback.hpp"
#include "media/WebRtcTransport.hpp"

namespace roomgate::media {

// A publisher's track as its section was negotiated.
struct TrackSpec {
  std::string id;  // unique in the room, e.g. "<participant sid>:<mid>"
  sdp::MediaKind kind = sdp::MediaKind::kVideo;
  uint32_t ssrc = 0;
  std::optional<uint32_t> rtxSsrc;
  std::vector<sdp::NegotiatedCodec> codecs;      // the publisher's payload types
  std::vector<sdp::HeaderExtension> extensions;  // the publisher's ids
};

// How one subscriber receives a track: what our offer to it said.
struct SubscriptionSpec {
  uint32_t ssrc = 0;
  std::optional<uint32_t> rtxSsrc;
  std::vector<sdp::NegotiatedCodec> codecs;      // the subscriber's payload types (matched by codec name)
  std::vector<sdp::HeaderExtension> extensions;  // the subscriber's ids (matched by URI)
};

struct RouterCounters {
  uint64_t packetsIn = 0, bytesIn = 0;                // RTP from publishers
  uint64_t packetsForwarded = 0, bytesForwarded = 0;  // RTP to subscribers
  uint64_t nacksReceived = 0;                         // sequence numbers subscribers asked for
  uint64_t retransmissionsSent = 0;
  uint64_t nacksSent = 0;     // NACK packets to publishers
  uint64_t rtxRecovered = 0;  // publishers' RTX packets restored
  uint64_t plisReceived = 0;  // PLI/FIR from subscribers
  uint64_t keyframeRequestsSent = 0;
  uint64_t rembsSent = 0;
  uint64_t receiverReportsSent = 0;    // RTCP RR to publishers (one block per track)
  uint64_t transportFeedbackSent = 0;  // transport-cc feedback packets to publishers
  uint64_t senderReportsRelayed = 0;
  uint64_t dropped = 0;  // unknown SSRC, unparsable, no payload type for the subscriber, rewriter refused
};

class Router {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Router(Random& random);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // False if the id or an SSRC on that transport is taken.
  bool addTrack(WebRtcTransport& publisher, TrackSpec spec);
  void removeTrack(const std::string& trackId);
  // `subscriber` receives the track from now on (a key frame is asked for at once if its transport is
  // connected; otherwise requestKeyframes() asks when it is). False if the track is unknown or the SSRCs
  // are taken on that transport.
  bool subscribe(const std::string& trackId, WebRtcTransport& subscriber, SubscriptionSpec spec,
                 Clock::time_point now);
  void unsubscribe(const std::string& trackId, WebRtcTransport& subscriber);
  // Asks the publishers of the video `subscriber` receives for a key frame: its transport just connected,
  // and what was forwarded before could not reach it (at once unless a key frame is already coming).
  void requestKeyframes(WebRtcTransport& subscriber, Clock::time_point now);
  // Every track it publishes and every subscription it has.
  void removeTransport(WebRtcTransport& transport);

  // Decrypted packets from `from` (the MediaHandler's calls). `buffer` may be modified.
  void onRtp(WebRtcTransport& from, std::span<uint8_t> buffer, std::size_t length, Clock::time_point now);
  void onRtcp(WebRtcTransport& from, std::span<const uint8_t> packet, Clock::time_point now);
  // NACKs, key-frame re-requests and REMB to publishers. Every few tens of milliseconds.
  void tick(Clock::time_point now);

  [[nodiscard]] const RouterCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t trackCount() const { return tracks_.size(); }
  [[nodiscard]] std::size_t subscriptionCount() const;
  // Bytes of forwarding state held for all tracks and for all subscriptions: sizeof plus preallocated
  // buffers (not the SDP strings of the specs, nor the NACK list of a track).
  struct MemoryUse {
    std::size_t tracks = 0, subscriptions = 0;
  };
  [[nodiscard]] MemoryUse memoryUse() const;

 private:
  struct Track;
  struct Out;
  using Key = std::pair<const WebRtcTransport*, uint32_t>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return std::hash<const void*>()(k.first) ^ (std::size_t{k.second} * 0x9E3779B97F4A7C15ull);
    }
  };

  void forward(Out& out, std::span<const uint8_t> packet, const RtpPacket& parsed, Clock::time_point now);
  void rewrite(const Out& out, std::span<const uint8_t> packet, const RtpPacket& parsed, uint8_t payloadType,
               SeqRewriter::Mapping mapped);
  void retransmit(Track& track, Out& out, uint16_t seq, Clock::time_point now);
  bool restoreRtx(Track& track, std::span<uint8_t> buffer, std::size_t& length);
  void onFeedback(WebRtcTransport& from, const RtcpPacket& p, Clock::time_point now);
  void requestKeyframe(Track& track, std::optional<KeyframeRequest> request);
  void relaySenderReport(Track& track, const RtcpSenderReport& sr);
  void sendRtcp(WebRtcTransport& to, std::vector<uint8_t> packet);
  void dropOut(Track& track, Out& out);

  Random& random_;
  uint32_t rtcpSsrc_;  // the server's sender SSRC in the feedback it writes
  std::map<std::string, std::unique_ptr<Track>> tracks_;
  std::unordered_map<Key, Track*, KeyHash> incoming_;                   // (publisher, media or RTX SSRC)
  std::unordered_map<Key, std::pair<Track*, Out*>, KeyHash> outgoing_;  // (subscriber, its media SSRC)
  // Transport-wide congestion control feedback, per publisher transport with a track that negotiated it.
  struct PublisherFeedback {
    uint8_t extensionId = 0;  // the publisher's id for the transport-wide sequence number
    uint32_t mediaSsrc = 0;   // one of its tracks, named as the feedback's media source
    std::size_t tracks = 0;   // its tracks that negotiated transport-cc
    TwccRecorder recorder;
  };
  std::unordered_map<WebRtcTransport*, PublisherFeedback> feedback_;
  std::vector<uint8_t> scratch_;  // one outgoing packet, with room for SRTP
  RouterCounters counters_;
};

}  // namespace roomgate::media
