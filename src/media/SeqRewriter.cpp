#include "media/SeqRewriter.hpp"

#include "common/Check.hpp"
#include "media/SeqNum.hpp"

namespace roomgate::media {

SeqRewriter::SeqRewriter(uint32_t outSsrc, uint32_t clockRate, uint16_t firstSeq, uint32_t firstTimestamp)
    : outSsrc_(outSsrc), clockRate_(clockRate) {
  CHECK(clockRate > 0);
  // The first segment starts as if a packet (firstSeq - 1, firstTimestamp - 1) had been sent: then the
  // common restart rule gives the first packet exactly (firstSeq, firstTimestamp).
  highestOutExt_ = int64_t{firstSeq} - 1;
  timestampOffset_ = firstTimestamp;
}

std::optional<SeqRewriter::Mapping> SeqRewriter::map(uint32_t ssrc, uint16_t seq, uint32_t timestamp,
                                                     Clock::time_point now) {
  if (!started_) {
    startSegment(ssrc, seq, timestamp, now);
    started_ = true;
    return record(ssrc, seq, highestInExt_, timestamp);
  }
  if (ssrc != ssrc_) {
    if (previous_ && previous_->ssrc == ssrc && seqDelta(seq, previous_->seq) <= 0) {
      ++dropped_;  // a late packet of the run we switched away from
      return std::nullopt;
    }
    startSegment(ssrc, seq, timestamp, now);
    return record(ssrc, seq, highestInExt_, timestamp);
  }
  const int32_t delta = seqDelta(seq, static_cast<uint16_t>(highestInExt_));
  if (delta > kMaxSeqJump || (delta > 0 && timestampStrays(timestamp, now))) {
    startSegment(ssrc, seq, timestamp, now);
    return record(ssrc, seq, highestInExt_, timestamp);
  }
  if (delta > 0) {
    stray_.reset();
    highestInExt_ += delta;
    highestInTimestamp_ = timestamp;
    highestAt_ = now;
    highestOutExt_ = highestInExt_ + seqOffset_;
    return record(ssrc, seq, highestInExt_, timestamp);
  }
  if (-delta < static_cast<int32_t>(kWindow)) {
    const int64_t inExt = highestInExt_ + delta;
    if (inExt < firstInExt_) {
      ++dropped_;
      return std::nullopt;
    }
    return record(ssrc, seq, inExt, timestamp);
  }
  // Far behind: a stray late packet, or a source that restarted with lower seqs under the same SSRC.
  // The second of two consecutive such packets decides for the restart.
  if (stray_ && seq == static_cast<uint16_t>(*stray_ + 1)) {
    stray_.reset();
    startSegment(ssrc, seq, timestamp, now);
    return record(ssrc, seq, highestInExt_, timestamp);
  }
  stray_ = seq;
  ++dropped_;
  return std::nullopt;
}

void SeqRewriter::startSegment(uint32_t ssrc, uint16_t seq, uint32_t timestamp, Clock::time_point now) {
  const uint32_t lastOutTimestamp = highestInTimestamp_ + timestampOffset_;
  uint32_t step = 1;
  if (started_) {
    ++restarts_;
    if (ssrc != ssrc_) previous_ = Source{ssrc_, static_cast<uint16_t>(highestInExt_)};
    const uint32_t ticks = elapsedTicks(now - highestAt_, clockRate_);
    step = ticks > 0 ? ticks : 1;
  }
  ssrc_ = ssrc;
  firstInExt_ = seq;
  highestInExt_ = seq;
  seqOffset_ = highestOutExt_ + 1 - highestInExt_;
  highestOutExt_ += 1;
  // Before the first segment, lastOutTimestamp is firstTimestamp: the first packet maps onto it.
  timestampOffset_ = started_ ? lastOutTimestamp + step - timestamp : lastOutTimestamp - timestamp;
  highestInTimestamp_ = timestamp;
  highestAt_ = now;
  stray_.reset();
}

bool SeqRewriter::timestampStrays(uint32_t timestamp, Clock::time_point now) const {
  const int64_t expected = elapsedTicks(now - highestAt_, clockRate_);
  const int64_t actual = timestampDelta(timestamp, highestInTimestamp_);
  const int64_t skew = int64_t{clockRate_} * kMaxTimestampSkew.count();
  const int64_t diff = actual - expected;
  return diff > skew || diff < -skew;
}

SeqRewriter::Mapping SeqRewriter::record(uint32_t ssrc, uint16_t seq, int64_t inExt, uint32_t timestamp) {
  const Mapping out{static_cast<uint16_t>(inExt + seqOffset_), timestamp + timestampOffset_};
  reverse_[out.seq % kWindow] = {true, out.seq, {{ssrc, seq}, out.timestamp}};
  return out;
}

std::optional<SeqRewriter::Source> SeqRewriter::source(uint16_t outSeq) const {
  const auto o = origin(outSeq);
  if (!o) return std::nullopt;
  return o->source;
}

std::optional<SeqRewriter::Origin> SeqRewriter::origin(uint16_t outSeq) const {
  const int32_t behind = seqDelta(static_cast<uint16_t>(highestOutExt_), outSeq);
  if (!started_ || behind < 0 || behind >= static_cast<int32_t>(kWindow)) return std::nullopt;
  const ReverseEntry& e = reverse_[outSeq % kWindow];
  if (!e.valid || e.outSeq != outSeq) return std::nullopt;
  return e.origin;
}

}  // namespace roomgate::media
