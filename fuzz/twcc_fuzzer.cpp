// transport-cc feedback (media/TwccFeedback). Every input is used three ways:
//  1. as an FCI: parseTwccFci must not crash; what it accepts has one entry per status, in seq order, and
//     written back with buildTwccFeedback it reads back as the same arrivals;
//  2. as an arrival pattern (a base seq, a start time, then per seq: lost, or a step of the clock of one
//     of four sizes, negative ones included): written in as many packets as it takes, every packet must
//     be a valid RTCP packet within kTwccMaxPacketSize that parseTransportCc and parseTwccFci accept, end
//     only where it must (full, 65535 seqs, or a delta out of 16 bits), and read back as the pattern;
//  3. as events for a TwccRecorder: its feedbacks cover adjacent seq ranges with consecutive fb counts,
//     report as received only seqs it was given, and its window stays within kMaxPending.
// Any mismatch aborts (CHECK).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "FuzzInput.hpp"
#include "common/Check.hpp"
#include "media/Rtcp.hpp"
#include "media/TwccFeedback.hpp"

namespace {

using namespace roomgate::media;

constexpr uint32_t kSender = 0x01020304;
constexpr uint32_t kMedia = 0x05060708;
constexpr int64_t kWrapUs = (int64_t{1} << 24) * kTwccReferenceUnitUs;  // the reference time's period
constexpr size_t kMaxPattern = 70'000;  // seqs per pattern: enough to pass the 65535 status count once

using roomgate::fuzz::Input;

int64_t floorTo(int64_t us, int64_t unit) {
  const int64_t q = us / unit;
  return (us % unit != 0 && us < 0 ? q - 1 : q) * unit;
}

int64_t modWrap(int64_t us) {
  return ((us % kWrapUs) + kWrapUs) % kWrapUs;
}

// The FCI of a packet the builder wrote, through the RTCP reader as the SFU would find it.
TwccFeedback readBack(const std::vector<uint8_t>& packet) {
  const auto packets = splitRtcpCompound(packet);
  CHECK(packets.ok() && packets->size() == 1);
  const auto tcc = parseTransportCc(packets->front());
  CHECK(tcc.ok() && tcc->senderSsrc == kSender && tcc->mediaSsrc == kMedia);
  auto fb = parseTwccFci(tcc->feedback);
  CHECK(fb.ok());
  return std::move(fb).value();
}

// Writes all of `arrivals` and checks what reads back against them.
void roundTrip(const std::vector<TwccArrival>& arrivals) {
  uint8_t count = 0;
  for (size_t at = 0; at < arrivals.size(); ++count) {
    const auto built = buildTwccFeedback(kSender, kMedia, count, std::span(arrivals).subspan(at));
    CHECK(built.taken >= 1 && built.taken <= arrivals.size() - at);
    CHECK(built.packet.size() <= kTwccMaxPacketSize && built.packet.size() % 4 == 0);
    const TwccFeedback fb = readBack(built.packet);
    CHECK(fb.baseSeq == arrivals[at].seq && fb.feedbackCount == count && fb.packets.size() == built.taken);
    std::optional<int64_t> lastReceived;
    for (size_t i = 0; i < built.taken; ++i) {
      const auto& in = arrivals[at + i];
      const auto& out = fb.packets[i];
      CHECK(out.seq == in.seq && out.offsetUs.has_value() == in.arrivalUs.has_value());
      if (!in.arrivalUs) continue;
      CHECK(modWrap(fb.referenceTimeUs() + *out.offsetUs) ==
            modWrap(floorTo(*in.arrivalUs, kTwccDeltaUnitUs)));
      lastReceived = *in.arrivalUs;
    }
    at += built.taken;
    // Ended early without being full: the next one is received and its delta does not fit 16 bits.
    if (at < arrivals.size() && built.packet.size() < kTwccMaxPacketSize && built.taken < 0xFFFF) {
      CHECK(arrivals[at].arrivalUs && lastReceived);
      const int64_t delta =
          (floorTo(*arrivals[at].arrivalUs, kTwccDeltaUnitUs) - floorTo(*lastReceived, kTwccDeltaUnitUs)) /
          kTwccDeltaUnitUs;
      CHECK(delta < std::numeric_limits<int16_t>::min() || delta > std::numeric_limits<int16_t>::max());
    }
  }
}

void asFci(std::span<const uint8_t> in) {
  const auto fb = parseTwccFci(in);
  if (!fb.ok()) return;
  CHECK(!fb->packets.empty() && fb->packets.size() <= 0xFFFF);
  std::vector<TwccArrival> arrivals;
  for (size_t i = 0; i < fb->packets.size(); ++i) {
    const auto& p = fb->packets[i];
    CHECK(p.seq == static_cast<uint16_t>(fb->baseSeq + i));
    CHECK(!p.offsetUs || *p.offsetUs % kTwccDeltaUnitUs == 0);
    arrivals.push_back(
        {p.seq, p.offsetUs ? std::optional<int64_t>(fb->referenceTimeUs() + *p.offsetUs) : std::nullopt});
  }
  roundTrip(arrivals);
}

void asPattern(std::span<const uint8_t> data) {
  Input in(data);
  auto seq = in.u16();
  // Any 64 ms unit of +-2^31 (many wraps of the 24-bit field, negative times too), plus some us.
  int64_t t = int64_t{static_cast<int32_t>(in.u32())} * kTwccReferenceUnitUs + in.u16();
  std::vector<TwccArrival> arrivals;
  while (!in.empty() && arrivals.size() < kMaxPattern) {
    const uint8_t kind = in.u8();
    if (kind < 48) {
      arrivals.push_back({seq++, std::nullopt});
    } else if (kind < 56) {  // a burst of loss, long enough for full run-length chunks
      for (size_t n = in.u16(); n > 0 && arrivals.size() < kMaxPattern; --n) arrivals.push_back({seq++, {}});
    } else {
      if (kind < 192) {
        t += int64_t{in.u8()} * 50;  // paced: small deltas
      } else if (kind < 240) {
        t += int64_t{static_cast<int16_t>(in.u16())} * 37;  // +-1.2 s: large and negative deltas
      } else {
        t += int64_t{static_cast<int32_t>(in.u32())} * 16;  // +-9.5 h: out of 16 bits
      }
      arrivals.push_back({seq++, t});
    }
  }
  if (!arrivals.empty()) roundTrip(arrivals);
}

void asRecorderEvents(std::span<const uint8_t> data) {
  Input in(data);
  TwccRecorder recorder;
  auto now = TwccRecorder::Clock::time_point{} + std::chrono::hours(1);
  uint16_t seq = in.u16();
  std::vector<bool> given(0x10000, false);  // seqs passed to onPacket (mod 2^16)
  std::optional<uint16_t> expectedBase;     // where the next feedback must start
  uint8_t expectedCount = 0;
  while (!in.empty()) {
    const uint8_t op = in.u8();
    now += std::chrono::microseconds(in.u8()) * (op & 0x0F) * 17;
    if (op < 200) {  // a packet: mostly next, sometimes a jump either way (reordered, lost, very old)
      const uint8_t step = in.u8();
      seq = static_cast<uint16_t>(step < 200 ? seq + 1 + (step % 4) : seq + static_cast<int16_t>(in.u16()));
      given[seq] = true;
      recorder.onPacket(seq, now);
      CHECK(recorder.pendingCount() <= TwccRecorder::kMaxPending);
    } else {
      const bool due = recorder.due(now);
      const size_t pending = recorder.pendingCount();
      const auto packets = recorder.feedback(now, kSender, kMedia);
      CHECK(packets.empty() == (pending == 0));
      CHECK(!due || !packets.empty());
      size_t covered = 0;
      for (const auto& packet : packets) {
        CHECK(packet.size() <= kTwccMaxPacketSize);
        const TwccFeedback fb = readBack(packet);
        CHECK(fb.feedbackCount == expectedCount++);
        CHECK(!expectedBase || covered > 0 || pending == TwccRecorder::kMaxPending ||
              fb.baseSeq == *expectedBase);
        if (covered > 0) CHECK(fb.baseSeq == *expectedBase);
        for (const auto& p : fb.packets) CHECK(!p.offsetUs || given[p.seq]);
        covered += fb.packets.size();
        expectedBase = static_cast<uint16_t>(fb.baseSeq + fb.packets.size());
      }
      CHECK(covered == pending && recorder.pendingCount() == 0);
      CHECK(recorder.nextFeedbackCount() == expectedCount);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  asFci(in);
  asPattern(in);
  asRecorderEvents(in);
  return 0;
}
