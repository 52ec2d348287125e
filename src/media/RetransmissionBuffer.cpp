#include "media/RetransmissionBuffer.hpp"

#include <algorithm>
#include <cstring>

#include "common/Check.hpp"
#include "media/Bytes.hpp"

namespace roomgate::media {

namespace {
constexpr uint8_t kPaddingBit = 0x20;  // first header byte: V(2) P(1) X(1) CC(4)
// Slots are indexed by seq % their count: consecutive across the 16-bit wrap only if it divides 65536.
static_assert(65536 % kRetransmissionPackets == 0);
static_assert(65536 % kResendThrottleSlots == 0);
}  // namespace

RetransmissionBuffer::RetransmissionBuffer() : slots_(kRetransmissionPackets) {}

bool RetransmissionBuffer::store(std::span<const uint8_t> packet, Clock::time_point now) {
  if (packet.size() > kMaxRetransmitPacketSize) return false;
  const auto parsed = parseRtp(packet);
  if (!parsed.ok()) return false;
  Slot& slot = slots_[parsed->sequenceNumber % kRetransmissionPackets];
  slot.used = true;
  slot.seq = parsed->sequenceNumber;
  slot.size = static_cast<uint16_t>(packet.size());
  slot.ssrc = parsed->ssrc;
  slot.storedAt = now;
  std::copy(packet.begin(), packet.end(), slot.bytes.begin());
  return true;
}

std::optional<RetransmissionBuffer::Held> RetransmissionBuffer::find(uint32_t ssrc, uint16_t seq,
                                                                     Clock::time_point now) const {
  const Slot& slot = slots_[seq % kRetransmissionPackets];
  if (!slot.used || slot.seq != seq || slot.ssrc != ssrc || now - slot.storedAt > kMaxRetransmissionAge)
    return std::nullopt;
  const auto packet = std::span<const uint8_t>(slot.bytes).first(slot.size);
  auto parsed = parseRtp(packet);
  if (!parsed.ok()) return std::nullopt;  // parsed when stored: not reached
  return Held{packet, *parsed, slot.storedAt};
}

std::size_t RetransmissionBuffer::memoryBytes() const {
  return sizeof(*this) + slots_.capacity() * sizeof(Slot);
}

bool ResendThrottle::allow(uint16_t seq, Clock::time_point storedAt, Clock::time_point now) {
  Resend& last = resends_[seq % kResendThrottleSlots];
  if (last.used && last.seq == seq && last.at >= storedAt &&
      now - last.at < std::max(rtt_, kMinResendInterval)) {
    ++throttled_;
    return false;
  }
  last = {true, seq, now};
  return true;
}

// RFC 4588 section 4:
//  |V=2|P|X|  CC   |M|     PT      |       sequence number         |   PT, seq: RTX's
//  |                         timestamp                             |   the original's
//  |           synchronization source (SSRC) identifier            |   RTX's
//  |            contributing source (CSRC) identifiers / extension |   the original's
//  |            OSN                |                               |
//  |                  Original RTP Packet Payload                  |
std::size_t toRtx(std::span<uint8_t> buffer, std::size_t size, const RtpPacket& parsed,
                  const RtxParameters& rtx, uint16_t rtxSeq) {
  CHECK(rtx.payloadType <= 0x7F);
  CHECK(size + kRtxHeaderSize <= buffer.size() && parsed.payloadOffset + parsed.payloadSize <= size);
  const uint16_t osn = readU16(buffer, 2);
  std::memmove(buffer.data() + parsed.payloadOffset + kRtxHeaderSize, buffer.data() + parsed.payloadOffset,
               parsed.payloadSize);
  writeU16(buffer, parsed.payloadOffset, osn);
  buffer[0] = static_cast<uint8_t>(buffer[0] & ~kPaddingBit);
  setPayloadType(buffer, rtx.payloadType);
  setSequenceNumber(buffer, rtxSeq);
  setSsrc(buffer, rtx.ssrc);
  return parsed.payloadOffset + kRtxHeaderSize + parsed.payloadSize;
}

}  // namespace roomgate::media
