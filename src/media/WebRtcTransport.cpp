#include "media/WebRtcTransport.hpp"

#include "media/Rtp.hpp"

namespace roomgate::media {

WebRtcTransport::WebRtcTransport(TransportParams params, Listener& listener, TimePoint now)
    : listener_(listener),
      ice_(std::move(params.local), std::move(params.remoteUfrag), now),
      dtls_(std::move(params.certificate), DtlsRole::Server, std::move(params.remoteFingerprint), *this) {
  // DTLS starts (and its deadline runs) with the browser's ClientHello, after ICE.
}

WebRtcTransport::~WebRtcTransport() = default;

void WebRtcTransport::receive(std::span<uint8_t> buffer, std::size_t length, const Endpoint& from,
                              TimePoint now) {
  if (closed_ || length > buffer.size()) return;
  const std::span<const uint8_t> packet(buffer.data(), length);
  switch (classify(packet)) {
    case PacketKind::Stun:
      return receiveStun(packet, from, now);
    case PacketKind::Dtls:
      if (!ice_.knows(from)) break;
      ++counters_.dtlsPackets;
      dtls_.receive(packet, now);
      return;
    case PacketKind::Rtp:
      if (!srtp_ || !ice_.knows(from)) break;
      if (const std::size_t n = srtp_->inbound.unprotectRtp(buffer, length)) {
        ++counters_.rtpPacketsIn;
        counters_.rtpBytesIn += length;
        listener_.onRtp(buffer, n);
      } else {
        ++counters_.srtpDecryptFailures;
      }
      return;
    case PacketKind::Rtcp:
      if (!srtp_ || !ice_.knows(from)) break;
      if (const std::size_t n = srtp_->inbound.unprotectRtcp(buffer, length)) {
        ++counters_.rtcpPacketsIn;
        counters_.rtcpBytesIn += length;
        listener_.onRtcp(buffer, n);
      } else {
        ++counters_.srtpDecryptFailures;
      }
      return;
    case PacketKind::Unknown:
      break;
  }
  ++counters_.dropped;
}

void WebRtcTransport::receiveStun(std::span<const uint8_t> packet, const Endpoint& from, TimePoint now) {
  auto message = parseStun(packet);
  if (!message || message->cls != StunClass::Request) {
    ++counters_.dropped;  // malformed, or a response/indication we never asked for
    return;
  }
  const auto answer = ice_.onRequest(packet, *message, from, now);
  if (answer.valid) {
    ++counters_.stunRequests;
    listener_.onTransportTuple(from);
  } else if (!answer.response.empty()) {
    ++counters_.stunRejected;
  }
  if (!answer.response.empty()) listener_.onTransportSend(from, answer.response);
}

bool WebRtcTransport::sendRtp(std::span<uint8_t> buffer, std::size_t length) {
  return send(buffer, length, false);
}
bool WebRtcTransport::sendRtcp(std::span<uint8_t> buffer, std::size_t length) {
  return send(buffer, length, true);
}

bool WebRtcTransport::send(std::span<uint8_t> buffer, std::size_t length, bool rtcp) {
  if (closed_ || !srtp_ || !ice_.selected()) return false;
  const std::size_t n =
      rtcp ? srtp_->outbound.protectRtcp(buffer, length) : srtp_->outbound.protectRtp(buffer, length);
  if (n == 0) {
    ++counters_.srtpEncryptFailures;
    return false;
  }
  if (rtcp) {
    ++counters_.rtcpPacketsOut;
    counters_.rtcpBytesOut += n;
  } else {
    ++counters_.rtpPacketsOut;
    counters_.rtpBytesOut += n;
  }
  listener_.onTransportSend(*ice_.selected(), {buffer.data(), n});
  return true;
}

void WebRtcTransport::tick(TimePoint now) {
  if (closed_) return;
  dtls_.tick(now);
  if (!closed_ && ice_.consentExpired(now))
    close(ice_.connected()
              ? "ICE consent expired: no valid check for " + std::to_string(kConsentTimeout.count()) + " s"
              : "ICE never connected: no valid check within " + std::to_string(kConsentTimeout.count()) +
                    " s");
}

void WebRtcTransport::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  dtls_.close();
  listener_.onTransportClosed(reason);
}

void WebRtcTransport::onDtlsSend(std::span<const uint8_t> datagram) {
  if (ice_.selected()) listener_.onTransportSend(*ice_.selected(), datagram);
}

void WebRtcTransport::onDtlsConnected(const SrtpKeys& keys) {
  srtp_ = std::make_unique<SrtpPair>(keys);
  listener_.onTransportConnected();
}

void WebRtcTransport::onDtlsClosed(DtlsState state, const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  listener_.onTransportClosed((state == DtlsState::Failed ? "DTLS failed: " : "DTLS closed: ") + reason);
}

}  // namespace roomgate::media
