#pragma once
// SeqRewriter: the sequence numbers and timestamps of one outgoing stream (one subscriber's copy of a
// publisher's track). It maps each forwarded packet's incoming (SSRC, seq, timestamp) to the outgoing
// (seq, timestamp) so that the subscriber sees one continuous stream under its fixed outgoing SSRC:
//  - within one source run ("segment"), out = in + offset, so in-order packets get consecutive out seqs,
//    gaps stay gaps (the subscriber NACKs them), and a reordered, late or duplicate packet gets the same
//    out seq as it would have in order, as long as it is less than kWindow behind the newest;
//  - a new incoming SSRC, a forward seq jump over kMaxSeqJump, two consecutive packets more than
//    kWindow behind, or a timestamp that strays more than kMaxTimestampSkew from the wall clock starts a
//    new segment: out seq = last out + 1, out timestamp = last out timestamp + the wall time since the
//    last out packet in clock ticks (at least 1), so decoders and jitter buffers see no break;
//  - late packets of the SSRC switched away from (not newer than its newest), and packets before the first
//  packet of the current segment, are
//    dropped (map returns nullopt): their out seqs would collide with ones already used.
// The reverse map (out seq -> incoming SSRC and seq, and the out timestamp it was given) covers the last
// kWindow out seqs: a NACKed out seq is answered from the publisher track's RetransmissionBuffer with it.
// Pure: no I/O, time passed in. Thread: the media thread.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace roomgate::media {

class SeqRewriter {
 public:
  using Clock = std::chrono::steady_clock;
  // Reorder and reverse-map window: as many packets as RetransmissionBuffer holds; a NACK for an older
  // out seq could not be answered anyway.
  static constexpr size_t kWindow = 512;
  // A forward gap up to this is loss to repair (libwebrtc's receiver NACKs up to 1000 missing packets);
  // a larger one is a new source run.
  static constexpr int32_t kMaxSeqJump = 1000;
  // A timestamp further than this from where wall time puts it is a new source run, not jitter.
  static constexpr std::chrono::seconds kMaxTimestampSkew{5};

  struct Mapping {
    uint16_t seq = 0;
    uint32_t timestamp = 0;
    bool operator==(const Mapping&) const = default;
  };
  struct Source {
    uint32_t ssrc = 0;
    uint16_t seq = 0;
    bool operator==(const Source&) const = default;
  };
  // What an out seq was mapped from, and the out timestamp it was given.
  struct Origin {
    Source source;
    uint32_t outTimestamp = 0;
    bool operator==(const Origin&) const = default;
  };

  // `clockRate` in Hz (90000 video, 48000 Opus), > 0 (CHECKed); the first packet maps to
  // (firstSeq, firstTimestamp), which the owner picks at random (RFC 3550 5.1).
  SeqRewriter(uint32_t outSsrc, uint32_t clockRate, uint16_t firstSeq, uint32_t firstTimestamp);

  // The outgoing seq and timestamp of a packet received at `now`, or nullopt to drop it.
  [[nodiscard]] std::optional<Mapping> map(uint32_t ssrc, uint16_t seq, uint32_t timestamp,
                                           Clock::time_point now);
  // The incoming packet that out seq `outSeq` was mapped from, if it was among the last kWindow out seqs.
  [[nodiscard]] std::optional<Source> source(uint16_t outSeq) const;
  // The same, with the out timestamp: what a retransmission of `outSeq` carries.
  [[nodiscard]] std::optional<Origin> origin(uint16_t outSeq) const;

  // The outgoing RTP timestamp for `timestamp` of the current segment's SSRC (a sender report's RTP time,
  // relayed to the subscriber); nullopt before the first packet or for another SSRC.
  [[nodiscard]] std::optional<uint32_t> outTimestamp(uint32_t ssrc, uint32_t timestamp) const {
    if (!started_ || ssrc != ssrc_) return std::nullopt;
    return timestamp + timestampOffset_;
  }
  [[nodiscard]] uint32_t outSsrc() const { return outSsrc_; }
  [[nodiscard]] uint64_t restarts() const { return restarts_; }  // segments begun after the first
  [[nodiscard]] uint64_t dropped() const { return dropped_; }

 private:
  void startSegment(uint32_t ssrc, uint16_t seq, uint32_t timestamp, Clock::time_point now);
  [[nodiscard]] bool timestampStrays(uint32_t timestamp, Clock::time_point now) const;
  Mapping record(uint32_t ssrc, uint16_t seq, int64_t inExt, uint32_t timestamp);

  struct ReverseEntry {
    bool valid = false;
    uint16_t outSeq = 0;
    Origin origin;
  };

  uint32_t outSsrc_;
  uint32_t clockRate_;
  bool started_ = false;
  uint32_t ssrc_ = 0;             // incoming SSRC of the current segment
  int64_t firstInExt_ = 0;        // extended incoming seq of the segment's first packet
  int64_t highestInExt_ = 0;      // extended incoming seq of the newest packet
  int64_t seqOffset_ = 0;         // out ext = in ext + seqOffset_
  uint32_t timestampOffset_ = 0;  // out timestamp = in timestamp + timestampOffset_ (mod 2^32)
  uint32_t highestInTimestamp_ = 0;
  Clock::time_point highestAt_{};  // when the newest packet was mapped
  int64_t highestOutExt_ = 0;
  std::optional<Source> previous_;  // the SSRC switched away from, and its newest seq
  std::optional<uint16_t> stray_;   // the last packet seen more than kWindow behind, for the restart rule
  std::array<ReverseEntry, kWindow> reverse_{};
  uint64_t restarts_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace roomgate::media
