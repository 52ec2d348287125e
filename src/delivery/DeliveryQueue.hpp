#pragma once
// DeliveryQueue: sends messages (and runs other blocking provider calls) off the request path. The I/O
// thread enqueues; worker threads send through the channel configured for the message's kind and hand
// every outcome (sent or failed, with the reason) to `record`, so no send is silently lost.
// Completions given with a message or a job travel with the outcomes: `record` must run them on the
// owner's thread (the server posts them to its I/O thread), after it has stored the outcomes.
// Thread: enqueue()/submit()/canDeliver() from any thread; the destructor drains the queue, then joins.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/Clock.hpp"
#include "delivery/Channel.hpp"
#include "delivery/OutboxEntry.hpp"

namespace roomgate::delivery {

// Messages waiting for a worker. Bounded so a stuck provider cannot grow memory without end; beyond
// it /login answers 503 rather than accept a code it cannot send.
inline constexpr std::size_t kMaxQueuedDeliveries = 1024;
// Workers when a channel talks to a provider: each call may block for net::kTotalTimeout, so one slow
// answer must not hold every guest behind it. The console channel needs one.
inline constexpr std::size_t kProviderWorkers = 4;

// What the workers produced since the last call of the recorder.
struct Outcomes {
  std::vector<OutboxEntry> entries;                // to store, in order
  std::vector<std::function<void()>> completions;  // to run after storing, on the owner's thread
};

class DeliveryQueue {
 public:
  using Recorder = std::function<void(Outcomes)>;
  // Called with the channel's verdict, by the recorder's thread after the outcome was stored.
  using Done = std::function<void(const Status&)>;
  // A blocking call run on a worker; returns what to run on the owner's thread afterwards.
  using Job = std::function<std::function<void()>()>;

  // `channels` maps a message kind ("sms", "email") to the channel that delivers it; channels are not
  // owned and must outlive the queue. `recordContent` keeps body and code in the outbox (--dev only).
  DeliveryQueue(std::map<std::string, Channel*> channels, const Clock& clock, Recorder record,
                bool recordContent, std::size_t workers = 1);
  ~DeliveryQueue();
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  // True if a message of this kind can be accepted now.
  [[nodiscard]] bool canDeliver(std::string_view kind) const;
  // True if the channel for this kind asks a remote provider (Channel::remote).
  [[nodiscard]] bool isRemote(std::string_view kind) const;
  // False (and nothing queued, `done` dropped) when the kind has no channel or the queue is full.
  [[nodiscard]] bool enqueue(Message m, Done done = {});
  // False (nothing queued) when the queue is full.
  [[nodiscard]] bool submit(Job job);
  // Blocks until everything enqueued so far has been sent and recorded (tests, shutdown).
  void flush();

 private:
  struct Delivery {
    Message message;
    int64_t queuedAt;
    Done done;
  };
  using Item = std::variant<Delivery, Job>;
  void run();
  bool push(Item item);
  OutboxEntry deliver(const Message& m, int64_t queuedAt, Status& sent);

  std::map<std::string, Channel*> channels_;
  const Clock& clock_;
  Recorder record_;
  bool recordContent_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  std::size_t busy_ = 0;  // workers between taking items and recording their outcomes
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // last: start after everything above exists
};

}  // namespace roomgate::delivery
