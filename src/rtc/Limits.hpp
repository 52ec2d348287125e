#pragma once
// The bounds of the signaling WebSocket, each with its reason (docs/SIGNALING.md lists them for clients).
#include <chrono>
#include <cstddef>

namespace roomgate::rtc {

// A peer-to-peer offer is ~10 KiB; a page's answer in a full group room (98 sections) ~80 KiB. 256 KiB
// (media::sdp::kMaxSdpBytes) leaves room for that and caps per-message memory.
inline constexpr std::size_t kMaxMessageBytes = 256 * 1024;
// Signaling is bursty at join (offer, answer, a few dozen candidates) and quiet after; 50/s is generous.
inline constexpr double kMaxMessagesPerSecond = 50;
inline constexpr double kMessageBurst = 50;
// Messages waiting to be written to one client; a client that falls this far behind is cut off.
inline constexpr std::size_t kMaxQueuedMessages = 256;
// A socket must say who it is quickly; idle unauthenticated sockets are a cheap attack.
inline constexpr std::chrono::seconds kJoinTimeout{5};
// No data or pong for this long means the peer is gone; a ping goes out at half of it.
inline constexpr std::chrono::seconds kHeartbeatTimeout{10};
// A connection lost without a close frame keeps its place this long for a reconnect with `resume`
// (a Wi-Fi handover, a laptop lid); the media, peer to peer, does not notice.
inline constexpr std::chrono::milliseconds kResumeWindow{5000};
// How often the revocation watermarks are polled (removal -> kick within 2 s).
inline constexpr std::chrono::milliseconds kRevocationPollInterval{250};
// TURN REST credentials handed to a client are valid this long.
inline constexpr std::chrono::seconds kTurnCredentialTtl{3600};

// WebSocket close codes (4000-4999 are the application's, RFC 6455 section 7.4.2).
enum class CloseCode : int {
  kSlowConsumer = 4008,
  kBadMessage = 4400,
  kBadToken = 4401,
  kForbidden = 4403,
  kJoinTimeout = 4408,
  kReplaced = 4409,
  kRateLimited = 4429,
  kRoomFull = 4503,
};

}  // namespace roomgate::rtc
