#include "media/TwccFeedback.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "common/Check.hpp"
#include "media/Bytes.hpp"
#include "media/Rtcp.hpp"
#include "media/SeqNum.hpp"

namespace roomgate::media {

namespace {

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  FMT=15 |    PT=205     |           length              |
// |                     SSRC of packet sender                     |
// |                      SSRC of media source                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  <- the FCI starts here
// |      base sequence number     |      packet status count      |
// |                 reference time                | fb pkt. count |
// |          packet chunk         |         packet chunk          |  ...
// |         recv delta            |  recv delta   | padding       |  ...
//
// Run-length chunk:     0 | S (2) | run length (13)
// Status vector chunk:  1 | 0 | 14 symbols of 1 bit (0 not received, 1 small delta)
//                       1 | 1 | 7 symbols of 2 bits
// Symbols: 0 not received, 1 received with a 1-byte delta (0..255), 2 received with a 2-byte signed delta,
// 3 reserved. Deltas follow the chunks, one per received packet, in seq order.

constexpr uint8_t kVersion = 2;
constexpr size_t kWordSize = 4;
constexpr size_t kSsrcPartSize = 8;  // SSRC of packet sender, SSRC of media source
constexpr size_t kFciFixedSize = 8;  // base seq, status count, reference time (24), fb pkt. count
constexpr size_t kPacketFixedSize = kRtcpHeaderSize + kSsrcPartSize + kFciFixedSize;
constexpr size_t kChunkSize = 2;
constexpr size_t kMaxStatusCount = 0xFFFF;  // the 16-bit packet status count
constexpr size_t kMaxRunLength = 0x1FFF;    // the 13-bit run length
constexpr size_t kOneBitSymbols = 14;       // 1-bit status vector capacity
constexpr size_t kTwoBitSymbols = 7;        // 2-bit status vector capacity
constexpr uint16_t kVectorChunk = 0x8000;   // T bit: status vector, not run length
constexpr uint16_t kTwoBitVector = 0x4000;  // S bit of a status vector
constexpr unsigned kRunSymbolShift = 13;    // S of a run-length chunk
constexpr unsigned kSymbolMask = 3;         // a 2-bit status symbol
constexpr unsigned kTwoBitWidth = 2;
constexpr uint8_t kPaddingBit = 0x20;  // P of the RTCP header
constexpr unsigned kVersionShift = 6;
constexpr uint32_t kReferenceMask = 0xFFFFFF;  // 24 bits
constexpr uint32_t kReferenceSignBit = 0x800000;
constexpr int64_t kReferenceWrap = 0x1000000;
constexpr int64_t kMaxSmallDelta = 0xFF;  // what one unsigned byte holds
constexpr int64_t kTicksPerReference = kTwccReferenceUnitUs / kTwccDeltaUnitUs;
static_assert(kTwccReferenceUnitUs % kTwccDeltaUnitUs == 0, "a reference time is a whole number of deltas");
static_assert(kTicksPerReference - 1 <= kMaxSmallDelta, "the first delta after the reference is small");
static_assert(kTwccMaxPacketSize >= kPacketFixedSize + kChunkSize + 2, "room for one packet of any kind");
static_assert(kTwccMaxPacketSize <= (size_t{0xFFFF} + 1) * kWordSize, "RTCP's 16-bit length field");

enum Symbol : uint8_t { kNotReceived = 0, kSmallDelta = 1, kLargeDelta = 2, kReserved = 3 };

Error malformed(std::string_view why) {
  return Error::badRequest("rtcp_malformed", std::string(why));
}

// Rounds towards minus infinity (arrival times may be negative on the caller's clock); `b` > 0.
int64_t floorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

size_t deltaSize(uint8_t symbol) {
  return symbol == kSmallDelta ? 1 : symbol == kLargeDelta ? 2 : 0;
}

enum class ChunkKind { RunLength, OneBit, TwoBit };

struct ChunkPlan {
  ChunkKind kind = ChunkKind::RunLength;
  size_t count = 0;  // symbols it would cover, from `at`
};

// The chunk that covers the most symbols from `at`: a run of equal symbols as a run-length chunk when it
// is at least as long as a vector would be (or it finishes the list, which reads more plainly); otherwise
// a 1-bit vector of 14 when none of those 14 needs a large delta, else a 2-bit vector of 7.
ChunkPlan planChunk(std::span<const uint8_t> symbols, size_t at) {
  const size_t rest = symbols.size() - at;
  size_t run = 1;
  while (run < rest && run < kMaxRunLength && symbols[at + run] == symbols[at]) ++run;
  if (run >= kOneBitSymbols || run == rest) return {ChunkKind::RunLength, run};
  const size_t window = std::min(kOneBitSymbols, rest);
  const auto ahead = symbols.subspan(at, window);
  if (std::find(ahead.begin(), ahead.end(), uint8_t{kLargeDelta}) == ahead.end())
    return {ChunkKind::OneBit, window};
  if (run >= kTwoBitSymbols) return {ChunkKind::RunLength, run};
  return {ChunkKind::TwoBit, std::min(kTwoBitSymbols, rest)};
}

// The chunk of `kind` for symbols[at, at + count); unused vector slots are 0 (not received), which the
// status count tells readers to ignore.
uint16_t encodeChunk(ChunkKind kind, std::span<const uint8_t> symbols, size_t at, size_t count) {
  switch (kind) {
    case ChunkKind::RunLength:
      return static_cast<uint16_t>((symbols[at] << kRunSymbolShift) | count);
    case ChunkKind::OneBit: {
      uint16_t chunk = kVectorChunk;
      for (size_t i = 0; i < count; ++i) {
        if (symbols[at + i] == kSmallDelta)
          chunk = static_cast<uint16_t>(chunk | (1u << (kOneBitSymbols - 1 - i)));
      }
      return chunk;
    }
    case ChunkKind::TwoBit: {
      uint16_t chunk = kVectorChunk | kTwoBitVector;
      for (size_t i = 0; i < count; ++i)
        chunk = static_cast<uint16_t>(
            chunk | (unsigned{symbols[at + i]} << (kTwoBitWidth * (kTwoBitSymbols - 1 - i))));
      return chunk;
    }
  }
  return 0;
}

}  // namespace

Result<TwccFeedback> parseTwccFci(std::span<const uint8_t> fci) {
  if (fci.size() < kFciFixedSize) return malformed("transport-cc feedback shorter than its fixed fields");
  TwccFeedback fb;
  fb.baseSeq = readU16(fci, 0);
  const size_t count = readU16(fci, 2);
  const uint32_t reference = readU24(fci, 4);
  fb.referenceTime = (reference & kReferenceSignBit)
                         ? static_cast<int32_t>(int64_t{reference} - kReferenceWrap)
                         : static_cast<int32_t>(reference);
  fb.feedbackCount = fci[7];
  if (count == 0) return malformed("transport-cc feedback reports no packets");

  std::vector<uint8_t> symbols;
  symbols.reserve(count);
  size_t at = kFciFixedSize;
  while (symbols.size() < count) {
    if (fci.size() - at < kChunkSize) return malformed("transport-cc chunks end before the status count");
    const uint16_t chunk = readU16(fci, at);
    at += kChunkSize;
    const size_t left = count - symbols.size();
    if (!(chunk & kVectorChunk)) {
      const auto symbol = static_cast<uint8_t>((chunk >> kRunSymbolShift) & kSymbolMask);
      if (symbol == kReserved) return malformed("transport-cc run of the reserved status symbol");
      symbols.insert(symbols.end(), std::min<size_t>(chunk & kMaxRunLength, left), symbol);
    } else if (!(chunk & kTwoBitVector)) {
      for (size_t i = 0; i < std::min(kOneBitSymbols, left); ++i)
        symbols.push_back((chunk >> (kOneBitSymbols - 1 - i)) & 1 ? kSmallDelta : kNotReceived);
    } else {
      for (size_t i = 0; i < std::min(kTwoBitSymbols, left); ++i) {
        const auto symbol =
            static_cast<uint8_t>((chunk >> (kTwoBitWidth * (kTwoBitSymbols - 1 - i))) & kSymbolMask);
        if (symbol == kReserved) return malformed("transport-cc reserved status symbol");
        symbols.push_back(symbol);
      }
    }
  }

  fb.packets.reserve(count);
  int64_t ticks = 0;  // sum of the deltas so far: at most 65535 * 32767, far inside int64
  for (size_t i = 0; i < count; ++i) {
    TwccPacketStatus status{static_cast<uint16_t>(fb.baseSeq + i), std::nullopt};
    const size_t size = deltaSize(symbols[i]);
    if (size > 0) {
      if (fci.size() - at < size) return malformed("transport-cc receive deltas end early");
      ticks += size == 1 ? int64_t{fci[at]} : int64_t{static_cast<int16_t>(readU16(fci, at))};
      at += size;
      status.offsetUs = ticks * kTwccDeltaUnitUs;
    }
    fb.packets.push_back(status);
  }
  if (fci.size() - at >= kWordSize) return malformed("transport-cc feedback longer than its deltas");
  return fb;
}

TwccBuilt buildTwccFeedback(uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t feedbackCount,
                            std::span<const TwccArrival> arrivals) {
  CHECK(!arrivals.empty());

  // Status symbols and deltas, as far as the deltas can be expressed, and no further than the deltas
  // alone would fill the packet (the chunks below cannot reach past that; this keeps the work per packet
  // bounded when the caller passes many more arrivals than fit). Each arrival is rounded down to a tick
  // on its own, so rounding never accumulates along the packet.
  const size_t limit = std::min(arrivals.size(), kMaxStatusCount);
  std::vector<uint8_t> symbols;
  std::vector<int16_t> deltas;  // one per received packet
  size_t deltaBytes = 0;
  int64_t reference = 0;  // in kTwccReferenceUnitUs
  std::optional<int64_t> previousTicks;
  for (size_t i = 0; i < limit && kPacketFixedSize + deltaBytes <= kTwccMaxPacketSize; ++i) {
    CHECK(arrivals[i].seq == static_cast<uint16_t>(arrivals[0].seq + i));
    if (!arrivals[i].arrivalUs) {
      symbols.push_back(kNotReceived);
      continue;
    }
    const int64_t ticks = floorDiv(*arrivals[i].arrivalUs, kTwccDeltaUnitUs);
    if (!previousTicks) {
      reference = floorDiv(*arrivals[i].arrivalUs, kTwccReferenceUnitUs);
      previousTicks = reference * kTicksPerReference;
    }
    const int64_t delta = ticks - *previousTicks;
    if (delta < std::numeric_limits<int16_t>::min() || delta > std::numeric_limits<int16_t>::max()) break;
    symbols.push_back(delta >= 0 && delta <= kMaxSmallDelta ? kSmallDelta : kLargeDelta);
    deltas.push_back(static_cast<int16_t>(delta));
    deltaBytes += deltaSize(symbols.back());
    previousTicks = ticks;
  }

  // Chunks, while they and their deltas fit in the packet. Every size below is without padding; as
  // kTwccMaxPacketSize is a whole number of words, fitting before padding is fitting after it. The last
  // chunk may be cut short (a shorter run, a vector with unused slots) to use the room that is left.
  std::vector<uint16_t> chunks;
  size_t size = kPacketFixedSize;
  size_t covered = 0;
  size_t received = 0;
  while (covered < symbols.size()) {
    const ChunkPlan plan = planChunk(symbols, covered);
    size_t fit = 0;
    size_t cost = kChunkSize;
    size_t fitReceived = 0;
    while (fit < plan.count) {
      const size_t more = deltaSize(symbols[covered + fit]);
      if (size + cost + more > kTwccMaxPacketSize) break;
      cost += more;
      fitReceived += more > 0 ? 1 : 0;
      ++fit;
    }
    if (fit == 0) break;
    chunks.push_back(encodeChunk(plan.kind, symbols, covered, fit));
    size += cost;
    covered += fit;
    received += fitReceived;
    if (fit < plan.count) break;
  }
  CHECK(covered > 0);  // the first arrival always fits: see the static_asserts above

  // Padding to a word: zero bytes whose last one counts them, with the P bit set (RFC 3550 6.4.1's
  // rule). The draft's figure shows plain "zero padding" inside the FCI; libwebrtc writes it this way, and
  // since every RTCP reader (ours included) strips P-bit padding, the FCI then ends at the last delta.
  const size_t padding = (kWordSize - size % kWordSize) % kWordSize;
  const size_t total = size + padding;
  TwccBuilt built;
  built.taken = covered;
  std::vector<uint8_t>& out = built.packet;
  out.reserve(total);
  appendU8(out, static_cast<uint8_t>((kVersion << kVersionShift) | (padding > 0 ? kPaddingBit : 0) |
                                     rtcp_fmt::kTransportCc));
  appendU8(out, rtcp_type::kRtpFeedback);
  appendU16(out, static_cast<uint16_t>(total / kWordSize - 1));
  appendU32(out, senderSsrc);
  appendU32(out, mediaSsrc);
  appendU16(out, arrivals[0].seq);
  appendU16(out, static_cast<uint16_t>(covered));
  appendU24(out, static_cast<uint32_t>(reference) & kReferenceMask);  // two's complement, mod 2^24
  appendU8(out, feedbackCount);
  for (uint16_t chunk : chunks) appendU16(out, chunk);
  for (size_t i = 0; i < received; ++i) {
    if (deltas[i] >= 0 && deltas[i] <= kMaxSmallDelta) {
      appendU8(out, static_cast<uint8_t>(deltas[i]));
    } else {
      appendU16(out, static_cast<uint16_t>(deltas[i]));
    }
  }
  if (padding > 0) {
    out.insert(out.end(), padding - 1, 0);
    appendU8(out, static_cast<uint8_t>(padding));
  }
  CHECK(out.size() == total && total <= kTwccMaxPacketSize);
  return built;
}

void TwccRecorder::onPacket(uint16_t transportSeq, Clock::time_point arrival) {
  const int64_t us =
      std::chrono::duration_cast<std::chrono::microseconds>(arrival.time_since_epoch()).count();
  if (!started_) {
    started_ = true;
    highestExt_ = transportSeq;
    nextExt_ = transportSeq;
    window_.push_back(us);
    return;
  }
  const int64_t ext = highestExt_ + seqDelta(transportSeq, static_cast<uint16_t>(highestExt_));
  if (ext < nextExt_) {
    ++late_;
    return;
  }
  if (ext <= highestExt_) {  // inside the window: a gap filled (reordered), or a duplicate
    auto& slot = window_[static_cast<size_t>(ext - nextExt_)];
    if (slot) {
      ++duplicates_;
    } else {
      slot = us;
    }
    return;
  }
  // Newer than anything so far. Keep the newest kMaxPending seqs, up to and including this one.
  const auto needed = static_cast<size_t>(ext - nextExt_ + 1);
  if (needed > kMaxPending) {
    const size_t drop = needed - kMaxPending;
    const size_t fromWindow = std::min(drop, window_.size());
    dropped_ += static_cast<uint64_t>(
        std::count_if(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(fromWindow),
                      [](const std::optional<int64_t>& a) { return a.has_value(); }));
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(fromWindow));
    nextExt_ += static_cast<int64_t>(drop);
  }
  // Missing seqs between the window's end and this one; the window ends at highestExt_ unless it was
  // emptied (all reported, or all dropped just above), and then it starts at nextExt_.
  const int64_t windowEnd = nextExt_ + static_cast<int64_t>(window_.size());
  window_.insert(window_.end(), static_cast<size_t>(ext - windowEnd), std::nullopt);
  window_.push_back(us);
  highestExt_ = ext;
}

bool TwccRecorder::due(Clock::time_point now) const {
  return !window_.empty() && (!lastFeedbackAt_ || now - *lastFeedbackAt_ >= kFeedbackInterval);
}

std::vector<std::vector<uint8_t>> TwccRecorder::feedback(Clock::time_point now, uint32_t senderSsrc,
                                                         uint32_t mediaSsrc) {
  std::vector<std::vector<uint8_t>> packets;
  if (window_.empty()) return packets;  // the window, when not empty, ends with a received packet
  std::vector<TwccArrival> arrivals;
  arrivals.reserve(window_.size());
  for (size_t i = 0; i < window_.size(); ++i)
    arrivals.push_back({static_cast<uint16_t>(nextExt_ + static_cast<int64_t>(i)), window_[i]});
  for (size_t at = 0; at < arrivals.size();) {
    TwccBuilt built = buildTwccFeedback(senderSsrc, mediaSsrc, feedbackCount_++,
                                        std::span<const TwccArrival>(arrivals).subspan(at));
    at += built.taken;
    packets.push_back(std::move(built.packet));
  }
  nextExt_ = highestExt_ + 1;
  window_.clear();
  lastFeedbackAt_ = now;
  return packets;
}

}  // namespace roomgate::media
