#include "media/RetransmissionBuffer.hpp"

#include <algorithm>
#include <cstring>

#include "common/Check.hpp"
#include "media/Bytes.hpp"
#include "media/Rtp.hpp"

namespace roomgate::media {

namespace {
constexpr uint8_t kPaddingBit = 0x20;  // first header byte: V(2) P(1) X(1) CC(4)
// Slots are indexed by seq % kRetransmissionPackets: consecutive across the 16-bit wrap only if it
// divides 65536.
static_assert(65536 % kRetransmissionPackets == 0);
}  // namespace

RetransmissionBuffer::RetransmissionBuffer(std::optional<RtxParameters> rtx)
    : rtx_(rtx), slots_(kRetransmissionPackets) {
  if (rtx_) {
    CHECK(rtx_->payloadType <= 0x7F);
    rtxSeq_ = rtx_->firstSeq;
  }
}

bool RetransmissionBuffer::store(std::span<const uint8_t> packet, Clock::time_point now) {
  if (packet.size() > kMaxRetransmitPacketSize) return false;
  const auto parsed = parseRtp(packet);
  if (!parsed.ok()) return false;
  Slot& slot = slots_[parsed->sequenceNumber % kRetransmissionPackets];
  slot.used = true;
  slot.seq = parsed->sequenceNumber;
  slot.size = static_cast<uint16_t>(packet.size());
  slot.payloadOffset = static_cast<uint16_t>(parsed->payloadOffset);
  slot.payloadSize = static_cast<uint16_t>(parsed->payloadSize);
  slot.sentAt = now;
  slot.resentAt.reset();
  std::copy(packet.begin(), packet.end(), slot.bytes.begin());
  return true;
}

std::optional<std::span<const uint8_t>> RetransmissionBuffer::retransmit(uint16_t seq,
                                                                         Clock::time_point now) {
  Slot& slot = slots_[seq % kRetransmissionPackets];
  if (!slot.used || slot.seq != seq || now - slot.sentAt > kMaxRetransmissionAge) {
    ++missing_;
    return std::nullopt;
  }
  if (slot.resentAt && now - *slot.resentAt < std::max(rtt_, kMinResendInterval)) {
    ++throttled_;
    return std::nullopt;
  }
  slot.resentAt = now;
  ++retransmitted_;
  if (!rtx_) return std::span<const uint8_t>(slot.bytes).first(slot.size);
  return buildRtx(slot);
}

// RFC 4588 section 4:
//  |V=2|P|X|  CC   |M|     PT      |       sequence number         |   PT, seq: RTX's
//  |                         timestamp                             |   the original's
//  |           synchronization source (SSRC) identifier            |   RTX's
//  |            contributing source (CSRC) identifiers / extension |   the original's
//  |            OSN                |                               |
//  |                  Original RTP Packet Payload                  |
std::span<const uint8_t> RetransmissionBuffer::buildRtx(const Slot& slot) {
  const std::span<uint8_t> out(rtxPacket_);
  std::memcpy(out.data(), slot.bytes.data(), slot.payloadOffset);
  out[0] = static_cast<uint8_t>(out[0] & ~kPaddingBit);
  setPayloadType(out, rtx_->payloadType);
  setSequenceNumber(out, rtxSeq_++);
  setSsrc(out, rtx_->ssrc);
  writeU16(out, slot.payloadOffset, slot.seq);
  std::memcpy(out.data() + slot.payloadOffset + kRtxHeaderSize, slot.bytes.data() + slot.payloadOffset,
              slot.payloadSize);
  return out.first(size_t{slot.payloadOffset} + kRtxHeaderSize + slot.payloadSize);
}

}  // namespace roomgate::media
