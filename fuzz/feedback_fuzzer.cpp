// The forwarding and feedback state machines driven by arbitrary input: each byte group is one event
// (a packet with any SSRC/seq/timestamp, a NACK, a tick, a PLI, a report) at a time that moves forward
// by a fuzzed step. No crash, no sanitizer report, and the contracts that hold on any input:
//  - SeqRewriter: a mapped packet maps back from its out seq (with its out timestamp); a repeat of it maps
//    to the same out seq;
//  - NackGenerator: never more than kMaxMissing missing; a tick's NACKs are distinct;
//  - RetransmissionBuffer: what it finds for a NACKed out seq is the packet stored for it; as RTX (toRtx)
//    it parses as RTP and is at most the stored size + 2;
//  - RembPolicy: what it sends is within the clamp.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "FuzzInput.hpp"
#include "common/Check.hpp"
#include "media/KeyframeRequester.hpp"
#include "media/NackGenerator.hpp"
#include "media/RembPolicy.hpp"
#include "media/RetransmissionBuffer.hpp"
#include "media/Rtp.hpp"
#include "media/SeqRewriter.hpp"

using namespace roomgate::media;

namespace {

using roomgate::fuzz::Input;

std::vector<uint8_t> rtpPacket(uint32_t ssrc, uint16_t seq, uint32_t timestamp, size_t payload) {
  std::vector<uint8_t> p = {0x80, 96, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq)};
  for (int shift = 24; shift >= 0; shift -= 8) p.push_back(static_cast<uint8_t>(timestamp >> shift));
  for (int shift = 24; shift >= 0; shift -= 8) p.push_back(static_cast<uint8_t>(ssrc >> shift));
  p.resize(p.size() + payload, 0x55);
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in({data, size});
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  SeqRewriter rewriter(0xABCD, in.u8() & 1 ? 48000 : 90000, in.u16(), in.u32());
  RetransmissionBuffer buffer;
  ResendThrottle throttle;
  const std::optional<RtxParameters> rtx =
      in.u8() & 1 ? std::optional<RtxParameters>(RtxParameters{7, 97}) : std::nullopt;
  uint16_t rtxSeq = in.u16();
  std::vector<uint8_t> scratch(kMaxRetransmitPacketSize + kRtxHeaderSize);
  NackGenerator nacks;
  KeyframeRequester keyframes(in.u8() & 1 ? KeyframeRequestKind::Fir : KeyframeRequestKind::Pli);
  RembPolicy remb;
  while (!in.empty()) {
    now += std::chrono::milliseconds(in.u8()) * (in.u8() & 0x0F);
    switch (in.u8() % 8) {
      case 0: {  // a packet from the publisher, forwarded to the subscriber
        const uint32_t ssrc = in.u8() & 3;
        const uint16_t seq = in.u16();
        const uint32_t timestamp = in.u32();
        nacks.onPacket(seq, now);
        const auto packet = rtpPacket(ssrc, seq, timestamp, in.u16() % 1600);
        CHECK(buffer.store(packet, now) == (packet.size() <= kMaxRetransmitPacketSize));
        const auto m = rewriter.map(ssrc, seq, timestamp, now);
        if (!m) break;
        const auto origin = rewriter.origin(m->seq);
        CHECK(origin && origin->source.ssrc == ssrc && origin->source.seq == seq &&
              origin->outTimestamp == m->timestamp);
        const auto again = rewriter.map(ssrc, seq, timestamp, now);
        CHECK(again && again->seq == m->seq && again->timestamp == m->timestamp);
        break;
      }
      case 1: {  // a subscriber's NACK, answered as the Router does
        const uint16_t outSeq = in.u16();
        const auto origin = rewriter.origin(outSeq);
        if (!origin) break;
        const auto held = buffer.find(origin->source.ssrc, origin->source.seq, now);
        if (!held || !throttle.allow(outSeq, held->storedAt, now)) break;
        CHECK(held->parsed.ssrc == origin->source.ssrc && held->parsed.sequenceNumber == origin->source.seq);
        std::copy(held->packet.begin(), held->packet.end(), scratch.begin());
        std::size_t sent = held->packet.size();
        if (rtx) sent = toRtx(scratch, sent, held->parsed, *rtx, rtxSeq++);
        CHECK(parseRtp(std::span(scratch).first(sent)).ok() && sent <= held->packet.size() + kRtxHeaderSize);
        break;
      }
      case 2: {
        const auto list = nacks.tick(now);
        CHECK(std::set<uint16_t>(list.begin(), list.end()).size() == list.size());
        CHECK(nacks.missingCount() <= NackGenerator::kMaxMissing);
        break;
      }
      case 3:
        (void)keyframes.onSubscriberRequest(now);
        break;
      case 4:
        (void)(in.u8() & 1 ? keyframes.requestNow(now) : keyframes.tick(now));
        break;
      case 5:
        keyframes.onKeyframe(now);
        break;
      case 6:
        if (in.u8() & 1) {
          remb.onRemb(in.u8() & 3, uint64_t{in.u32()} << (in.u8() & 31));
        } else {
          remb.onReceiverReport(in.u8() & 3, in.u8(), now);
        }
        break;
      default:
        if (in.u8() == 0) remb.removeSubscriber(in.u8() & 3);
        if (const auto bps = remb.tick(now))
          CHECK(*bps >= kMinVideoBitrateBps && *bps <= kMaxVideoBitrateBps);
        nacks.setRtt(std::chrono::milliseconds(in.u16()));
        throttle.setRtt(std::chrono::milliseconds(in.u16()));
        break;
    }
  }
  return 0;
}
