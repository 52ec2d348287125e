#include "http/ConnectionCounter.hpp"

namespace roomgate::http {
namespace {

std::string canonical(const std::string& address) {
  const auto ip = parseIpAddress(address);
  return ip ? formatIpAddress(*ip) : address;
}

}  // namespace

ConnectionCounter::Slot::Slot(std::shared_ptr<ConnectionCounter> counter, std::string address)
    : counter_(std::move(counter)), address_(std::move(address)) {
  ++counter_->open_;
  ++counter_->byAddress_[address_];
}

ConnectionCounter::Slot::~Slot() {
  --counter_->open_;
  auto it = counter_->byAddress_.find(address_);
  if (--it->second == 0) counter_->byAddress_.erase(it);
}

ConnectionCounter::ConnectionCounter(std::size_t max, std::size_t maxPerAddress, TrustedProxies exempt)
    : max_(max), maxPerAddress_(maxPerAddress), exempt_(std::move(exempt)) {}

ConnectionCounter::Verdict ConnectionCounter::admit(const std::string& address) const {
  if (open_ >= max_) return Verdict::kAtLimit;
  if (openFrom(address) >= maxPerAddress_ && !exempt_.contains(address)) return Verdict::kAddressAtLimit;
  return Verdict::kAdmitted;
}

std::shared_ptr<ConnectionCounter::Slot> ConnectionCounter::take(const std::string& address) {
  return std::make_shared<Slot>(shared_from_this(), canonical(address));
}

std::size_t ConnectionCounter::openFrom(const std::string& address) const {
  const auto it = byAddress_.find(canonical(address));
  return it == byAddress_.end() ? 0 : it->second;
}

}  // namespace roomgate::http
