#pragma once
// RetransmissionBuffer: the last packets sent on one outgoing stream, to answer the subscriber's NACKs
// (RFC 4585 6.2.1) either with the packet as it was sent or, when RTX was negotiated, as an RFC 4588
// retransmission packet. Slots are preallocated at construction (kRetransmissionPackets of
// kMaxRetransmitPacketSize bytes, ~770 KB); storing and answering allocate nothing.
// A packet is answered if it is held (not overwritten by one kRetransmissionPackets out seqs later),
// at most kMaxRetransmissionAge old, and not already retransmitted within max(RTT, kMinResendInterval).
// Pure: no I/O, time passed in. Thread: the media thread.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

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

// RTX as negotiated for the stream (a=rtpmap:<pt> rtx/..., a=ssrc-group:FID).
struct RtxParameters {
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;  // 7 bits (CHECKed)
  uint16_t firstSeq = 0;    // the RTX stream's own sequence numbers start here (random, RFC 3550 5.1)
};

class RetransmissionBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  // Without `rtx`, retransmissions are the packets as sent.
  explicit RetransmissionBuffer(std::optional<RtxParameters> rtx = std::nullopt);

  // Keeps a copy of `packet`, an RTP packet as sent (outgoing seq, plaintext) at `now`. False (nothing
  // kept) if it does not parse as RTP or is larger than kMaxRetransmitPacketSize.
  bool store(std::span<const uint8_t> packet, Clock::time_point now);

  // The packet to send for a NACKed `seq` at `now`, or nullopt if it is not held, too old, or was resent
  // less than the resend interval ago. The view is into this buffer, valid until the next call to
  // store() or retransmit(). With RTX: PT and SSRC of RTX, the next RTX seq, the original timestamp,
  // marker and header extensions, payload = OSN + original payload, padding dropped.
  [[nodiscard]] std::optional<std::span<const uint8_t>> retransmit(uint16_t seq, Clock::time_point now);

  // The round-trip time to the subscriber, from its receiver reports; raises the resend interval.
  void setRtt(std::chrono::milliseconds rtt) { rtt_ = rtt; }

  [[nodiscard]] uint64_t retransmitted() const { return retransmitted_; }
  [[nodiscard]] uint64_t missing() const { return missing_; }      // not held or too old
  [[nodiscard]] uint64_t throttled() const { return throttled_; }  // resent too recently

 private:
  struct Slot {
    bool used = false;
    uint16_t seq = 0;
    uint16_t size = 0;
    uint16_t payloadOffset = 0;
    uint16_t payloadSize = 0;
    Clock::time_point sentAt{};
    std::optional<Clock::time_point> resentAt;
    std::array<uint8_t, kMaxRetransmitPacketSize> bytes{};
  };

  std::span<const uint8_t> buildRtx(const Slot& slot);

  std::optional<RtxParameters> rtx_;
  uint16_t rtxSeq_ = 0;
  std::chrono::milliseconds rtt_{0};
  std::vector<Slot> slots_;  // kRetransmissionPackets, indexed by seq % kRetransmissionPackets
  std::array<uint8_t, kMaxRetransmitPacketSize + kRtxHeaderSize> rtxPacket_{};
  uint64_t retransmitted_ = 0;
  uint64_t missing_ = 0;
  uint64_t throttled_ = 0;
};

}  // namespace roomgate::media
