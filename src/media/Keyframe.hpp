#pragma once
// Key frame detection on one RTP payload (after the RTP header and extensions, padding excluded): true
// if the packet starts a key frame, which is what KeyframeRequester::onKeyframe and a subscriber's first
// picture wait for. Never reads outside `payload`; false on anything malformed. Pure; any thread.
#include <cstdint>
#include <span>

namespace roomgate::media {

enum class VideoCodec : uint8_t { Vp8, H264 };

// VP8 (RFC 7741): the first packet of partition 0 (S=1, PID=0) whose frame header has P=0 (key frame)
// and the key frame start code 9d 01 2a (RFC 6386 9.1).
// H.264 (RFC 6184): an IDR slice (NAL type 5) or SPS (7) as a single NAL unit, inside a STAP-A, or as
// the start (S=1) of an FU-A.
[[nodiscard]] bool isKeyframe(std::span<const uint8_t> payload, VideoCodec codec);

}  // namespace roomgate::media
