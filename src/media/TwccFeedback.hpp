#pragma once
// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01, RTPFB
// FMT 15: the "transport-cc" that Chromium's send-side bandwidth estimation reads).
//
// Three pure pieces. parseTwccFci expands the FCI of a feedback packet into one entry per sequence number
// it covers: received or not, and when received its arrival relative to the packet's reference time.
// buildTwccFeedback does the reverse for a run of consecutive transport-wide seqs: it picks the reference
// from the first arrival, the chunk kinds from the statuses, and stops early when a receive delta cannot
// be expressed in 16 bits or the packet would outgrow kTwccMaxPacketSize; it says how far it got so the
// caller starts the next packet there. TwccRecorder is the receiver's side of one transport: it unwraps
// the 16-bit seqs of what arrives, keeps a bounded window of arrivals that no feedback has reported yet,
// and turns that window into packets every kFeedbackInterval. Consecutive feedbacks cover adjacent,
// non-overlapping seq ranges. Nothing reads a clock (time is passed in), nothing throws on bad input, and
// malformed FCIs are reported as Errors. Thread: the caller's (the media thread).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "common/Error.hpp"

namespace roomgate::media {

// The draft's receive delta unit: a quarter of a millisecond.
inline constexpr int64_t kTwccDeltaUnitUs = 250;
// The draft's reference time unit: 64 ms (256 delta units, so a reference is always a whole delta).
inline constexpr int64_t kTwccReferenceUnitUs = 64'000;
// Largest packet buildTwccFeedback writes. With SRTCP's 14-byte trailer and IPv6 + UDP's 48 bytes of
// headers it stays under 1280, IPv6's minimum MTU, so a feedback is never fragmented (and there is room
// for a receiver report beside it in a compound).
inline constexpr size_t kTwccMaxPacketSize = 1200;
static_assert(kTwccMaxPacketSize % 4 == 0, "RTCP packets are whole 32-bit words");

// One sequence number of a parsed feedback.
struct TwccPacketStatus {
  uint16_t seq = 0;
  // Arrival in microseconds after the reference time (a whole number of kTwccDeltaUnitUs, negative if the
  // packet arrived before it); nullopt if the packet was reported not received.
  std::optional<int64_t> offsetUs;
  bool operator==(const TwccPacketStatus&) const = default;
};

// The FCI of one transport-cc packet: what follows the sender and media SSRCs.
struct TwccFeedback {
  uint16_t baseSeq = 0;
  // In units of kTwccReferenceUnitUs, sign-extended from 24 bits as the draft says. Only differences
  // between consecutive feedbacks mean anything (the receiver's clock has no known epoch, and the field
  // wraps every 2^24 * 64 ms, ~12.4 days).
  int32_t referenceTime = 0;
  uint8_t feedbackCount = 0;              // the "fb pkt. count": +1 (wrapping) per feedback packet sent
  std::vector<TwccPacketStatus> packets;  // one per "packet status count", seq = baseSeq + i (wrapping)

  [[nodiscard]] int64_t referenceTimeUs() const { return int64_t{referenceTime} * kTwccReferenceUnitUs; }
};

// Parses the FCI (the bytes after the 8-byte SSRC part; RtcpTransportCc::feedback from parseTransportCc).
// Fails with "rtcp_malformed" when: it is shorter than its 8 fixed bytes; the status count is 0 (libwebrtc
// refuses empty feedback too); the chunks or the receive deltas end early; a counted status is the
// reserved symbol 3; or 4 bytes or more follow the last delta (up to 3 are taken for the draft's zero
// padding to a word, as sent by writers that leave the P bit clear). A run-length chunk longer than what
// is left of the status count is cut to it, and symbols of the last vector chunk past the count are
// ignored, as libwebrtc does. Feedback without receive deltas (a libwebrtc variant outside the draft) is
// malformed here: this reader always reports arrival times.
[[nodiscard]] Result<TwccFeedback> parseTwccFci(std::span<const uint8_t> fci);

// One transport-wide seq to report: its arrival time in microseconds on the receiver's clock (any epoch,
// the same for all packets of a transport), or nullopt if it did not arrive.
struct TwccArrival {
  uint16_t seq = 0;
  std::optional<int64_t> arrivalUs;
  bool operator==(const TwccArrival&) const = default;
};

struct TwccBuilt {
  std::vector<uint8_t> packet;  // one complete RTCP packet (RTPFB, FMT 15), at most kTwccMaxPacketSize
  size_t taken = 0;             // how many of the arrivals, from the first, it reports: >= 1
};

// Writes one transport-cc packet reporting arrivals[0 .. taken). `arrivals` must be non-empty and its seqs
// consecutive (wrapping at 2^16): both are programming errors (CHECK; the seqs as far as it looks, which
// is little past what it takes). The reference time is the first
// arrival rounded down to 64 ms, and every arrival is rounded down to 250 us, so what a reader rebuilds
// (reference + offset) is the arrival rounded down, with no error carried from one delta to the next.
// The packet ends before `arrivals` does when a received packet's delta from the previous one does not fit
// 16 signed bits of 250 us (about +-8.2 s), when it would outgrow kTwccMaxPacketSize, or at 65535 seqs (the
// status count field); the caller then writes the rest, from arrivals[taken], into the next packet.
// If nothing in the taken range was received the reference time is 0.
[[nodiscard]] TwccBuilt buildTwccFeedback(uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t feedbackCount,
                                          std::span<const TwccArrival> arrivals);

// The receiving side of transport-cc for one transport: record every RTP packet's transport-wide seq as it
// arrives, and send feedback() whenever due() says so.
//
// A seq that arrives after a feedback has already covered it (reported it lost) is dropped, not reported
// again: each feedback covers the seqs after the previous one's last, so ranges never overlap and the
// sender sees every seq exactly once, in order. The cost is that a packet reordered by more than the
// feedback interval counts as lost; at 50 ms that is rare, and the sender's loss-based estimate does not
// react to a percent or two of loss.
class TwccRecorder {
 public:
  using Clock = std::chrono::steady_clock;
  // How often feedback goes out: libwebrtc's receivers send every 50 to 100 ms. The shorter end keeps
  // the sender's delay-based estimate fed with fresh arrivals, at ~20 small packets a second.
  static constexpr std::chrono::milliseconds kFeedbackInterval{50};
  // Unreported seqs kept, the newest up to the highest received: ~2 s of 20 Mbit/s in 1200-byte packets,
  // far more than one interval's worth. When feedback() is not called for longer (or the seq jumps ahead
  // by more) the oldest are dropped unreported; the sender stops waiting for them after its own timeout.
  static constexpr size_t kMaxPending = 4096;

  // An RTP packet with transport-wide seq `transportSeq` arrived at `arrival`. Duplicates (the first
  // arrival is kept) and seqs already covered by a feedback or dropped from the window are ignored.
  void onPacket(uint16_t transportSeq, Clock::time_point arrival);
  // True when something is unreported and kFeedbackInterval has passed since the last feedback (or none
  // was sent yet).
  [[nodiscard]] bool due(Clock::time_point now) const;
  // The packets that report everything unreported now: consecutive seqs from the oldest unreported to the
  // newest received, missing ones as not received. Usually one packet; more when buildTwccFeedback has to
  // split. Each takes the next feedback packet count. Empty (and nothing changes) if nothing is pending.
  [[nodiscard]] std::vector<std::vector<uint8_t>> feedback(Clock::time_point now, uint32_t senderSsrc,
                                                           uint32_t mediaSsrc);

  [[nodiscard]] size_t pendingCount() const { return window_.size(); }  // seqs the next feedback covers
  [[nodiscard]] uint8_t nextFeedbackCount() const { return feedbackCount_; }
  [[nodiscard]] uint64_t duplicates() const { return duplicates_; }
  [[nodiscard]] uint64_t late() const { return late_; }        // arrived after a feedback covered them
  [[nodiscard]] uint64_t dropped() const { return dropped_; }  // received, pushed out of the window

 private:
  bool started_ = false;
  int64_t highestExt_ = 0;  // extended seq of the newest packet received
  int64_t nextExt_ = 0;     // extended seq of window_.front(): the oldest unreported
  // Arrival (us) per seq from nextExt_ to highestExt_, nullopt while missing; empty when all is reported.
  std::deque<std::optional<int64_t>> window_;
  std::optional<Clock::time_point> lastFeedbackAt_;
  uint8_t feedbackCount_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t late_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace roomgate::media
