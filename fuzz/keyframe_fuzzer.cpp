// Key frame detection: isKeyframe on any payload, as either codec, must not read outside it (ASan on an
// exact-size copy), must give the same answer on the copy, and a VP8 key frame stays one with a byte
// appended (only the descriptor and the frame header's first bytes count).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/Check.hpp"
#include "media/Keyframe.hpp"

using namespace roomgate::media;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  const bool vp8 = isKeyframe(in, VideoCodec::Vp8);
  const bool h264 = isKeyframe(in, VideoCodec::H264);
  const std::vector<uint8_t> copy(in.begin(), in.end());
  CHECK(isKeyframe(copy, VideoCodec::Vp8) == vp8);
  CHECK(isKeyframe(copy, VideoCodec::H264) == h264);
  std::vector<uint8_t> longer(copy);
  longer.push_back(0);
  if (vp8) CHECK(isKeyframe(longer, VideoCodec::Vp8));
  // Every prefix is a valid input too.
  for (size_t n = 0; n < size && n < 16; ++n) (void)isKeyframe(in.first(n), VideoCodec::H264);
  return 0;
}
