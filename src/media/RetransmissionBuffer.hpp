#pragma once
// Retransmissions (RFC 4585 6.2.1 NACK, RFC 4588 RTX), in three parts so that the packets are kept once
// per publisher track and only a small record is kept per subscriber:
//  - RetransmissionBuffer: the last packets of one publisher track as received (after RTX restoration, in
//    the publisher's numbering). Slots are preallocated at construction (kRetransmissionPackets of
//    kMaxRetransmitPacketSize bytes, ~770 KB); storing and looking up allocate nothing. A packet is found
//    if it is held (not overwritten by one kRetransmissionPackets seqs later) and at most
//    kMaxRetransmissionAge old.
//  - ResendThrottle: per outgoing stream, the same seq is resent at most once per max(RTT,
//    kMinResendInterval), unless the packet was stored again (a restored packet) since.
//  - toRtx: turns a packet as sent to a subscriber into its RFC 4588 retransmission packet, in place.
// Pure: no I/O, time passed in. Thread: the media thread.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "media/Rtp.hpp"

namespace roomgate::media {

// ~1 s of 5 Mbit/s video in 1200-byte packets (~520 pps): covers kMaxRetransmissionAge at our rates.
inline constexpr size_t kRetransmissionPackets = 512;
// A resend later than this reaches the receiver after its jitter buffer has given the frame up.
inline constexpr std::chrono::milliseconds kMaxRetransmissionAge{1000};
// The same seq is resent at most once per max(RTT, this): a NACK repeated sooner is the receiver asking
// again before our resend could have reached it. 50 ms is a metro RTT: a floor while no RTT is known.
inline constexpr std::chrono::milliseconds kMinResendInterval{50};
// Ethernet's MTU: no RTP packet we send is larger; a larger one is not kept.
inline constexpr size_t kMaxRetransmitPacketSize = 1500;
inline constexpr size_t kRtxHeaderSize = 2;  // RFC 4588 4: the original sequence number (OSN)
// Resends remembered per outgoing stream for the throttle, by seq % this: a NACK list longer than this
// within one resend interval may get a seq resent once more than the throttle allows, never less.
inline constexpr size_t kResendThrottleSlots = 128;

// RTX as negotiated for an outgoing stream (a=rtpmap:<pt> rtx/..., a=ssrc-group:FID).
struct RtxParameters {
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;  // 7 bits (CHECKed by toRtx)
};

class RetransmissionBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  RetransmissionBuffer();

  // Keeps a copy of `packet`, an RTP packet received at `now`. False (nothing kept) if it does not parse
  // as RTP or is larger than kMaxRetransmitPacketSize. A packet of the same seq replaces the one held.
  bool store(std::span<const uint8_t> packet, Clock::time_point now);

  struct Held {
    std::span<const uint8_t> packet;  // into this buffer, valid until the next store()
    RtpPacket parsed;                 // of `packet`
    Clock::time_point storedAt;
  };
  // The packet of `ssrc` and `seq` if held and not older than kMaxRetransmissionAge at `now`.
  [[nodiscard]] std::optional<Held> find(uint32_t ssrc, uint16_t seq, Clock::time_point now) const;

  // Bytes held: this object and its preallocated slots.
  [[nodiscard]] std::size_t memoryBytes() const;

 private:
  struct Slot {
    bool used = false;
    uint16_t seq = 0;
    uint16_t size = 0;
    uint32_t ssrc = 0;
    Clock::time_point storedAt{};
    std::array<uint8_t, kMaxRetransmitPacketSize> bytes{};
  };

  std::vector<Slot> slots_;  // kRetransmissionPackets, indexed by seq % kRetransmissionPackets
};

class ResendThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // True (and remembered) if `seq`, of a packet stored at `storedAt`, may be resent at `now`: it was not
  // resent within the resend interval after it was stored.
  bool allow(uint16_t seq, Clock::time_point storedAt, Clock::time_point now);

  // The round-trip time to the subscriber, from its receiver reports; raises the resend interval.
  void setRtt(std::chrono::milliseconds rtt) { rtt_ = rtt; }
  [[nodiscard]] uint64_t throttled() const { return throttled_; }

 private:
  struct Resend {
    bool used = false;
    uint16_t seq = 0;
    Clock::time_point at{};
  };

  std::chrono::milliseconds rtt_{0};
  std::array<Resend, kResendThrottleSlots> resends_{};  // by seq % kResendThrottleSlots
  uint64_t throttled_ = 0;
};

// Rewrites the RTP packet `parsed`, the first `size` bytes of `buffer`, in place into its RFC 4588
// retransmission packet on the stream `rtx` with sequence number `rtxSeq` (the RTX stream counts its own,
// from a random start: RFC 3550 5.1); returns its size. `buffer` has
// room for at least size + kRtxHeaderSize bytes (CHECKed). PT, seq and SSRC of RTX; the original
// timestamp, marker, CSRCs and header extensions; payload = OSN + the original payload; padding dropped.
std::size_t toRtx(std::span<uint8_t> buffer, std::size_t size, const RtpPacket& parsed,
                  const RtxParameters& rtx, uint16_t rtxSeq);

}  // namespace roomgate::media
