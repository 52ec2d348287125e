#pragma once
// RTP (RFC 3550) header parsing with RFC 8285 header extensions, in-place rewrites for forwarding, and
// the RFC 7983 / RFC 5761 demultiplexing of what arrives on the one UDP port. Pure functions over
// bytes; nothing here throws on bad input or keeps state. Any thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/Error.hpp"

namespace roomgate::media {

// RFC 7983 section 7, with RFC 5761 section 4 to tell RTCP from RTP.
enum class PacketKind { Stun, Dtls, Rtp, Rtcp, Unknown };
// By the first byte: 0..3 STUN, 20..63 DTLS, 128..191 RTP or RTCP (RTCP when the second byte, the RTCP
// packet type, is 192..223). Looks at two bytes at most: the parsers validate the rest.
[[nodiscard]] PacketKind classify(std::span<const uint8_t> packet);
// classify(packet) == PacketKind::Rtcp and at least an RTCP header's 4 bytes.
[[nodiscard]] bool isRtcp(std::span<const uint8_t> packet);

inline constexpr uint8_t kRtpVersion = 2;
inline constexpr size_t kRtpHeaderSize = 12;                     // without CSRCs and extension
inline constexpr size_t kRtpMaxCsrcs = 15;                       // the 4-bit CC field
inline constexpr uint16_t kRtpOneByteExtensionProfile = 0xBEDE;  // RFC 8285 section 4.2
inline constexpr uint16_t kRtpTwoByteExtensionProfile = 0x1000;  // RFC 8285 section 4.3: 0x100 + 4 app bits
inline constexpr uint16_t kRtpTwoByteExtensionProfileMask = 0xFFF0;
inline constexpr uint8_t kRtpOneByteMaxId = 14;  // 15 is reserved
// Elements recorded per packet. Chromium sends under ten; a packet with more is rejected rather than
// forwarded with extensions we cannot see.
inline constexpr size_t kRtpMaxExtensionElements = 16;

// One RFC 8285 element: its value is `size` bytes at `offset` from the start of the packet.
struct RtpExtensionElement {
  uint8_t id = 0;
  uint32_t offset = 0;
  uint16_t size = 0;
};

// The parsed header of one RTP packet. Offsets refer to the packet it was parsed from.
struct RtpPacket {
  bool padding = false;
  bool extension = false;
  bool marker = false;
  uint8_t payloadType = 0;  // 7 bits
  uint16_t sequenceNumber = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  uint8_t csrcCount = 0;
  std::array<uint32_t, kRtpMaxCsrcs> csrcs{};  // the first csrcCount are set

  // Header extension (when `extension`): profile ("defined by profile" field), and its data after the
  // 4-byte extension header. Elements are listed for the one-byte and two-byte profiles only.
  uint16_t extensionProfile = 0;
  size_t extensionOffset = 0;
  size_t extensionSize = 0;
  std::array<RtpExtensionElement, kRtpMaxExtensionElements> elements{};
  size_t elementCount = 0;

  size_t payloadOffset = 0;  // == header size, CSRCs and extension included
  size_t payloadSize = 0;    // padding excluded
  size_t paddingSize = 0;    // the padding count byte included

  [[nodiscard]] std::span<const RtpExtensionElement> extensionElements() const {
    return std::span(elements).first(elementCount);
  }
  // The first element with `id`, or nullopt.
  [[nodiscard]] std::optional<RtpExtensionElement> findExtension(uint8_t id) const;
};

// Validates version 2, the CSRC list, the extension block (each element inside it) and the padding
// (count >= 1 and no larger than what follows the header). Error code "rtp_malformed" (status 400).
[[nodiscard]] Result<RtpPacket> parseRtp(std::span<const uint8_t> packet);

// The value of the extension element `id` of `packet` (which `parsed` describes), or nullopt if absent.
[[nodiscard]] std::optional<std::span<const uint8_t>> readExtension(std::span<const uint8_t> packet,
                                                                    const RtpPacket& parsed, uint8_t id);
// Overwrites the value of element `id` in place. False (and nothing written) if it is absent, if its
// size differs from value.size(), or if `packet` is not the one `parsed` came from.
[[nodiscard]] bool rewriteExtension(std::span<uint8_t> packet, const RtpPacket& parsed, uint8_t id,
                                    std::span<const uint8_t> value);

// In-place header rewrites for forwarding. `packet` must have passed parseRtp (CHECKed: at least 12
// bytes). setPayloadType keeps the marker bit; payloadType is 7 bits (CHECKed).
void setSsrc(std::span<uint8_t> packet, uint32_t ssrc);
void setSequenceNumber(std::span<uint8_t> packet, uint16_t sequenceNumber);
void setTimestamp(std::span<uint8_t> packet, uint32_t timestamp);
void setPayloadType(std::span<uint8_t> packet, uint8_t payloadType);
void setMarker(std::span<uint8_t> packet, bool marker);

}  // namespace roomgate::media
