#include "media/Srtp.hpp"

#include <srtp2/srtp.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "common/Check.hpp"

namespace roomgate::media {
namespace {

void initOnce() {
  static std::once_flag once;
  std::call_once(once, [] { CHECK(srtp_init() == srtp_err_status_ok); });
}

std::size_t keySaltLength(SrtpProfile p) {
  return p == SrtpProfile::AeadAes128Gcm ? 16 + 12 : 16 + 14;
}

}  // namespace

struct SrtpSession::Impl {
  srtp_t session = nullptr;
  ~Impl() {
    if (session) srtp_dealloc(session);
  }
};

SrtpSession::SrtpSession(SrtpProfile profile, std::span<const uint8_t> keySalt, Direction direction)
    : impl_(std::make_unique<Impl>()), direction_(direction) {
  initOnce();
  CHECK(keySalt.size() == keySaltLength(profile));
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  if (profile == SrtpProfile::AeadAes128Gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = const_cast<unsigned char*>(keySalt.data());  // libsrtp copies the key
  policy.window_size = kSrtpReplayWindow;
  policy.allow_repeat_tx = 1;  // a retransmission reuses its sequence number
  policy.next = nullptr;
  CHECK(srtp_create(&impl_->session, &policy) == srtp_err_status_ok);
}

SrtpSession::~SrtpSession() = default;

namespace {
template <typename Fn>
std::size_t transform(std::span<uint8_t> buffer, std::size_t length, std::size_t room, Fn&& fn) {
  if (length == 0 || length + room > buffer.size() || length > static_cast<std::size_t>(INT_MAX)) return 0;
  int n = static_cast<int>(length);
  if (fn(buffer.data(), &n) != srtp_err_status_ok) return 0;
  return static_cast<std::size_t>(n);
}
}  // namespace

std::size_t SrtpSession::protectRtp(std::span<uint8_t> buffer, std::size_t length) {
  return transform(buffer, length, kSrtpMaxOverhead,
                   [&](uint8_t* p, int* n) { return srtp_protect(impl_->session, p, n); });
}
std::size_t SrtpSession::protectRtcp(std::span<uint8_t> buffer, std::size_t length) {
  return transform(buffer, length, kSrtpMaxOverhead,
                   [&](uint8_t* p, int* n) { return srtp_protect_rtcp(impl_->session, p, n); });
}
std::size_t SrtpSession::unprotectRtp(std::span<uint8_t> buffer, std::size_t length) {
  return transform(buffer, length, 0,
                   [&](uint8_t* p, int* n) { return srtp_unprotect(impl_->session, p, n); });
}
std::size_t SrtpSession::unprotectRtcp(std::span<uint8_t> buffer, std::size_t length) {
  return transform(buffer, length, 0,
                   [&](uint8_t* p, int* n) { return srtp_unprotect_rtcp(impl_->session, p, n); });
}

}  // namespace roomgate::media
