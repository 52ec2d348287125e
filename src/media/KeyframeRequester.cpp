#include "media/KeyframeRequester.hpp"

namespace roomgate::media {

std::optional<KeyframeRequest> KeyframeRequester::onSubscriberRequest(Clock::time_point now) {
  wanted_ = true;
  return maybeSend(now);
}

std::optional<KeyframeRequest> KeyframeRequester::requestNow(Clock::time_point now) {
  wanted_ = true;
  urgent_ = true;
  return maybeSend(now);
}

std::optional<KeyframeRequest> KeyframeRequester::tick(Clock::time_point now) {
  return maybeSend(now);
}

void KeyframeRequester::onKeyframe(Clock::time_point /*now*/) {
  wanted_ = false;
  urgent_ = false;
  unanswered_ = false;
  fastRerequests_ = 0;
}

std::optional<KeyframeRequest> KeyframeRequester::maybeSend(Clock::time_point now) {
  if (!wanted_) return std::nullopt;
  const bool fastRerequest = unanswered_ && fastRerequests_ < kMaxFastRerequests;
  // A new subscriber missed every key frame sent before it could receive: with none on its way, it
  // needs one now; with one on its way it gets that one, so this waits like a re-request.
  const auto spacing = urgent_ && !unanswered_    ? Clock::duration::zero()
                       : urgent_ || fastRerequest ? Clock::duration(kKeyframeRerequestDelay)
                                                  : Clock::duration(kKeyframeRequestInterval);
  if (lastRequestAt_ && now - *lastRequestAt_ < spacing) return std::nullopt;
  if (unanswered_) {
    if (fastRerequest) ++fastRerequests_;
  } else {
    ++firSequence_;  // a new request; a repeat keeps the number
    fastRerequests_ = 0;
  }
  unanswered_ = true;
  urgent_ = false;
  lastRequestAt_ = now;
  ++requestsSent_;
  if (kind_ == KeyframeRequestKind::Pli) return KeyframeRequest{KeyframeRequestKind::Pli, 0};
  return KeyframeRequest{KeyframeRequestKind::Fir, firSequence_};
}

}  // namespace roomgate::media
