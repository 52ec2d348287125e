#include "delivery/DeliveryQueue.hpp"

#include <spdlog/spdlog.h>

#include "common/Check.hpp"

namespace roomgate::delivery {

DeliveryQueue::DeliveryQueue(std::map<std::string, Channel*> channels, const Clock& clock, Recorder record,
                             bool recordContent, std::size_t workers)
    : channels_(std::move(channels)),
      clock_(clock),
      record_(std::move(record)),
      recordContent_(recordContent) {
  CHECK(workers >= 1);
  for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { run(); });
}

DeliveryQueue::~DeliveryQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

bool DeliveryQueue::canDeliver(std::string_view kind) const {
  auto it = channels_.find(std::string(kind));
  if (it == channels_.end() || !it->second->available()) return false;
  std::lock_guard lock(mu_);
  return queue_.size() < kMaxQueuedDeliveries;
}

bool DeliveryQueue::isRemote(std::string_view kind) const {
  auto it = channels_.find(std::string(kind));
  return it != channels_.end() && it->second->remote();
}

bool DeliveryQueue::push(Item item) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueuedDeliveries) return false;
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
  return true;
}

bool DeliveryQueue::enqueue(Message m, Done done) {
  if (!channels_.contains(m.channel)) return false;
  const int64_t now = unixSeconds(clock_.now());
  return push(Delivery{std::move(m), now, std::move(done)});
}

bool DeliveryQueue::submit(Job job) {
  return push(std::move(job));
}

void DeliveryQueue::flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && busy_ == 0; });
}

OutboxEntry DeliveryQueue::deliver(const Message& m, int64_t queuedAt, Status& sent) {
  OutboxEntry e;
  e.verificationSid = m.verificationSid;
  e.to = m.to;
  e.channel = m.channel;
  e.queuedAt = queuedAt;
  if (recordContent_) {
    e.body = m.body;
    e.code = m.code;
  }
  Channel* channel = channels_.at(m.channel);
  try {
    sent = channel->send(m);
  } catch (const std::exception& ex) {  // a channel bug must not kill the worker or lose the record
    sent = Error::internal(ex.what());
  }
  if (sent.ok()) {
    e.status = "sent";
    e.sentAt = unixSeconds(clock_.now());
  } else {
    e.status = "failed";
    e.error = sent.error().message;
    spdlog::warn("delivery by {} to {} failed: {}", channel->name(), m.maskedTo, sent.error().message);
  }
  return e;
}

void DeliveryQueue::run() {
  // One worker takes everything queued (one outbox transaction per batch); several take one item each,
  // so a provider that is slow to answer holds up only its own guest.
  const bool takeAll = workers_.size() == 1;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and drained
    const std::size_t n = takeAll ? queue_.size() : 1;
    std::vector<Item> batch(std::make_move_iterator(queue_.begin()),
                            std::make_move_iterator(queue_.begin() + n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    ++busy_;
    lock.unlock();
    Outcomes out;
    out.entries.reserve(batch.size());
    for (auto& item : batch) {
      if (auto* d = std::get_if<Delivery>(&item)) {
        Status sent = Ok{};
        out.entries.push_back(deliver(d->message, d->queuedAt, sent));
        if (d->done) out.completions.push_back([done = std::move(d->done), sent] { done(sent); });
      } else {
        std::function<void()> then;
        try {
          then = std::get<Job>(item)();
        } catch (const std::exception& ex) {
          spdlog::error("a provider call failed: {}", ex.what());
        }
        if (then) out.completions.push_back(std::move(then));
      }
    }
    const std::size_t recorded = out.entries.size();
    try {
      record_(std::move(out));  // one transaction for the batch
    } catch (const std::exception& ex) {
      spdlog::error("could not record {} deliveries in the outbox: {}", recorded, ex.what());
    }
    lock.lock();
    --busy_;
    if (queue_.empty() && busy_ == 0) idle_.notify_all();
  }
}

}  // namespace roomgate::delivery
