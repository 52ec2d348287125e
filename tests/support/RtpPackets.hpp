#pragma once
// Plain RTP packets for the media tests: a 12-byte header and a payload that depends on the sequence
// number, so two packets built alike are equal and different sequence numbers differ.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace roomgate::testing {

inline std::vector<uint8_t> rtpPacket(uint32_t ssrc, uint16_t seq, std::size_t payloadBytes,
                                      uint8_t payloadType = 96) {
  std::vector<uint8_t> p = {0x80,
                            payloadType,
                            static_cast<uint8_t>(seq >> 8),
                            static_cast<uint8_t>(seq),
                            0,
                            0,
                            1,
                            0,
                            static_cast<uint8_t>(ssrc >> 24),
                            static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8),
                            static_cast<uint8_t>(ssrc)};
  for (std::size_t i = 0; i < payloadBytes; ++i) p.push_back(static_cast<uint8_t>(i ^ seq));
  return p;
}

}  // namespace roomgate::testing
