#pragma once
// What the media benchmarks share: libsrtp on its own (the crypto floor the engine is compared with),
// a plain RTP header, the median of a run's rounds, and their --packets / --rounds options.
#include <srtp2/srtp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "media/Srtp.hpp"

namespace roomgate::bench {

// A 12-byte RTP header (V=2, no extension, no marker).
inline std::vector<uint8_t> rtpHeader(uint8_t payloadType, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  return {0x80,
          payloadType,
          static_cast<uint8_t>(seq >> 8),
          static_cast<uint8_t>(seq),
          static_cast<uint8_t>(ts >> 24),
          static_cast<uint8_t>(ts >> 16),
          static_cast<uint8_t>(ts >> 8),
          static_cast<uint8_t>(ts),
          static_cast<uint8_t>(ssrc >> 24),
          static_cast<uint8_t>(ssrc >> 16),
          static_cast<uint8_t>(ssrc >> 8),
          static_cast<uint8_t>(ssrc)};
}

struct SrtpDeleter {
  void operator()(srtp_t s) const { srtp_dealloc(s); }
};
using BareSrtp = std::unique_ptr<srtp_ctx_t_, SrtpDeleter>;

// A libsrtp session with the policy the engine's sessions use (AEAD_AES_128_GCM, as browsers negotiate
// with roomgate; the engine's replay window; repeated sends allowed), keyed with `key` (16 + 12 bytes).
inline BareSrtp bareGcmSession(srtp_ssrc_type_t direction, std::vector<uint8_t>& key) {
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  policy.ssrc.type = direction;
  policy.key = key.data();
  policy.window_size = media::kSrtpReplayWindow;
  policy.allow_repeat_tx = 1;
  srtp_t s = nullptr;
  if (srtp_create(&s, &policy) != srtp_err_status_ok) {
    std::fprintf(stderr, "libsrtp refused the policy\n");
    std::exit(1);
  }
  return BareSrtp(s);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// --packets N and --rounds R, each overriding its default.
inline void parseRunOptions(int argc, char** argv, std::size_t& packets, int& rounds) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--packets") == 0) packets = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::stoi(argv[i + 1]);
  }
}

}  // namespace roomgate::bench
