#include "media/Rtp.hpp"

#include <algorithm>

#include "common/Check.hpp"
#include "media/Bytes.hpp"
#include "media/Rtcp.hpp"

namespace roomgate::media {

namespace {

constexpr size_t kCsrcSize = 4;
constexpr size_t kExtensionHeaderSize = 4;  // profile, length in 32-bit words
constexpr size_t kWordSize = 4;
constexpr uint8_t kOneByteReservedId = 15;  // RFC 8285 section 4.2: stop processing the block

Error malformed(std::string_view why) {
  return Error::badRequest("rtp_malformed", std::string(why));
}

uint8_t versionOf(uint8_t firstByte) {
  return firstByte >> 6;
}

// RFC 8285 sections 4.2 and 4.3. Returns an empty view if the block is fine, else why not.
//  One-byte:  0xBE 0xDE length | ID(4) L(4) data (L+1 bytes) ... | 0 padding bytes
//  Two-byte:  0x100 appbits length | ID(8) L(8) data (L bytes) ... | 0 padding bytes
std::string_view readElements(std::span<const uint8_t> packet, RtpPacket& p) {
  const bool oneByte = p.extensionProfile == kRtpOneByteExtensionProfile;
  const bool twoByte = (p.extensionProfile & kRtpTwoByteExtensionProfileMask) == kRtpTwoByteExtensionProfile;
  if (!oneByte && !twoByte) return {};  // another profile's extension: opaque
  size_t pos = p.extensionOffset;
  const size_t end = p.extensionOffset + p.extensionSize;
  while (pos < end) {
    const uint8_t first = packet[pos];
    // ID 0 is a padding byte in both forms; in the one-byte form whatever its length bits say (as
    // libwebrtc reads it).
    if (first == 0 || (oneByte && (first >> 4) == 0)) {
      ++pos;
      continue;
    }
    uint8_t id = 0;
    size_t size = 0;
    if (oneByte) {
      id = first >> 4;
      if (id == kOneByteReservedId) break;
      size = (first & 0x0F) + 1u;
      pos += 1;
    } else {
      if (end - pos < 2) return "truncated two-byte extension element";
      id = first;
      size = packet[pos + 1];
      pos += 2;
    }
    if (size > end - pos) return "extension element overruns the extension block";
    if (p.elementCount == kRtpMaxExtensionElements) return "too many extension elements";
    p.elements[p.elementCount++] = {id, static_cast<uint32_t>(pos), static_cast<uint16_t>(size)};
    pos += size;
  }
  return {};
}

}  // namespace

PacketKind classify(std::span<const uint8_t> packet) {
  // RFC 7983 section 7 ranges of the first byte, RFC 5761 section 4 range of RTCP packet types.
  constexpr uint8_t kStunLast = 3, kDtlsFirst = 20, kDtlsLast = 63, kRtpFirst = 128, kRtpLast = 191;
  constexpr uint8_t kRtcpTypeFirst = 192, kRtcpTypeLast = 223;
  if (packet.empty()) return PacketKind::Unknown;
  const uint8_t b = packet[0];
  if (b <= kStunLast) return PacketKind::Stun;
  if (b >= kDtlsFirst && b <= kDtlsLast) return PacketKind::Dtls;
  if (b >= kRtpFirst && b <= kRtpLast && packet.size() >= 2) {
    return packet[1] >= kRtcpTypeFirst && packet[1] <= kRtcpTypeLast ? PacketKind::Rtcp : PacketKind::Rtp;
  }
  return PacketKind::Unknown;
}

bool isRtcp(std::span<const uint8_t> packet) {
  return packet.size() >= kRtcpHeaderSize && classify(packet) == PacketKind::Rtcp;
}

std::optional<RtpExtensionElement> RtpPacket::findExtension(uint8_t id) const {
  for (const auto& e : extensionElements()) {
    if (e.id == id) return e;
  }
  return std::nullopt;
}

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           timestamp                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           synchronization source (SSRC) identifier            |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |            contributing source (CSRC) identifiers             |
// |                             ....                              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      defined by profile       |           length              |  (if X)
// |                        header extension                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
Result<RtpPacket> parseRtp(std::span<const uint8_t> packet) {
  if (packet.size() < kRtpHeaderSize) return malformed("shorter than an RTP header");
  if (versionOf(packet[0]) != kRtpVersion) return malformed("RTP version is not 2");
  RtpPacket p;
  p.padding = (packet[0] & 0x20) != 0;
  p.extension = (packet[0] & 0x10) != 0;
  p.csrcCount = packet[0] & 0x0F;
  p.marker = (packet[1] & 0x80) != 0;
  p.payloadType = packet[1] & 0x7F;
  p.sequenceNumber = readU16(packet, 2);
  p.timestamp = readU32(packet, 4);
  p.ssrc = readU32(packet, 8);

  size_t pos = kRtpHeaderSize;
  if (packet.size() - pos < p.csrcCount * kCsrcSize) return malformed("CSRC list overruns the packet");
  for (size_t i = 0; i < p.csrcCount; ++i, pos += kCsrcSize) p.csrcs[i] = readU32(packet, pos);

  if (p.extension) {
    if (packet.size() - pos < kExtensionHeaderSize) return malformed("truncated extension header");
    p.extensionProfile = readU16(packet, pos);
    p.extensionSize = size_t{readU16(packet, pos + 2)} * kWordSize;
    pos += kExtensionHeaderSize;
    if (packet.size() - pos < p.extensionSize) return malformed("extension overruns the packet");
    p.extensionOffset = pos;
    pos += p.extensionSize;
    const auto why = readElements(packet, p);
    if (!why.empty()) return malformed(why);
  }

  p.payloadOffset = pos;
  const size_t rest = packet.size() - pos;
  if (p.padding) {
    if (rest == 0) return malformed("padding bit set with nothing after the header");
    p.paddingSize = packet.back();
    if (p.paddingSize == 0 || p.paddingSize > rest) return malformed("bad padding count");
  }
  p.payloadSize = rest - p.paddingSize;
  return p;
}

std::optional<std::span<const uint8_t>> readExtension(std::span<const uint8_t> packet,
                                                      const RtpPacket& parsed, uint8_t id) {
  const auto e = parsed.findExtension(id);
  if (!e || e->offset > packet.size() || packet.size() - e->offset < e->size) return std::nullopt;
  return packet.subspan(e->offset, e->size);
}

bool rewriteExtension(std::span<uint8_t> packet, const RtpPacket& parsed, uint8_t id,
                      std::span<const uint8_t> value) {
  const auto current = readExtension(packet, parsed, id);
  if (!current || current->size() != value.size()) return false;
  std::copy(value.begin(), value.end(),
            packet.begin() + static_cast<std::ptrdiff_t>(parsed.findExtension(id)->offset));
  return true;
}

void setSsrc(std::span<uint8_t> packet, uint32_t ssrc) {
  CHECK(packet.size() >= kRtpHeaderSize);
  writeU32(packet, 8, ssrc);
}

void setSequenceNumber(std::span<uint8_t> packet, uint16_t sequenceNumber) {
  CHECK(packet.size() >= kRtpHeaderSize);
  writeU16(packet, 2, sequenceNumber);
}

void setTimestamp(std::span<uint8_t> packet, uint32_t timestamp) {
  CHECK(packet.size() >= kRtpHeaderSize);
  writeU32(packet, 4, timestamp);
}

void setPayloadType(std::span<uint8_t> packet, uint8_t payloadType) {
  CHECK(packet.size() >= kRtpHeaderSize && payloadType <= 0x7F);
  packet[1] = static_cast<uint8_t>((packet[1] & 0x80) | payloadType);
}

void setMarker(std::span<uint8_t> packet, bool marker) {
  CHECK(packet.size() >= kRtpHeaderSize);
  packet[1] = static_cast<uint8_t>((packet[1] & 0x7F) | (marker ? 0x80 : 0));
}

}  // namespace roomgate::media
