#pragma once
// SrtpSession: one direction of SRTP/SRTCP (RFC 3711, RFC 7714) keyed from DTLS-SRTP. libsrtp2 stays
// inside Srtp.cpp. Packets are transformed in place in a caller buffer that has kSrtpMaxOverhead bytes of
// room past the packet (an SRTP/SRTCP trailer: auth tag, SRTCP index).
// Thread: one session belongs to one thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "media/Dtls.hpp"

namespace roomgate::media {

// Bytes protect() may append: the 16-byte GCM tag + the 4-byte SRTCP index, rounded up.
inline constexpr std::size_t kSrtpMaxOverhead = 32;
// Replay window in packets (libsrtp's default is 128; a forwarded stream with retransmissions needs more).
inline constexpr unsigned kSrtpReplayWindow = 1024;

class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };

  // `keySalt` is key || salt for `profile` (SrtpKeys::localKeySalt for Outbound, remoteKeySalt for Inbound).
  // Aborts (CHECK) on a key of the wrong size: the DTLS layer made it.
  SrtpSession(SrtpProfile profile, std::span<const uint8_t> keySalt, Direction direction);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // Each returns the new length, or 0 if the packet was refused (authentication failed, replayed, too
  // short; for protect: no room in `buffer`). `buffer` holds the packet in its first `length` bytes.
  [[nodiscard]] std::size_t protectRtp(std::span<uint8_t> buffer, std::size_t length);
  [[nodiscard]] std::size_t protectRtcp(std::span<uint8_t> buffer, std::size_t length);
  [[nodiscard]] std::size_t unprotectRtp(std::span<uint8_t> buffer, std::size_t length);
  [[nodiscard]] std::size_t unprotectRtcp(std::span<uint8_t> buffer, std::size_t length);

  [[nodiscard]] Direction direction() const { return direction_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Direction direction_;
};

// Both directions of one DTLS-SRTP association: what we receive and what we send.
struct SrtpPair {
  explicit SrtpPair(const SrtpKeys& keys)
      : inbound(keys.profile, keys.remoteKeySalt, SrtpSession::Direction::Inbound),
        outbound(keys.profile, keys.localKeySalt, SrtpSession::Direction::Outbound) {}
  SrtpSession inbound;
  SrtpSession outbound;
};

}  // namespace roomgate::media
