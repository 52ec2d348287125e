#pragma once
// KeyframeRequester: merges subscribers' PLI/FIR for one publisher video stream into requests to the
// publisher (RFC 4585 6.3.1 PLI, or RFC 5104 4.3.1 FIR where only FIR was negotiated). The rule:
//  - A key frame is *wanted* from a subscriber's PLI/FIR or a new subscriber until one arrives
//    (onKeyframe: the first packet of a key frame).
//  - Two requests are never less than kKeyframeRerequestDelay apart.
//  - A request that asks for a *new* key frame (the last request was answered, or none was made) and
//    comes from a subscriber's PLI/FIR waits until kKeyframeRequestInterval after the last request:
//    so subscribers make the publisher send at most one key frame per second.
//  - A re-request (the last request is unanswered) goes kKeyframeRerequestDelay after it, up to
//    kMaxFastRerequests times; after that, once per kKeyframeRequestInterval until a key frame comes.
//  - A new subscriber whose transport can receive (requestNow) gets a request at once when no request is
//    unanswered: every key frame before it connected was lost to it. When one is unanswered, the key
//    frame on its way serves it too, so it waits kKeyframeRerequestDelay since that request, as a
//    re-request. So its first picture takes one round trip and one frame interval.
// A request that may not go yet is sent by a later tick(). FIR repeats of one request keep its sequence
// number; a new request increments it (RFC 5104 4.3.1.2).
// Pure: no I/O, time passed in. Thread: the media thread.
#include <chrono>
#include <cstdint>
#include <optional>

namespace roomgate::media {

// The throttle: at most one subscriber-caused key frame per second per stream.
inline constexpr std::chrono::milliseconds kKeyframeRequestInterval{1000};
// A publisher answers within a frame interval plus encode time and one-way delay (< 200 ms); 400 ms
// with no key frame means the request or the frame's first packet was lost, even on a 300 ms RTT.
inline constexpr std::chrono::milliseconds kKeyframeRerequestDelay{400};
// Fast re-requests of one unanswered request: a publisher that stays silent (camera off) then gets one
// request per second, not 2.5.
inline constexpr int kMaxFastRerequests = 3;

enum class KeyframeRequestKind : uint8_t { Pli, Fir };

struct KeyframeRequest {
  KeyframeRequestKind kind = KeyframeRequestKind::Pli;
  uint8_t firSequence = 0;  // for a FIR entry; 0 for a PLI
  bool operator==(const KeyframeRequest&) const = default;
};

class KeyframeRequester {
 public:
  using Clock = std::chrono::steady_clock;

  // `kind`: what the publisher negotiated (a=rtcp-fb:* nack pli, or ccm fir).
  explicit KeyframeRequester(KeyframeRequestKind kind) : kind_(kind) {}

  // A subscriber sent a PLI or FIR for this stream. The request to send now, if any.
  [[nodiscard]] std::optional<KeyframeRequest> onSubscriberRequest(Clock::time_point now);
  // A subscriber can receive now (its DTLS is done) and needs a first picture.
  [[nodiscard]] std::optional<KeyframeRequest> requestNow(Clock::time_point now);
  // Periodic: sends what the rules held back, and re-requests.
  [[nodiscard]] std::optional<KeyframeRequest> tick(Clock::time_point now);
  // A key frame arrived from the publisher.
  void onKeyframe(Clock::time_point now);

  [[nodiscard]] bool wanted() const { return wanted_; }
  [[nodiscard]] uint64_t requestsSent() const { return requestsSent_; }

 private:
  [[nodiscard]] std::optional<KeyframeRequest> maybeSend(Clock::time_point now);

  KeyframeRequestKind kind_;
  bool wanted_ = false;
  bool urgent_ = false;      // a new subscriber waits: the short spacing applies
  bool unanswered_ = false;  // a request went out and no key frame came since
  int fastRerequests_ = 0;   // re-requests of the current unanswered request
  std::optional<Clock::time_point> lastRequestAt_;
  uint8_t firSequence_ = 0;
  uint64_t requestsSent_ = 0;
};

}  // namespace roomgate::media
