#include "media/Rtcp.hpp"

#include <algorithm>
#include <limits>

#include "common/Check.hpp"
#include "media/Bytes.hpp"

namespace roomgate::media {

namespace {

using namespace rtcp_type;
using namespace rtcp_fmt;

constexpr uint8_t kVersion = 2;
constexpr size_t kWordSize = 4;
constexpr size_t kSsrcSize = 4;
constexpr size_t kReportBlockSize = 24;
constexpr size_t kSenderInfoSize = 24;  // sender SSRC, NTP (8), RTP timestamp, packet and octet counts
constexpr size_t kFeedbackHeaderSize = 8;
constexpr size_t kNackItemSize = 4;  // PID, BLP
constexpr size_t kBlpBits = 16;
constexpr size_t kFirEntrySize = 8;               // SSRC, seq nr, 3 reserved bytes
constexpr size_t kRembFixedSize = 8;              // "REMB", num SSRC, exp + mantissa
constexpr uint32_t kRembIdentifier = 0x52454D42;  // "REMB"
constexpr unsigned kRembMantissaBits = 18;
constexpr uint32_t kRembMaxMantissa = (1u << kRembMantissaBits) - 1;
constexpr size_t kMaxPacketWords = 0xFFFF;  // the 16-bit length field
constexpr int32_t kMaxCumulativeLost = 0x7FFFFF;
constexpr int32_t kMinCumulativeLost = -0x800000;

Error malformed(std::string_view why) {
  return Error::badRequest("rtcp_malformed", std::string(why));
}

// Is `p` of `type` (and FMT `fmt` if given) with a body of at least `minBody` bytes? Empty if so.
std::string_view expect(const RtcpPacket& p, uint8_t type, std::optional<uint8_t> fmt, size_t minBody) {
  if (p.type != type || (fmt && p.count != *fmt)) return "wrong RTCP packet type";
  if (p.body.size() < minBody) return "RTCP packet shorter than its header announces";
  return {};
}

RtcpReportBlock readReportBlock(std::span<const uint8_t> b, size_t at) {
  RtcpReportBlock r;
  r.ssrc = readU32(b, at);
  r.fractionLost = b[at + 4];
  const uint32_t lost = readU24(b, at + 5);
  // 24-bit two's complement
  r.cumulativeLost = (lost & 0x800000) ? static_cast<int32_t>(lost) - 0x1000000 : static_cast<int32_t>(lost);
  r.highestSequence = readU32(b, at + 8);
  r.jitter = readU32(b, at + 12);
  r.lastSr = readU32(b, at + 16);
  r.delaySinceLastSr = readU32(b, at + 20);
  return r;
}

void appendReportBlock(std::vector<uint8_t>& out, const RtcpReportBlock& r) {
  appendU32(out, r.ssrc);
  appendU8(out, r.fractionLost);
  const int32_t lost = std::clamp(r.cumulativeLost, kMinCumulativeLost, kMaxCumulativeLost);
  appendU24(out, static_cast<uint32_t>(lost) & 0xFFFFFF);
  appendU32(out, r.highestSequence);
  appendU32(out, r.jitter);
  appendU32(out, r.lastSr);
  appendU32(out, r.delaySinceLastSr);
}

// Reads the RC report blocks that start at `at` of the body into `out`; false if they overrun it.
bool readReportBlocks(const RtcpPacket& p, size_t at, std::vector<RtcpReportBlock>& out) {
  if ((p.body.size() - at) / kReportBlockSize < p.count) return false;
  out.reserve(p.count);
  for (size_t i = 0; i < p.count; ++i) out.push_back(readReportBlock(p.body, at + i * kReportBlockSize));
  return true;
}

// Starts a sub-packet in `out`; returns where it starts, for finishPacket.
size_t startPacket(std::vector<uint8_t>& out, size_t countOrFmt, uint8_t type) {
  CHECK(countOrFmt <= 0x1F);
  const size_t start = out.size();
  appendU8(out, static_cast<uint8_t>((kVersion << 6) | countOrFmt));
  appendU8(out, type);
  appendU16(out, 0);
  return start;
}

// Writes the length field: the size in 32-bit words minus one.
void finishPacket(std::vector<uint8_t>& out, size_t start) {
  const size_t size = out.size() - start;
  CHECK(size % kWordSize == 0 && size / kWordSize - 1 <= kMaxPacketWords);
  writeU16(out, start + 2, static_cast<uint16_t>(size / kWordSize - 1));
}

std::vector<uint8_t> feedbackPacket(uint8_t fmt, uint8_t type, uint32_t senderSsrc, uint32_t mediaSsrc,
                                    std::span<const uint8_t> fci) {
  std::vector<uint8_t> out;
  const size_t start = startPacket(out, fmt, type);
  appendU32(out, senderSsrc);
  appendU32(out, mediaSsrc);
  appendBytes(out, fci);
  finishPacket(out, start);
  return out;
}

}  // namespace

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  RC/FMT |      PT       |   length (words - 1)          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
std::optional<RtcpPacket> RtcpCompoundReader::next() {
  if (malformed_ || rest_.empty()) return std::nullopt;
  if (rest_.size() < kRtcpHeaderSize || (rest_[0] >> 6) != kVersion) {
    malformed_ = true;
    return std::nullopt;
  }
  const size_t size = (size_t{readU16(rest_, 2)} + 1) * kWordSize;
  if (size > rest_.size()) {
    malformed_ = true;
    return std::nullopt;
  }
  RtcpPacket p;
  p.count = rest_[0] & 0x1F;
  p.type = rest_[1];
  p.bytes = rest_.first(size);
  size_t padding = 0;
  if (rest_[0] & 0x20) {
    padding = p.bytes.back();
    if (padding == 0 || padding > size - kRtcpHeaderSize) {
      malformed_ = true;
      return std::nullopt;
    }
  }
  p.body = p.bytes.subspan(kRtcpHeaderSize, size - kRtcpHeaderSize - padding);
  rest_ = rest_.subspan(size);
  return p;
}

Result<std::vector<RtcpPacket>> splitRtcpCompound(std::span<const uint8_t> compound) {
  RtcpCompoundReader reader(compound);
  std::vector<RtcpPacket> packets;
  while (auto p = reader.next()) packets.push_back(*p);
  if (reader.malformed()) return malformed("bad RTCP compound packet");
  return packets;
}

// RFC 3550 section 6.4.1: header, sender SSRC, NTP timestamp (64), RTP timestamp, sender's packet and
// octet counts, then RC report blocks.
Result<RtcpSenderReport> parseSenderReport(const RtcpPacket& p) {
  if (auto why = expect(p, kSenderReport, std::nullopt, kSenderInfoSize); !why.empty()) return malformed(why);
  RtcpSenderReport sr;
  sr.senderSsrc = readU32(p.body, 0);
  sr.ntpTimestamp = readU64(p.body, 4);
  sr.rtpTimestamp = readU32(p.body, 12);
  sr.packetCount = readU32(p.body, 16);
  sr.octetCount = readU32(p.body, 20);
  if (!readReportBlocks(p, kSenderInfoSize, sr.reports)) return malformed("report blocks overrun the SR");
  return sr;
}

// RFC 3550 section 6.4.2: header, sender SSRC, RC report blocks.
Result<RtcpReceiverReport> parseReceiverReport(const RtcpPacket& p) {
  if (auto why = expect(p, kReceiverReport, std::nullopt, kSsrcSize); !why.empty()) return malformed(why);
  RtcpReceiverReport rr;
  rr.senderSsrc = readU32(p.body, 0);
  if (!readReportBlocks(p, kSsrcSize, rr.reports)) return malformed("report blocks overrun the RR");
  return rr;
}

// RFC 3550 section 6.6: SC SSRCs, then optionally a length byte and a reason.
Result<RtcpBye> parseBye(const RtcpPacket& p) {
  if (auto why = expect(p, kBye, std::nullopt, p.count * kSsrcSize); !why.empty()) return malformed(why);
  RtcpBye bye;
  for (size_t i = 0; i < p.count; ++i) bye.ssrcs.push_back(readU32(p.body, i * kSsrcSize));
  const size_t at = p.count * kSsrcSize;
  if (at < p.body.size()) {
    const size_t length = p.body[at];
    if (length > p.body.size() - at - 1) return malformed("BYE reason overruns the packet");
    bye.reason.assign(p.body.begin() + static_cast<std::ptrdiff_t>(at + 1),
                      p.body.begin() + static_cast<std::ptrdiff_t>(at + 1 + length));
  }
  return bye;
}

// RFC 4585 section 6.1: header, SSRC of packet sender, SSRC of media source, FCI.
Result<RtcpFeedbackHeader> parseFeedbackHeader(const RtcpPacket& p) {
  if (p.type != kRtpFeedback && p.type != kPayloadFeedback) return malformed("not a feedback message");
  if (p.body.size() < kFeedbackHeaderSize) return malformed("feedback message too short");
  return RtcpFeedbackHeader{readU32(p.body, 0), readU32(p.body, 4)};
}

// RFC 4585 section 6.2.1: FCI entries of PID (16) and BLP (16): PID lost, and PID+i+1 for each bit i.
Result<RtcpNack> parseNack(const RtcpPacket& p) {
  if (auto why = expect(p, kRtpFeedback, kNack, kFeedbackHeaderSize + kNackItemSize); !why.empty()) {
    return malformed(why);
  }
  RtcpNack nack{readU32(p.body, 0), readU32(p.body, 4), {}};
  const auto fci = p.body.subspan(kFeedbackHeaderSize);
  if (fci.size() % kNackItemSize != 0) return malformed("NACK FCI not a multiple of 4");
  for (size_t at = 0; at < fci.size(); at += kNackItemSize) {
    const uint16_t pid = readU16(fci, at);
    const uint16_t blp = readU16(fci, at + 2);
    nack.lost.push_back(pid);
    for (size_t bit = 0; bit < kBlpBits; ++bit) {
      if (blp & (1u << bit)) nack.lost.push_back(static_cast<uint16_t>(pid + bit + 1));
    }
  }
  return nack;
}

Result<RtcpTransportCc> parseTransportCc(const RtcpPacket& p) {
  if (auto why = expect(p, kRtpFeedback, kTransportCc, kFeedbackHeaderSize); !why.empty())
    return malformed(why);
  return RtcpTransportCc{readU32(p.body, 0), readU32(p.body, 4), p.body.subspan(kFeedbackHeaderSize)};
}

// RFC 4585 section 6.3.1: no FCI.
Result<RtcpFeedbackHeader> parsePli(const RtcpPacket& p) {
  if (auto why = expect(p, kPayloadFeedback, kPli, kFeedbackHeaderSize); !why.empty()) return malformed(why);
  return RtcpFeedbackHeader{readU32(p.body, 0), readU32(p.body, 4)};
}

// RFC 5104 section 4.3.1: FCI entries of SSRC (32), Seq nr. (8), reserved (24).
Result<RtcpFir> parseFir(const RtcpPacket& p) {
  if (auto why = expect(p, kPayloadFeedback, kFir, kFeedbackHeaderSize + kFirEntrySize); !why.empty()) {
    return malformed(why);
  }
  const auto fci = p.body.subspan(kFeedbackHeaderSize);
  if (fci.size() % kFirEntrySize != 0) return malformed("FIR FCI not a multiple of 8");
  RtcpFir fir{readU32(p.body, 0), {}};
  for (size_t at = 0; at < fci.size(); at += kFirEntrySize)
    fir.entries.push_back({readU32(fci, at), fci[at + 4]});
  return fir;
}

// draft-alvestrand-rmcat-remb section 2.2: FCI of 'R' 'E' 'M' 'B', Num SSRC (8), BR Exp (6),
// BR Mantissa (18), then Num SSRC SSRCs, and nothing more.
Result<RtcpRemb> parseRemb(const RtcpPacket& p) {
  if (auto why = expect(p, kPayloadFeedback, kAfb, kFeedbackHeaderSize + kRembFixedSize); !why.empty()) {
    return malformed(why);
  }
  const auto fci = p.body.subspan(kFeedbackHeaderSize);
  if (readU32(fci, 0) != kRembIdentifier) return malformed("application feedback other than REMB");
  const size_t count = fci[4];
  if (fci.size() != kRembFixedSize + count * kSsrcSize)
    return malformed("REMB SSRC count differs from its size");
  const unsigned exponent = fci[5] >> 2;
  const uint64_t mantissa = readU24(fci, 5) & kRembMaxMantissa;
  if (mantissa > (std::numeric_limits<uint64_t>::max() >> exponent))
    return malformed("REMB bitrate overflows");
  RtcpRemb remb{readU32(p.body, 0), mantissa << exponent, {}};
  for (size_t i = 0; i < count; ++i) remb.ssrcs.push_back(readU32(fci, kRembFixedSize + i * kSsrcSize));
  return remb;
}

std::vector<uint8_t> buildSenderReport(const RtcpSenderReport& sr) {
  CHECK(sr.reports.size() <= kRtcpMaxReportBlocks);
  std::vector<uint8_t> out;
  const size_t start = startPacket(out, sr.reports.size(), kSenderReport);
  appendU32(out, sr.senderSsrc);
  appendU64(out, sr.ntpTimestamp);
  appendU32(out, sr.rtpTimestamp);
  appendU32(out, sr.packetCount);
  appendU32(out, sr.octetCount);
  for (const auto& r : sr.reports) appendReportBlock(out, r);
  finishPacket(out, start);
  return out;
}

std::vector<uint8_t> buildReceiverReport(uint32_t senderSsrc, std::span<const RtcpReportBlock> reports) {
  CHECK(reports.size() <= kRtcpMaxReportBlocks);
  std::vector<uint8_t> out;
  const size_t start = startPacket(out, reports.size(), kReceiverReport);
  appendU32(out, senderSsrc);
  for (const auto& r : reports) appendReportBlock(out, r);
  finishPacket(out, start);
  return out;
}

std::vector<uint8_t> buildNack(uint32_t senderSsrc, uint32_t mediaSsrc, std::span<const uint16_t> lost) {
  std::vector<uint8_t> fci;
  for (size_t i = 0; i < lost.size();) {
    const uint16_t pid = lost[i];
    uint16_t blp = 0;
    for (++i; i < lost.size(); ++i) {
      const auto distance = static_cast<uint16_t>(lost[i] - pid);
      if (distance == 0 || distance > kBlpBits) break;
      blp = static_cast<uint16_t>(blp | (1u << (distance - 1)));
    }
    appendU16(fci, pid);
    appendU16(fci, blp);
  }
  return feedbackPacket(kNack, kRtpFeedback, senderSsrc, mediaSsrc, fci);
}

std::vector<uint8_t> buildPli(uint32_t senderSsrc, uint32_t mediaSsrc) {
  return feedbackPacket(kPli, kPayloadFeedback, senderSsrc, mediaSsrc, {});
}

std::vector<uint8_t> buildFir(uint32_t senderSsrc, std::span<const RtcpFirEntry> entries) {
  std::vector<uint8_t> fci;
  for (const auto& e : entries) {
    appendU32(fci, e.ssrc);
    appendU8(fci, e.sequence);
    appendU24(fci, 0);
  }
  return feedbackPacket(kFir, kPayloadFeedback, senderSsrc, 0, fci);  // RFC 5104: media SSRC unused, 0
}

std::vector<uint8_t> buildRemb(uint32_t senderSsrc, uint64_t bitrateBps, std::span<const uint32_t> ssrcs) {
  CHECK(ssrcs.size() <= kRtcpMaxRembSsrcs);
  uint32_t exponent = 0;
  while ((bitrateBps >> exponent) > kRembMaxMantissa) ++exponent;
  const auto mantissa = static_cast<uint32_t>(bitrateBps >> exponent);
  std::vector<uint8_t> fci;
  appendU32(fci, kRembIdentifier);
  appendU8(fci, static_cast<uint8_t>(ssrcs.size()));
  appendU24(fci, (exponent << kRembMantissaBits) | mantissa);
  for (uint32_t ssrc : ssrcs) appendU32(fci, ssrc);
  return feedbackPacket(kAfb, kPayloadFeedback, senderSsrc, 0, fci);  // REMB: media SSRC is 0
}

}  // namespace roomgate::media
