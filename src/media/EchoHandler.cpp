#include "media/EchoHandler.hpp"

#include "media/Bytes.hpp"
#include "media/Rtcp.hpp"

namespace roomgate::media {
namespace {

// Swaps the SSRC at `at` if it is in the map and inside `p`.
void swapAt(std::span<uint8_t> p, std::size_t at, const SsrcSwap& swap) {
  if (at + 4 > p.size()) return;
  if (auto it = swap.find(readU32(p, at)); it != swap.end()) writeU32(p, at, it->second);
}

using namespace rtcp_type;
using rtcp_fmt::kAfb;
using rtcp_fmt::kFir;
constexpr std::size_t kReportBlockSize = 24;

void swapSdes(std::span<uint8_t> p, unsigned chunks, const SsrcSwap& swap) {
  std::size_t at = 4;
  for (unsigned c = 0; c < chunks && at + 4 <= p.size(); ++c) {
    swapAt(p, at, swap);
    at += 4;
    while (at < p.size() && p[at] != 0) {  // items: type, length, text
      if (at + 2 > p.size()) return;
      at += 2 + p[at + 1];
    }
    at = (at + 4) & ~std::size_t{3};  // the null item, then padding to a word
  }
}

}  // namespace

SsrcSwap makeSsrcSwap(std::span<const std::pair<uint32_t, uint32_t>> pairs) {
  SsrcSwap swap;
  for (const auto& [theirs, ours] : pairs) {
    swap[theirs] = ours;
    swap[ours] = theirs;
  }
  return swap;
}

bool swapRtcpSsrcs(std::span<uint8_t> packet, const SsrcSwap& swap) {
  std::size_t offset = 0;
  while (offset < packet.size()) {
    if (packet.size() - offset < 4 || (packet[offset] >> 6) != 2) return false;
    const std::size_t size = (std::size_t{packet[offset + 2]} << 8 | packet[offset + 3]) * 4 + 4;
    if (size > packet.size() - offset) return false;
    const auto p = packet.subspan(offset, size);
    const unsigned count = p[0] & 0x1F;  // RC, SC or FMT
    switch (p[1]) {
      case kSenderReport:
      case kReceiverReport: {
        swapAt(p, 4, swap);
        const std::size_t blocks = p[1] == kSenderReport ? 28 : 8;
        for (unsigned i = 0; i < count; ++i) swapAt(p, blocks + i * kReportBlockSize, swap);
        break;
      }
      case kSdes:
        swapSdes(p, count, swap);
        break;
      case kBye:
        for (unsigned i = 0; i < count; ++i) swapAt(p, 4 + 4 * i, swap);
        break;
      case kRtpFeedback:
      case kPayloadFeedback:
        swapAt(p, 4, swap);
        swapAt(p, 8, swap);
        if (p[1] == kPayloadFeedback && count == kFir) {
          for (std::size_t at = 12; at + 8 <= p.size(); at += 8) swapAt(p, at, swap);
        } else if (p[1] == kPayloadFeedback && count == kAfb && p.size() >= 20 &&
                   readU32(p, 12) == 0x52454D42) {
          const unsigned n = p[16];  // REMB: number of SSRCs, then the list from byte 20
          for (unsigned i = 0; i < n; ++i) swapAt(p, 20 + 4 * i, swap);
        }
        break;
      default:
        swapAt(p, 4, swap);  // XR and others: the sender's SSRC
        break;
    }
    offset += size;
  }
  return true;
}

void EchoHandler::onRtp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) {
  if (length < 12) return;
  auto it = swap_.find(readU32(buffer, 8));
  if (it == swap_.end()) {
    ++unknownSsrc_;  // an SSRC the offer did not announce: nothing to play it as
    return;
  }
  writeU32(buffer, 8, it->second);
  (void)transport.sendRtp(buffer, length);
}

void EchoHandler::onRtcp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) {
  if (!swapRtcpSsrcs(buffer.first(length), swap_)) return;
  (void)transport.sendRtcp(buffer, length);
}

}  // namespace roomgate::media
