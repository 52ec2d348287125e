#include "media/RembPolicy.hpp"

#include <algorithm>
#include <cmath>

namespace roomgate::media {

namespace {
constexpr double kFractionLostScale = 256.0;  // RFC 3550 6.4.1: fraction lost is /256
constexpr double kLossBackoff = 0.5;          // estimate * (1 - kLossBackoff * loss) on high loss
}  // namespace

RembPolicy::Subscriber& RembPolicy::subscriber(uint32_t id) {
  for (auto& s : subscribers_) {
    if (s.id == id) return s;
  }
  return subscribers_.emplace_back(Subscriber{id, static_cast<double>(kInitialVideoBitrateBps), {}, {}});
}

void RembPolicy::onRemb(uint32_t subscriberId, uint64_t bitrateBps) {
  subscriber(subscriberId).rembBps = bitrateBps;
}

void RembPolicy::onReceiverReport(uint32_t subscriberId, uint8_t fractionLost, Clock::time_point now) {
  Subscriber& s = subscriber(subscriberId);
  const double loss = fractionLost / kFractionLostScale;
  if (loss > kHighLoss) {
    s.lossBasedBps *= 1.0 - kLossBackoff * loss;
  } else if (loss < kLowLoss && s.lastReportAt) {
    const double seconds = std::chrono::duration<double>(now - *s.lastReportAt).count();
    s.lossBasedBps *= std::pow(1.0 + kIncreasePerSecond, std::clamp(seconds, 0.0, 1.0));
  }
  // Kept inside the clamp range so that a long stretch of either kind cannot wind it up or down.
  s.lossBasedBps = std::clamp(s.lossBasedBps, static_cast<double>(kMinVideoBitrateBps),
                              static_cast<double>(kMaxVideoBitrateBps));
  s.lastReportAt = now;
}

void RembPolicy::removeSubscriber(uint32_t subscriberId) {
  std::erase_if(subscribers_, [&](const Subscriber& s) { return s.id == subscriberId; });
}

uint64_t RembPolicy::target() const {
  uint64_t bps = kMaxVideoBitrateBps;
  for (const auto& s : subscribers_) {
    bps = std::min(bps, static_cast<uint64_t>(s.lossBasedBps));
    if (s.rembBps) bps = std::min(bps, *s.rembBps);
  }
  return std::clamp(bps, kMinVideoBitrateBps, kMaxVideoBitrateBps);
}

std::optional<uint64_t> RembPolicy::tick(Clock::time_point now) {
  if (subscribers_.empty()) return std::nullopt;
  const uint64_t bps = target();
  const bool due = !lastSentAt_ || now - *lastSentAt_ >= kRembInterval;
  const bool drop = lastSentBps_ && static_cast<double>(bps) <
                                        static_cast<double>(*lastSentBps_) * (1.0 - kRembImmediateDrop);
  if (!due && !drop) return std::nullopt;
  lastSentBps_ = bps;
  lastSentAt_ = now;
  return bps;
}

}  // namespace roomgate::media
