#pragma once
// Peer: the registry's handle on one connected client (a WebSocket session in production, a fake in
// tests). Thread: the I/O thread only.
#include <string_view>

#include "rtc/Limits.hpp"
#include "rtc/Protocol.hpp"

namespace roomgate::rtc {

// Neither call re-enters the service: a peer that must go (a slow consumer, a close) tells RtcService
// from a later turn of the I/O thread. RoomRegistry and GroupCalls rely on this, since they send while
// walking their members; a send that removed a member there would free what the loop holds.
class Peer {
 public:
  virtual ~Peer() = default;
  // Queues a message; never blocks. A peer that cannot keep up closes itself (slow consumer).
  virtual void send(Outgoing message) = 0;
  // Sends {"type":"error", code, message} and closes with `close`. The peer then leaves on its own; the
  // registry has already forgotten it.
  virtual void close(CloseCode close, std::string_view code, std::string_view message) = 0;
};

}  // namespace roomgate::rtc
