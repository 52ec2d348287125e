#pragma once
// RTCP (RFC 3550, RFC 4585 feedback, RFC 5104 FIR, REMB of draft-alvestrand-rmcat-remb): a reader of
// compound packets that validates each sub-packet's length, parsers of the kinds an SFU acts on, and
// builders of what it sends. Pure functions over bytes; nothing here throws on bad input. Any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/Error.hpp"

namespace roomgate::media {

inline constexpr size_t kRtcpHeaderSize = 4;
inline constexpr size_t kRtcpMaxReportBlocks = 31;  // the 5-bit RC field
inline constexpr size_t kRtcpMaxRembSsrcs = 255;    // REMB's 8-bit "Num SSRC"

namespace rtcp_type {
inline constexpr uint8_t kSenderReport = 200;
inline constexpr uint8_t kReceiverReport = 201;
inline constexpr uint8_t kSdes = 202;
inline constexpr uint8_t kBye = 203;
inline constexpr uint8_t kApp = 204;
inline constexpr uint8_t kRtpFeedback = 205;      // RTPFB, RFC 4585
inline constexpr uint8_t kPayloadFeedback = 206;  // PSFB, RFC 4585
}  // namespace rtcp_type

namespace rtcp_fmt {
inline constexpr uint8_t kNack = 1;          // RTPFB generic NACK
inline constexpr uint8_t kTransportCc = 15;  // RTPFB transport-wide congestion control
inline constexpr uint8_t kPli = 1;           // PSFB picture loss indication
inline constexpr uint8_t kFir = 4;           // PSFB full intra request (RFC 5104)
inline constexpr uint8_t kAfb = 15;          // PSFB application layer feedback (REMB)
}  // namespace rtcp_fmt

// One sub-packet of a compound packet. The spans view the caller's buffer: valid while it lives.
struct RtcpPacket {
  uint8_t count = 0;  // RC/SC for SR, RR, SDES, BYE; FMT for feedback
  uint8_t type = 0;
  std::span<const uint8_t> bytes;  // the whole sub-packet, header and padding included
  std::span<const uint8_t> body;   // after the 4-byte header, padding excluded
};

// Walks a compound packet. Each sub-packet must be version 2, with a length that stays inside the
// compound and a valid padding count. Usage:
//   RtcpCompoundReader reader(bytes);
//   while (auto p = reader.next()) { ... }
//   if (reader.malformed()) { drop the rest }
class RtcpCompoundReader {
 public:
  explicit RtcpCompoundReader(std::span<const uint8_t> compound)
      : rest_(compound), malformed_(compound.empty()) {}
  // The next sub-packet; nullopt at the end or at the first malformed one (then malformed() is true).
  [[nodiscard]] std::optional<RtcpPacket> next();
  // True if the compound was empty or a sub-packet was malformed.
  [[nodiscard]] bool malformed() const { return malformed_; }

 private:
  std::span<const uint8_t> rest_;
  bool malformed_;
};

// All sub-packets, or "rtcp_malformed" if the compound is empty or any sub-packet is malformed.
[[nodiscard]] Result<std::vector<RtcpPacket>> splitRtcpCompound(std::span<const uint8_t> compound);

// RFC 3550 section 6.4.1.
struct RtcpReportBlock {
  uint32_t ssrc = 0;
  uint8_t fractionLost = 0;       // fixed point, /256
  int32_t cumulativeLost = 0;     // 24-bit signed on the wire; builders clamp
  uint32_t highestSequence = 0;   // extended highest sequence number received
  uint32_t jitter = 0;            // RTP timestamp units
  uint32_t lastSr = 0;            // middle 32 bits of the last SR's NTP timestamp
  uint32_t delaySinceLastSr = 0;  // units of 1/65536 s
  bool operator==(const RtcpReportBlock&) const = default;
};

struct RtcpSenderReport {
  uint32_t senderSsrc = 0;
  uint64_t ntpTimestamp = 0;
  uint32_t rtpTimestamp = 0;
  uint32_t packetCount = 0;
  uint32_t octetCount = 0;
  std::vector<RtcpReportBlock> reports;
};

struct RtcpReceiverReport {
  uint32_t senderSsrc = 0;
  std::vector<RtcpReportBlock> reports;
};

struct RtcpBye {
  std::vector<uint32_t> ssrcs;
  std::string reason;  // empty if none
};

// Common header of RFC 4585 feedback messages.
struct RtcpFeedbackHeader {
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
};

struct RtcpNack {
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
  std::vector<uint16_t> lost;  // every PID and the BLP bits, expanded, in packet order
};

// transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions) is passed on, not interpreted.
struct RtcpTransportCc {
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
  std::span<const uint8_t> feedback;  // the FCI, viewing the caller's buffer
};

struct RtcpFirEntry {
  uint32_t ssrc = 0;
  uint8_t sequence = 0;
  bool operator==(const RtcpFirEntry&) const = default;
};

struct RtcpFir {
  uint32_t senderSsrc = 0;
  std::vector<RtcpFirEntry> entries;
};

struct RtcpRemb {
  uint32_t senderSsrc = 0;
  uint64_t bitrateBps = 0;  // mantissa << exponent
  std::vector<uint32_t> ssrcs;
};

// Each parser takes a sub-packet from the reader and fails with "rtcp_malformed" if it is of another
// type/FMT or its body is too short for what its header announces.
[[nodiscard]] Result<RtcpSenderReport> parseSenderReport(const RtcpPacket& packet);
[[nodiscard]] Result<RtcpReceiverReport> parseReceiverReport(const RtcpPacket& packet);
[[nodiscard]] Result<RtcpBye> parseBye(const RtcpPacket& packet);
// Any RTPFB or PSFB message.
[[nodiscard]] Result<RtcpFeedbackHeader> parseFeedbackHeader(const RtcpPacket& packet);
[[nodiscard]] Result<RtcpNack> parseNack(const RtcpPacket& packet);
[[nodiscard]] Result<RtcpTransportCc> parseTransportCc(const RtcpPacket& packet);
[[nodiscard]] Result<RtcpFeedbackHeader> parsePli(const RtcpPacket& packet);
[[nodiscard]] Result<RtcpFir> parseFir(const RtcpPacket& packet);
// PSFB FMT 15 whose FCI starts with "REMB"; a bitrate that overflows 64 bits is malformed.
[[nodiscard]] Result<RtcpRemb> parseRemb(const RtcpPacket& packet);

// Builders: each returns one sub-packet; concatenate them for a compound packet. Report blocks beyond
// kRtcpMaxReportBlocks, REMB SSRCs beyond kRtcpMaxRembSsrcs and packets over RTCP's 16-bit length are
// programming errors (CHECK).
[[nodiscard]] std::vector<uint8_t> buildSenderReport(const RtcpSenderReport& report);
[[nodiscard]] std::vector<uint8_t> buildReceiverReport(uint32_t senderSsrc,
                                                       std::span<const RtcpReportBlock> reports);
// Packs `lost` into PID/BLP pairs: a sequence number within 16 after the current PID joins its BLP,
// any other starts a new pair. Ascending (wrapping) input round-trips exactly through parseNack.
[[nodiscard]] std::vector<uint8_t> buildNack(uint32_t senderSsrc, uint32_t mediaSsrc,
                                             std::span<const uint16_t> lost);
[[nodiscard]] std::vector<uint8_t> buildPli(uint32_t senderSsrc, uint32_t mediaSsrc);
[[nodiscard]] std::vector<uint8_t> buildFir(uint32_t senderSsrc, std::span<const RtcpFirEntry> entries);
// The bitrate is rounded down to 18 significant bits (mantissa) as the wire format requires.
[[nodiscard]] std::vector<uint8_t> buildRemb(uint32_t senderSsrc, uint64_t bitrateBps,
                                             std::span<const uint32_t> ssrcs);

}  // namespace roomgate::media
