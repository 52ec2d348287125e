#include "media/Dtls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <cctype>
#include <mutex>

#include "common/Check.hpp"

namespace roomgate::media {
namespace {

struct SslDeleter {
  void operator()(SSL* p) const { SSL_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, SslDeleter>;

// "use_srtp" profiles, strongest first; the names are OpenSSL's.
constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
// RFC 5764 section 4.2: the exporter label.
constexpr std::string_view kExporterLabel = "EXTRACTOR-dtls_srtp";
// How long the certificate is valid: a process restarts long before, and a browser checks only the pin.
constexpr long kCertificateValidDays = 30;

// The first OpenSSL error on this thread's queue, as text, and the queue cleared.
std::string opensslError(std::string_view what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(what);
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return std::string(what) + ": " + text.data();
}

std::string hexFingerprint(const unsigned char* digest, unsigned length) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned i = 0; i < length; ++i) {
    if (i) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string sha256Fingerprint(X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned length = 0;
  CHECK(X509_digest(cert, EVP_sha256(), digest.data(), &length) == 1);
  return hexFingerprint(digest.data(), length);
}

// A write-only BIO that hands each datagram DTLS writes to the session (one BIO_write = one datagram, so a
// flight larger than the MTU is never glued into one oversized UDP packet, as a memory BIO would).
struct DatagramSink {
  std::vector<std::vector<uint8_t>> pending;
};

int sinkWrite(BIO* bio, const char* data, int length) {
  auto* sink = static_cast<DatagramSink*>(BIO_get_data(bio));
  if (!sink || length < 0) return -1;
  sink->pending.emplace_back(data, data + length);
  return length;
}

long sinkCtrl(BIO*, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
      return kDtlsMtu;
    case BIO_CTRL_WPENDING:
    case BIO_CTRL_PENDING:
      return 0;
    default:
      return 0;
  }
}

int sinkCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* sinkMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "roomgate-dtls-sink");
    CHECK(m != nullptr);
    BIO_meth_set_write(m, sinkWrite);
    BIO_meth_set_ctrl(m, sinkCtrl);
    BIO_meth_set_create(m, sinkCreate);
    return m;
  }();
  return method;
}

// Accept any certificate during the handshake: the peer is authenticated afterwards by comparing its
// certificate's digest with the fingerprint from its SDP (RFC 8122), which is what a self-signed pin means.
int acceptAnyCertificate(int, X509_STORE_CTX*) {
  return 1;
}

}  // namespace

std::string_view profileName(SrtpProfile p) {
  return p == SrtpProfile::AeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

std::string_view stateName(DtlsState s) {
  switch (s) {
    case DtlsState::New:
      return "new";
    case DtlsState::Connecting:
      return "connecting";
    case DtlsState::Connected:
      return "connected";
    case DtlsState::Failed:
      return "failed";
    case DtlsState::Closed:
      return "closed";
  }
  return "unknown";
}

std::optional<std::string> normaliseFingerprint(std::string_view text) {
  // 32 bytes as hex pairs separated by colons.
  if (text.size() != 32 * 3 - 1) return std::nullopt;
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (i % 3 == 2) {
      if (c != ':') return std::nullopt;
    } else {
      if (!std::isxdigit(c)) return std::nullopt;
      out[i] = static_cast<char>(std::toupper(c));
    }
  }
  return out;
}

// ---- certificate --------------------------------------------------------------------------------------

struct DtlsCertificate::Impl {
  Owned<EVP_PKEY> key;
  Owned<X509> cert;
  Owned<SSL_CTX> ctx;
};

DtlsCertificate::DtlsCertificate() : impl_(std::make_unique<Impl>()) {}
DtlsCertificate::~DtlsCertificate() = default;

std::shared_ptr<const DtlsCertificate> DtlsCertificate::generate() {
  std::shared_ptr<DtlsCertificate> self(new DtlsCertificate());
  Impl& d = *self->impl_;
  d.key.reset(EVP_EC_gen("P-256"));
  CHECK(d.key != nullptr);

  d.cert.reset(X509_new());
  CHECK(d.cert != nullptr);
  X509* cert = d.cert.get();
  CHECK(X509_set_version(cert, 2) == 1);
  std::array<unsigned char, 8> serial{};
  CHECK(RAND_bytes(serial.data(), serial.size()) == 1);
  serial[0] &= 0x7F;  // a positive INTEGER
  BIGNUM* bn = BN_bin2bn(serial.data(), serial.size(), nullptr);
  CHECK(bn != nullptr);
  CHECK(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr);
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), kCertificateValidDays * 24L * 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  CHECK(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("roomgate"), -1, -1, 0) == 1);
  CHECK(X509_set_issuer_name(cert, name) == 1);
  CHECK(X509_set_pubkey(cert, d.key.get()) == 1);
  CHECK(X509_sign(cert, d.key.get(), EVP_sha256()) > 0);

  d.ctx.reset(SSL_CTX_new(DTLS_method()));
  CHECK(d.ctx != nullptr);
  SSL_CTX* ctx = d.ctx.get();
  CHECK(SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1);
  CHECK(SSL_CTX_use_certificate(ctx, cert) == 1);
  CHECK(SSL_CTX_use_PrivateKey(ctx, d.key.get()) == 1);
  CHECK(SSL_CTX_check_private_key(ctx) == 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptAnyCertificate);
  CHECK(SSL_CTX_set_tlsext_use_srtp(ctx, kSrtpProfiles) == 0);  // 0 means success here
  CHECK(SSL_CTX_set_cipher_list(ctx,
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256") == 1);
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU);
  SSL_CTX_set_read_ahead(ctx, 1);

  self->fingerprint_ = sha256Fingerprint(cert);
  return self;
}

// ---- session ------------------------------------------------------------------------------------------

struct DtlsSession::Impl {
  Owned<SSL> ssl;
  BIO* in = nullptr;  // memory BIO, owned by ssl
  DatagramSink sink;
};

DtlsSession::DtlsSession(std::shared_ptr<const DtlsCertificate> certificate, DtlsRole role,
                         std::string remoteFingerprint, Listener& listener)
    : impl_(std::make_unique<Impl>()),
      certificate_(std::move(certificate)),
      role_(role),
      remoteFingerprint_(normaliseFingerprint(remoteFingerprint).value_or("")),
      listener_(listener) {
  CHECK(certificate_ != nullptr);
  impl_->ssl.reset(SSL_new(certificate_->impl().ctx.get()));
  CHECK(impl_->ssl != nullptr);
  SSL* ssl = impl_->ssl.get();
  impl_->in = BIO_new(BIO_s_mem());
  CHECK(impl_->in != nullptr);
  BIO_set_mem_eof_return(impl_->in, -1);  // empty = "try again", not end of stream
  BIO* out = BIO_new(sinkMethod());
  CHECK(out != nullptr);
  BIO_set_data(out, &impl_->sink);
  SSL_set_bio(ssl, impl_->in, out);
  SSL_set_mtu(ssl, kDtlsMtu);
  DTLS_set_link_mtu(ssl, kDtlsMtu);
  if (role_ == DtlsRole::Server)
    SSL_set_accept_state(ssl);
  else
    SSL_set_connect_state(ssl);
}

DtlsSession::~DtlsSession() = default;

void DtlsSession::start(std::chrono::steady_clock::time_point now) {
  if (state_ != DtlsState::New) return;
  state_ = DtlsState::Connecting;
  startedAt_ = now;
  if (role_ == DtlsRole::Client) advanceHandshake();
}

void DtlsSession::receive(std::span<const uint8_t> datagram, std::chrono::steady_clock::time_point now) {
  if (state_ == DtlsState::New) start(now);
  if (state_ == DtlsState::Failed || state_ == DtlsState::Closed) return;
  if (datagram.empty() || datagram.size() > static_cast<std::size_t>(INT32_MAX)) return;
  (void)BIO_reset(impl_->in);  // one datagram at a time: a stale partial record is never glued to the next
  BIO_write(impl_->in, datagram.data(), static_cast<int>(datagram.size()));
  if (state_ == DtlsState::Connecting) {
    advanceHandshake();
    return;
  }
  // Connected: application data, alerts, close_notify, or a retransmitted Finished to answer.
  std::array<uint8_t, 2048> buffer{};
  for (;;) {
    const int n = SSL_read(impl_->ssl.get(), buffer.data(), static_cast<int>(buffer.size()));
    if (n > 0) {
      listener_.onDtlsData({buffer.data(), static_cast<std::size_t>(n)});
      continue;
    }
    const int error = SSL_get_error(impl_->ssl.get(), n);
    flushOutput();
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = DtlsState::Closed;
      listener_.onDtlsClosed(state_, "the peer closed DTLS (close_notify)");
    } else if (error == SSL_ERROR_SSL) {
      fail(opensslError("DTLS error after the handshake"));
    }
    ERR_clear_error();
    return;
  }
}

void DtlsSession::tick(std::chrono::steady_clock::time_point now) {
  if (state_ != DtlsState::Connecting) return;
  if (startedAt_ && now - *startedAt_ > kDtlsHandshakeTimeout) {
    fail("the DTLS handshake did not finish within " + std::to_string(kDtlsHandshakeTimeout.count()) + " s");
    return;
  }
  timeval left{};
  if (DTLSv1_get_timeout(impl_->ssl.get(), &left) == 1 && left.tv_sec == 0 && left.tv_usec == 0) {
    if (DTLSv1_handle_timeout(impl_->ssl.get()) < 0) {
      flushOutput();
      fail(opensslError("the DTLS handshake gave up after too many retransmissions"));
      return;
    }
    flushOutput();
  }
}

void DtlsSession::close() {
  if (state_ == DtlsState::Connected) {
    SSL_shutdown(impl_->ssl.get());
    flushOutput();
  }
  if (state_ != DtlsState::Failed) state_ = DtlsState::Closed;
  ERR_clear_error();
}

void DtlsSession::advanceHandshake() {
  SSL* ssl = impl_->ssl.get();
  const int r = SSL_do_handshake(ssl);
  flushOutput();
  if (r != 1) {
    const int error = SSL_get_error(ssl, r);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      ERR_clear_error();
      return;
    }
    fail(opensslError("the DTLS handshake failed"));
    return;
  }
  std::string reason;
  if (!checkPeerFingerprint(reason)) {
    fail(reason);
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl);
  if (!selected) {
    fail("the peer negotiated no SRTP protection profile (use_srtp)");
    return;
  }
  SrtpKeys keys;
  std::size_t keyLength = 16;
  std::size_t saltLength = 0;
  if (selected->id == SRTP_AEAD_AES_128_GCM) {
    keys.profile = SrtpProfile::AeadAes128Gcm;
    saltLength = 12;
  } else if (selected->id == SRTP_AES128_CM_SHA1_80) {
    keys.profile = SrtpProfile::Aes128CmSha1_80;
    saltLength = 14;
  } else {
    fail(std::string("the peer chose an SRTP profile we do not offer: ") + selected->name);
    return;
  }
  // RFC 5764 section 4.2: client key, server key, client salt, server salt.
  std::vector<uint8_t> material(2 * (keyLength + saltLength));
  if (SSL_export_keying_material(ssl, material.data(), material.size(), kExporterLabel.data(),
                                 kExporterLabel.size(), nullptr, 0, 0) != 1) {
    fail(opensslError("could not export the SRTP keys"));
    return;
  }
  const auto keyOf = [&](std::size_t index) {
    std::vector<uint8_t> keySalt(material.begin() + static_cast<std::ptrdiff_t>(index * keyLength),
                                 material.begin() + static_cast<std::ptrdiff_t>((index + 1) * keyLength));
    const auto saltAt = material.begin() + static_cast<std::ptrdiff_t>(2 * keyLength + index * saltLength);
    keySalt.insert(keySalt.end(), saltAt, saltAt + static_cast<std::ptrdiff_t>(saltLength));
    return keySalt;
  };
  const std::size_t local = role_ == DtlsRole::Client ? 0 : 1;
  keys.localKeySalt = keyOf(local);
  keys.remoteKeySalt = keyOf(1 - local);
  state_ = DtlsState::Connected;
  listener_.onDtlsConnected(keys);
}

bool DtlsSession::checkPeerFingerprint(std::string& reason) {
  Owned<X509> peer(SSL_get1_peer_certificate(impl_->ssl.get()));
  if (!peer) {
    reason = "the peer presented no certificate";
    return false;
  }
  if (remoteFingerprint_.empty()) {
    reason = "no valid sha-256 fingerprint of the peer is known (SDP a=fingerprint)";
    return false;
  }
  if (sha256Fingerprint(peer.get()) != remoteFingerprint_) {
    reason = "the peer's certificate does not match the fingerprint in its SDP";
    return false;
  }
  return true;
}

void DtlsSession::fail(std::string reason) {
  if (state_ == DtlsState::Failed || state_ == DtlsState::Closed) return;
  state_ = DtlsState::Failed;
  ERR_clear_error();
  listener_.onDtlsClosed(state_, reason);
}

void DtlsSession::flushOutput() {
  auto pending = std::move(impl_->sink.pending);
  impl_->sink.pending.clear();
  for (const auto& datagram : pending) listener_.onDtlsSend(datagram);
}

}  // namespace roomgate::media
