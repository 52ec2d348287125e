// RTCP: walk the compound packet, parse each sub-packet by its kind, rebuild what the SFU builds (SR,
// RR, NACK, PLI, FIR, REMB) and CHECK the rebuilt packet parses back to the same values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/Check.hpp"
#include "media/Rtcp.hpp"
#include "media/Rtp.hpp"

namespace {

using namespace roomgate::media;

constexpr size_t kFeedbackHeaderSize = 8;  // SSRC of packet sender, SSRC of media source

RtcpPacket single(std::span<const uint8_t> bytes) {
  auto packets = splitRtcpCompound(bytes);
  CHECK(packets.ok() && packets->size() == 1);
  return packets->front();
}

std::vector<uint16_t> sortedUnique(std::vector<uint16_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

void checkReports(const std::vector<RtcpReportBlock>& a, const std::vector<RtcpReportBlock>& b) {
  CHECK(a == b);  // cumulativeLost read from 24 bits always fits back in 24 bits
}

void roundTrip(const RtcpPacket& p) {
  using namespace rtcp_type;
  using namespace rtcp_fmt;
  if (p.type == kSenderReport) {
    if (auto sr = parseSenderReport(p); sr.ok()) {
      const auto again = parseSenderReport(single(buildSenderReport(*sr)));
      CHECK(again.ok() && again->senderSsrc == sr->senderSsrc && again->ntpTimestamp == sr->ntpTimestamp);
      CHECK(again->rtpTimestamp == sr->rtpTimestamp && again->packetCount == sr->packetCount);
      CHECK(again->octetCount == sr->octetCount);
      checkReports(again->reports, sr->reports);
    }
  } else if (p.type == kReceiverReport) {
    if (auto rr = parseReceiverReport(p); rr.ok()) {
      const auto again = parseReceiverReport(single(buildReceiverReport(rr->senderSsrc, rr->reports)));
      CHECK(again.ok() && again->senderSsrc == rr->senderSsrc);
      checkReports(again->reports, rr->reports);
    }
  } else if (p.type == kBye) {
    (void)parseBye(p);
  } else if (p.type == kRtpFeedback || p.type == kPayloadFeedback) {
    const auto header = parseFeedbackHeader(p);
    if (!header.ok()) return;
    if (p.type == kRtpFeedback && p.count == kNack) {
      if (auto nack = parseNack(p); nack.ok()) {
        const auto again = parseNack(single(buildNack(nack->senderSsrc, nack->mediaSsrc, nack->lost)));
        CHECK(again.ok() && again->mediaSsrc == nack->mediaSsrc);
        CHECK(sortedUnique(again->lost) == sortedUnique(nack->lost));
      }
    } else if (p.type == kRtpFeedback && p.count == kTransportCc) {
      const auto tcc = parseTransportCc(p);
      CHECK(tcc.ok() && tcc->feedback.size() + kFeedbackHeaderSize == p.body.size());
    } else if (p.type == kPayloadFeedback && p.count == kPli) {
      const auto pli = parsePli(p);
      CHECK(pli.ok());
      const auto again = parsePli(single(buildPli(pli->senderSsrc, pli->mediaSsrc)));
      CHECK(again.ok() && again->senderSsrc == pli->senderSsrc && again->mediaSsrc == pli->mediaSsrc);
    } else if (p.type == kPayloadFeedback && p.count == kFir) {
      if (auto fir = parseFir(p); fir.ok()) {
        const auto again = parseFir(single(buildFir(fir->senderSsrc, fir->entries)));
        CHECK(again.ok() && again->entries == fir->entries);
      }
    } else if (p.type == kPayloadFeedback && p.count == kAfb) {
      if (auto remb = parseRemb(p); remb.ok()) {
        const auto again = parseRemb(single(buildRemb(remb->senderSsrc, remb->bitrateBps, remb->ssrcs)));
        CHECK(again.ok() && again->bitrateBps == remb->bitrateBps && again->ssrcs == remb->ssrcs);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  (void)isRtcp(in);
  RtcpCompoundReader reader(in);
  size_t seen = 0;
  while (auto p = reader.next()) {
    CHECK(p->bytes.data() >= data && p->bytes.data() + p->bytes.size() <= data + size);
    CHECK(p->body.size() + kRtcpHeaderSize <= p->bytes.size());
    roundTrip(*p);
    ++seen;
  }
  const auto all = splitRtcpCompound(in);
  CHECK(all.ok() == !reader.malformed());
  if (all.ok()) CHECK(all->size() == seen);
  return 0;
}
