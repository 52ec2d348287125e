#pragma once
// EchoHandler: the connection self-check (/echo). Everything a browser sends comes back to it through the
// server: RTP with each of its SSRCs swapped for the one our SDP answer announced for that m-line (so the
// browser plays it as a remote track), RTCP with every SSRC field swapped both ways (so its own sender
// reports, receiver reports, NACKs and PLIs reach the right end and its RTT and loss statistics are those
// of the round trip through the server).
// Thread: the media thread.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "media/MediaServer.hpp"

namespace roomgate::media {

// SSRC -> SSRC, holding both directions of each pair.
using SsrcSwap = std::unordered_map<uint32_t, uint32_t>;

// Makes the two-way map from (browser's SSRC, ours) pairs.
[[nodiscard]] SsrcSwap makeSsrcSwap(std::span<const std::pair<uint32_t, uint32_t>> pairs);

// Swaps every SSRC field of the compound RTCP packet `packet` found in `swap`: sender SSRC and report
// blocks of SR/RR, SDES chunks, BYE, the sender and media SSRCs of RTPFB/PSFB, FIR entries and REMB's
// SSRC list. A malformed packet is left as it is from the first bad sub-packet on; false if so.
bool swapRtcpSsrcs(std::span<uint8_t> packet, const SsrcSwap& swap);

class EchoHandler final : public MediaHandler {
 public:
  explicit EchoHandler(SsrcSwap swap) : swap_(std::move(swap)) {}

  void onRtp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) override;
  void onRtcp(WebRtcTransport& transport, std::span<uint8_t> buffer, std::size_t length) override;

  [[nodiscard]] uint64_t unknownSsrcPackets() const { return unknownSsrc_; }

 private:
  SsrcSwap swap_;
  uint64_t unknownSsrc_ = 0;
};

}  // namespace roomgate::media
