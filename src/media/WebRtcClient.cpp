#include "media/WebRtcClient.hpp"

#include "media/Rtp.hpp"
#include "media/Stun.hpp"

namespace roomgate::media {

WebRtcClient::WebRtcClient(ClientParams params, Listener& listener)
    : params_(std::move(params)),
      listener_(listener),
      dtls_(params_.certificate, DtlsRole::Client, params_.remoteFingerprint, *this) {}

WebRtcClient::~WebRtcClient() = default;

void WebRtcClient::start(TimePoint now) {
  sendCheck(now);
}

void WebRtcClient::sendCheck(TimePoint now) {
  lastCheck_ = now;
  BindingRequestParams check;
  // Unique per check: the tiebreaker (random per client), then a counter.
  const uint64_t n = ++transactions_;
  for (std::size_t i = 0; i < 8; ++i)
    check.transactionId[i] = static_cast<uint8_t>(params_.tiebreaker >> (8 * i));
  for (std::size_t i = 8; i < 12; ++i) check.transactionId[i] = static_cast<uint8_t>(n >> (8 * (i - 8)));
  check.username = params_.remote.ufrag + ":" + params_.local.ufrag;
  check.password = params_.remote.pwd;
  check.priority = 2130706431;  // a host candidate's
  check.controlling = true;
  check.tiebreaker = params_.tiebreaker;
  check.useCandidate = true;
  listener_.onClientSend(buildBindingRequest(check));
}

void WebRtcClient::receive(std::span<uint8_t> buffer, std::size_t length, TimePoint now) {
  if (length > buffer.size()) return;
  const std::span<const uint8_t> packet(buffer.data(), length);
  switch (classify(packet)) {
    case PacketKind::Stun: {
      auto message = parseStun(packet);
      if (!message) return;
      if (message->cls == StunClass::Success && verifyIntegrity(packet, *message, params_.remote.pwd)) {
        ++checksAnswered_;
        if (!iceConnected_) {
          iceConnected_ = true;
          dtls_.start(now);  // the client speaks first: ClientHello
        }
      } else if (message->cls == StunClass::Error) {
        ++checksRefused_;
      }
      return;
    }
    case PacketKind::Dtls:
      dtls_.receive(packet, now);
      return;
    case PacketKind::Rtp:
      if (!srtp_) return;
      if (const std::size_t n = srtp_->inbound.unprotectRtp(buffer, length))
        listener_.onClientRtp(buffer, n);
      else
        ++decryptFailures_;
      return;
    case PacketKind::Rtcp:
      if (!srtp_) return;
      if (const std::size_t n = srtp_->inbound.unprotectRtcp(buffer, length))
        listener_.onClientRtcp(buffer, n);
      else
        ++decryptFailures_;
      return;
    case PacketKind::Unknown:
      return;
  }
}

void WebRtcClient::tick(TimePoint now) {
  const auto interval =
      iceConnected_ ? std::chrono::milliseconds(kClientConsentInterval) : kClientCheckInterval;
  if (now - lastCheck_ >= interval) sendCheck(now);
  dtls_.tick(now);
}

bool WebRtcClient::sendRtp(std::span<uint8_t> buffer, std::size_t length) {
  if (!srtp_) return false;
  const std::size_t n = srtp_->outbound.protectRtp(buffer, length);
  if (n) listener_.onClientSend({buffer.data(), n});
  return n != 0;
}

bool WebRtcClient::sendRtcp(std::span<uint8_t> buffer, std::size_t length) {
  if (!srtp_) return false;
  const std::size_t n = srtp_->outbound.protectRtcp(buffer, length);
  if (n) listener_.onClientSend({buffer.data(), n});
  return n != 0;
}

void WebRtcClient::onDtlsSend(std::span<const uint8_t> datagram) {
  listener_.onClientSend(datagram);
}

void WebRtcClient::onDtlsConnected(const SrtpKeys& keys) {
  srtp_ = std::make_unique<SrtpPair>(keys);
  listener_.onClientConnected();
}

void WebRtcClient::onDtlsClosed(DtlsState, const std::string& reason) {
  listener_.onClientClosed(reason);
}

}  // namespace roomgate::media
