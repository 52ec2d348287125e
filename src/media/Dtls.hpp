#pragma once
// DTLS 1.2 for DTLS-SRTP (RFC 5763, RFC 5764): the certificate a process presents and one handshake per
// transport, driven entirely through memory: received datagrams go in through receive(), datagrams to send
// come out through the Listener. OpenSSL stays inside Dtls.cpp; nothing here names an OpenSSL type.
// Thread: a DtlsCertificate is immutable once made (share it); a DtlsSession belongs to one thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace roomgate::media {

// The SRTP protection profiles we offer, strongest first (RFC 7714, RFC 5764).
enum class SrtpProfile { AeadAes128Gcm, Aes128CmSha1_80 };
[[nodiscard]] std::string_view profileName(SrtpProfile p);

// Keying material exported after the handshake (RFC 5764 section 4.2): key and salt of each direction.
struct SrtpKeys {
  SrtpProfile profile = SrtpProfile::AeadAes128Gcm;
  std::vector<uint8_t> localKeySalt;   // protects what we send: key || salt
  std::vector<uint8_t> remoteKeySalt;  // unprotects what we receive: key || salt
};

// A DTLS datagram larger than this is split by OpenSSL into several (IPv6 minimum MTU minus headroom).
inline constexpr int kDtlsMtu = 1200;
// A handshake not finished this long after its first datagram is abandoned.
inline constexpr std::chrono::seconds kDtlsHandshakeTimeout{30};

// An ECDSA P-256 key and a self-signed certificate, made once at start (RFC 8827 section 6.5).
class DtlsCertificate {
 public:
  // Generates a fresh key and certificate (valid from a day ago for 30 days). Aborts if OpenSSL cannot.
  static std::shared_ptr<const DtlsCertificate> generate();
  ~DtlsCertificate();
  DtlsCertificate(const DtlsCertificate&) = delete;
  DtlsCertificate& operator=(const DtlsCertificate&) = delete;

  // "AB:CD:..." (uppercase hex pairs), the value of the SDP's `a=fingerprint:sha-256`.
  [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }

  struct Impl;
  [[nodiscard]] const Impl& impl() const { return *impl_; }

 private:
  DtlsCertificate();
  std::unique_ptr<Impl> impl_;
  std::string fingerprint_;
};

enum class DtlsRole { Server, Client };
enum class DtlsState { New, Connecting, Connected, Failed, Closed };
[[nodiscard]] std::string_view stateName(DtlsState s);

class DtlsSession {
 public:
  // Told of everything a session produces. Callbacks run inside receive()/tick()/start(); they must not
  // destroy the session.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onDtlsSend(std::span<const uint8_t> datagram) = 0;
    virtual void onDtlsConnected(const SrtpKeys& keys) = 0;
    // The handshake failed or the peer closed; `reason` is for the log.
    virtual void onDtlsClosed(DtlsState state, const std::string& reason) = 0;
    // Application data (a data channel would live here); ignored by the SFU.
    virtual void onDtlsData(std::span<const uint8_t>) {}
  };

  // `remoteFingerprint`: the peer's sha-256 fingerprint from its SDP ("AB:CD:..", any case); the
  // handshake fails unless the peer's certificate matches it.
  DtlsSession(std::shared_ptr<const DtlsCertificate> certificate, DtlsRole role,
              std::string remoteFingerprint, Listener& listener);
  ~DtlsSession();
  DtlsSession(const DtlsSession&) = delete;
  DtlsSession& operator=(const DtlsSession&) = delete;

  // Starts the handshake: a client sends its ClientHello, a server waits for one.
  void start(std::chrono::steady_clock::time_point now);
  // A datagram from the peer whose first byte is 20..63 (RFC 7983).
  void receive(std::span<const uint8_t> datagram, std::chrono::steady_clock::time_point now);
  // Retransmits a lost flight when its timer expired; fails a handshake past kDtlsHandshakeTimeout.
  void tick(std::chrono::steady_clock::time_point now);
  // Sends close_notify (if connected) and stops.
  void close();

  [[nodiscard]] DtlsState state() const { return state_; }
  [[nodiscard]] DtlsRole role() const { return role_; }

 private:
  void advanceHandshake();
  void fail(std::string reason);
  void flushOutput();
  bool checkPeerFingerprint(std::string& reason);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<const DtlsCertificate> certificate_;
  DtlsRole role_;
  std::string remoteFingerprint_;
  Listener& listener_;
  DtlsState state_ = DtlsState::New;
  std::optional<std::chrono::steady_clock::time_point> startedAt_;
};

// The sha-256 fingerprint as written in SDP, normalised for comparison (uppercase); nullopt if malformed.
[[nodiscard]] std::optional<std::string> normaliseFingerprint(std::string_view text);

}  // namespace roomgate::media
