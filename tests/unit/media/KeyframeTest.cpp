#include "media/Keyframe.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace roomgate::media {
namespace {

using Bytes = std::vector<uint8_t>;

// A VP8 payload: the payload descriptor, then the frame header.
Bytes vp8Payload(Bytes descriptor, const Bytes& frameHeader) {
  descriptor.insert(descriptor.end(), frameHeader.begin(), frameHeader.end());
  return descriptor;
}

// VP8 frame headers (RFC 6386 9.1): size/show/version/P, two size bytes, then for a key frame the start
// code and the 14-bit width and height (640x480).
const Bytes kVp8KeyHeader = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
const Bytes kVp8InterHeader = {0x11, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

bool vp8(const Bytes& b) {
  return isKeyframe(b, VideoCodec::Vp8);
}
bool h264(const Bytes& b) {
  return isKeyframe(b, VideoCodec::H264);
}

TEST(KeyframeVp8, MinimalDescriptorKeyFrame) {
  EXPECT_TRUE(vp8(vp8Payload({0x10}, kVp8KeyHeader)));  // S=1, PID 0
}

TEST(KeyframeVp8, InterFrameIsNot) {
  EXPECT_FALSE(vp8(vp8Payload({0x10}, kVp8InterHeader)));
}

TEST(KeyframeVp8, OnlyTheStartOfPartitionZeroCounts) {
  EXPECT_FALSE(vp8(vp8Payload({0x00}, kVp8KeyHeader)));  // S=0: a continuation
  EXPECT_FALSE(vp8(vp8Payload({0x11}, kVp8KeyHeader)));  // PID 1
}

TEST(KeyframeVp8, ExtendedFieldsAreSkipped) {
  // X; I with a 15-bit picture ID (M), L, T and K: as Chromium sends with temporal layers.
  EXPECT_TRUE(vp8(vp8Payload({0x90, 0xF0, 0x80 | 0x12, 0x34, 0x05, 0x40}, kVp8KeyHeader)));
  // X; I with a 7-bit picture ID only.
  EXPECT_TRUE(vp8(vp8Payload({0x90, 0x80, 0x12}, kVp8KeyHeader)));
  // X; K only (a TID/Y/KEYIDX byte).
  EXPECT_TRUE(vp8(vp8Payload({0x90, 0x10, 0x00}, kVp8KeyHeader)));
  // X; L only.
  EXPECT_TRUE(vp8(vp8Payload({0x90, 0x40, 0x07}, kVp8KeyHeader)));
  // X with nothing set.
  EXPECT_TRUE(vp8(vp8Payload({0x90, 0x00}, kVp8KeyHeader)));
  EXPECT_FALSE(vp8(vp8Payload({0x90, 0xF0, 0x80 | 0x12, 0x34, 0x05, 0x40}, kVp8InterHeader)));
}

TEST(KeyframeVp8, MisreadingTheDescriptorLengthFails) {
  // The same bytes with M clear: the descriptor is one byte shorter, so the header is misplaced.
  EXPECT_FALSE(vp8(vp8Payload({0x90, 0xF0, 0x12, 0x34, 0x05, 0x40}, kVp8KeyHeader)));
}

TEST(KeyframeVp8, TruncatedInputIsNotAKeyFrame) {
  const Bytes full = vp8Payload({0x90, 0xF0, 0x80 | 0x12, 0x34, 0x05, 0x40}, kVp8KeyHeader);
  for (size_t n = 0; n < 12; ++n) {
    EXPECT_FALSE(vp8(Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)))) << n;
  }
  EXPECT_TRUE(vp8(Bytes(full.begin(), full.begin() + 12)));  // the start code is all it needs
  EXPECT_FALSE(vp8({}));
  EXPECT_FALSE(vp8({0x90}));
  EXPECT_FALSE(vp8({0x90, 0x80}));
}

TEST(KeyframeVp8, WrongStartCodeIsNot) {
  EXPECT_FALSE(vp8({0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2b, 0x80, 0x02, 0xe0, 0x01}));
}

// NAL unit headers: F=0, NRI=3, type.
constexpr uint8_t kIdr = 0x65, kSps = 0x67, kPps = 0x68, kSlice = 0x41, kSei = 0x06;

TEST(KeyframeH264, SingleNalUnits) {
  EXPECT_TRUE(h264({kIdr, 0x88, 0x84}));
  EXPECT_TRUE(h264({kSps, 0x42, 0xc0, 0x1f}));
  EXPECT_FALSE(h264({kPps, 0xce}));
  EXPECT_FALSE(h264({kSlice, 0x9a}));
  EXPECT_FALSE(h264({}));
}

TEST(KeyframeH264, StapA) {
  // STAP-A (24) with SPS, PPS, IDR, as Chromium packs a key frame's first packet.
  EXPECT_TRUE(h264({0x78, 0x00, 0x03, kSps, 0x42, 0xc0, 0x00, 0x02, kPps, 0xce, 0x00, 0x02, kIdr, 0x88}));
  // An IDR found after a non-key NAL.
  EXPECT_TRUE(h264({0x78, 0x00, 0x02, kSei, 0x05, 0x00, 0x02, kIdr, 0x88}));
  // Only non-key NALs.
  EXPECT_FALSE(h264({0x78, 0x00, 0x02, kSei, 0x05, 0x00, 0x02, kSlice, 0x9a}));
}

TEST(KeyframeH264, MalformedStapA) {
  EXPECT_FALSE(h264({0x78}));
  EXPECT_FALSE(h264({0x78, 0x00}));
  EXPECT_FALSE(h264({0x78, 0x00, 0x00, kIdr}));                    // a zero size
  EXPECT_FALSE(h264({0x78, 0x00, 0x05, kIdr, 0x88}));              // overruns
  EXPECT_FALSE(h264({0x78, 0x00, 0x01, kSei, 0x00, 0x09, kIdr}));  // the second overruns
}

TEST(KeyframeH264, FuA) {
  EXPECT_TRUE(h264({0x7c, 0x85, 0x88, 0x84}));   // FU-A, S=1, type 5
  EXPECT_FALSE(h264({0x7c, 0x05, 0x88, 0x84}));  // middle fragment of an IDR
  EXPECT_FALSE(h264({0x7c, 0x45, 0x88}));        // end fragment
  EXPECT_FALSE(h264({0x7c, 0x81, 0x9a}));        // start of a non-IDR slice
  EXPECT_FALSE(h264({0x7c}));
}

TEST(KeyframeH264, OtherAggregationsAreNotRead) {
  EXPECT_FALSE(h264({0x79, 0x00, 0x00, 0x03, kIdr, 0x88, 0x84}));  // STAP-B
  EXPECT_FALSE(h264({0x7d, 0x00, 0x00, 0x85, 0x88}));              // FU-B
}

}  // namespace
}  // namespace roomgate::media
