#include "delivery/DeliveryQueue.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace roomgate::delivery {

DeliveryQueue::DeliveryQueue(std::map<std::string, Channel*> channels, const Clock& clock, Recorder record,
                             bool recordContent)
    : channels_(std::move(channels)),
      clock_(clock),
      record_(std::move(record)),
      recordContent_(recordContent),
      worker_([this] { run(); }) {}

DeliveryQueue::~DeliveryQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

bool DeliveryQueue::canDeliver(std::string_view kind) const {
  auto it = channels_.find(std::string(kind));
  if (it == channels_.end() || !it->second->available()) return false;
  std::lock_guard lock(mu_);
  return queue_.size() < kMaxQueuedDeliveries;
}

bool DeliveryQueue::enqueue(Message m) {
  if (!channels_.contains(m.channel)) return false;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueuedDeliveries) return false;
    queue_.emplace_back(std::move(m), unixSeconds(clock_.now()));
  }
  wake_.notify_one();
  return true;
}

void DeliveryQueue::flush() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

OutboxEntry DeliveryQueue::deliver(const Message& m, int64_t queuedAt) {
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
  Status sent = Error::internal("not sent");
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
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and drained
    std::vector<std::pair<Message, int64_t>> batch(std::make_move_iterator(queue_.begin()),
                                                   std::make_move_iterator(queue_.end()));
    queue_.clear();
    busy_ = true;
    lock.unlock();
    std::vector<OutboxEntry> entries;
    entries.reserve(batch.size());
    for (const auto& [m, queuedAt] : batch) entries.push_back(deliver(m, queuedAt));
    try {
      record_(entries);  // one transaction for the batch
    } catch (const std::exception& ex) {
      spdlog::error("could not record {} deliveries in the outbox: {}", entries.size(), ex.what());
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace roomgate::delivery
