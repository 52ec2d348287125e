#include "media/Keyframe.hpp"

#include <cstddef>

#include "media/Bytes.hpp"

namespace roomgate::media {

namespace {

// RFC 7741 section 4.2, the payload descriptor:
//       0 1 2 3 4 5 6 7
//      +-+-+-+-+-+-+-+-+
//      |X|R|N|S|R| PID | (REQUIRED)
//      +-+-+-+-+-+-+-+-+
// X:   |I|L|T|K| RSV   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// I:   |M| PictureID   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
//      |   PictureID   | (when M: 15 bits)
//      +-+-+-+-+-+-+-+-+
// L:   |   TL0PICIDX   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// T/K: |TID|Y| KEYIDX  | (OPTIONAL: when T or K)
//      +-+-+-+-+-+-+-+-+
// Then RFC 7741 4.3 / RFC 6386 9.1, the frame header of the first partition:
//      |Size0|H| VER |P| Size1 | Size2 |  start code 9d 01 2a (key frames only) | ...
constexpr uint8_t kVp8X = 0x80, kVp8S = 0x10, kVp8PidMask = 0x07;
constexpr uint8_t kVp8I = 0x80, kVp8L = 0x40, kVp8T = 0x20, kVp8K = 0x10, kVp8M = 0x80;
constexpr uint8_t kVp8InterFrame = 0x01;  // P: 0 for a key frame
constexpr uint8_t kVp8StartCode[] = {0x9d, 0x01, 0x2a};
constexpr size_t kVp8StartCodeOffset = 3;

bool vp8Keyframe(std::span<const uint8_t> p) {
  if (p.empty()) return false;
  const uint8_t first = p[0];
  if (!(first & kVp8S) || (first & kVp8PidMask) != 0) return false;
  size_t pos = 1;
  if (first & kVp8X) {
    if (pos >= p.size()) return false;
    const uint8_t x = p[pos++];
    if (x & kVp8I) {
      if (pos >= p.size()) return false;
      pos += (p[pos] & kVp8M) ? 2 : 1;
    }
    if (x & kVp8L) ++pos;
    if (x & (kVp8T | kVp8K)) ++pos;
  }
  const size_t header = pos;
  if (header + kVp8StartCodeOffset + sizeof(kVp8StartCode) > p.size()) return false;
  if (p[header] & kVp8InterFrame) return false;
  for (size_t i = 0; i < sizeof(kVp8StartCode); ++i) {
    if (p[header + kVp8StartCodeOffset + i] != kVp8StartCode[i]) return false;
  }
  return true;
}

// RFC 6184 section 5.3, the NAL unit header |F|NRI|Type(5)|; 5.7.1 STAP-A: header, then
// (16-bit size, NAL unit)*; 5.8 FU-A: FU indicator (a NAL header of type 28), FU header |S|E|R|Type|.
constexpr uint8_t kNalTypeMask = 0x1F;
constexpr uint8_t kNalIdr = 5, kNalSps = 7, kNalStapA = 24, kNalFuA = 28;
constexpr uint8_t kFuStart = 0x80;
constexpr size_t kStapASizeField = 2;

bool keyNal(uint8_t nalHeader) {
  const uint8_t type = nalHeader & kNalTypeMask;
  return type == kNalIdr || type == kNalSps;
}

bool h264Keyframe(std::span<const uint8_t> p) {
  if (p.empty()) return false;
  const uint8_t type = p[0] & kNalTypeMask;
  if (type == kNalStapA) {
    size_t pos = 1;
    while (p.size() - pos >= kStapASizeField) {
      const size_t size = readU16(p, pos);
      pos += kStapASizeField;
      if (size == 0 || size > p.size() - pos) return false;
      if (keyNal(p[pos])) return true;
      pos += size;
    }
    return false;
  }
  if (type == kNalFuA) return p.size() >= 2 && (p[1] & kFuStart) && keyNal(p[1]);
  return keyNal(p[0]);
}

}  // namespace

bool isKeyframe(std::span<const uint8_t> payload, VideoCodec codec) {
  switch (codec) {
    case VideoCodec::Vp8:
      return vp8Keyframe(payload);
    case VideoCodec::H264:
      return h264Keyframe(payload);
  }
  return false;
}

}  // namespace roomgate::media
