#pragma once
// DeliveryQueue: sends messages off the request path. The I/O thread enqueues; one worker thread sends
// through the channel configured for the message's kind and records every outcome (sent or failed, with
// the reason) through `record`, so no send is silently lost.
// Thread: enqueue()/canDeliver() from any thread; the destructor drains the queue, then joins the worker.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "common/Clock.hpp"
#include "delivery/Channel.hpp"
#include "delivery/OutboxEntry.hpp"

namespace roomgate::delivery {

// Messages waiting for the worker. Bounded so a stuck provider cannot grow memory without end; beyond
// it /login answers 503 rather than accept a code it cannot send.
inline constexpr std::size_t kMaxQueuedDeliveries = 1024;

class DeliveryQueue {
 public:
  using Recorder = std::function<void(std::span<const OutboxEntry>)>;

  // `channels` maps a message kind ("sms", "email") to the channel that delivers it; channels are not
  // owned and must outlive the queue. `recordContent` keeps body and code in the outbox (--dev only).
  DeliveryQueue(std::map<std::string, Channel*> channels, const Clock& clock, Recorder record,
                bool recordContent);
  ~DeliveryQueue();
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  // True if a message of this kind can be accepted now.
  [[nodiscard]] bool canDeliver(std::string_view kind) const;
  // False (and nothing queued) when the kind has no channel or the queue is full.
  [[nodiscard]] bool enqueue(Message m);
  // Blocks until everything enqueued so far has been sent and recorded (tests, shutdown).
  void flush();

 private:
  void run();
  OutboxEntry deliver(const Message& m, int64_t queuedAt);

  std::map<std::string, Channel*> channels_;
  const Clock& clock_;
  Recorder record_;
  bool recordContent_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::pair<Message, int64_t>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;  // last: starts after everything above exists
};

}  // namespace roomgate::delivery
