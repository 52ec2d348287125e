#include "delivery/DeliveryQueue.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "support/Fakes.hpp"

namespace roomgate::delivery {
namespace {

class FailingChannel final : public Channel {
 public:
  std::string_view name() const override { return "failing"; }
  Status send(const Message&) override {
    return Error::unavailable("provider_down", "SMTP server refused the connection");
  }
};

class OkChannel final : public Channel {
 public:
  std::string_view name() const override { return "ok"; }
  Status send(const Message&) override { return Ok{}; }
};

struct Recorded {
  std::mutex mu;
  std::vector<OutboxEntry> entries;
  DeliveryQueue::Recorder recorder() {
    return [this](std::span<const OutboxEntry> e) {
      std::lock_guard lock(mu);
      entries.insert(entries.end(), e.begin(), e.end());
    };
  }
};

Message message(std::string channel) {
  return {"VE1", std::move(channel), "+18005554321", "********21", "s", "body 123456", "123456"};
}

TEST(DeliveryQueue, RecordsEverySendWithItsOutcome) {
  roomgate::testing::FakeClock clock;
  FailingChannel failing;
  OkChannel ok;
  Recorded rec;
  {
    DeliveryQueue q({{"sms", &ok}, {"email", &failing}}, clock, rec.recorder(), /*recordContent=*/true);
    ASSERT_TRUE(q.enqueue(message("sms")));
    ASSERT_TRUE(q.enqueue(message("email")));
    q.flush();
  }
  ASSERT_EQ(rec.entries.size(), 2u);
  EXPECT_EQ(rec.entries[0].status, "sent");
  EXPECT_EQ(rec.entries[0].code, "123456");
  EXPECT_EQ(rec.entries[1].status, "failed");
  EXPECT_EQ(rec.entries[1].error, "SMTP server refused the connection");
}

TEST(DeliveryQueue, KeepsNoContentOutsideDev) {
  roomgate::testing::FakeClock clock;
  OkChannel ok;
  Recorded rec;
  {
    DeliveryQueue q({{"sms", &ok}}, clock, rec.recorder(), /*recordContent=*/false);
    ASSERT_TRUE(q.enqueue(message("sms")));
  }  // the destructor drains the queue
  ASSERT_EQ(rec.entries.size(), 1u);
  EXPECT_FALSE(rec.entries[0].code);
  EXPECT_FALSE(rec.entries[0].body);
}

TEST(DeliveryQueue, RefusesKindsWithoutAChannel) {
  roomgate::testing::FakeClock clock;
  OkChannel ok;
  DeliveryQueue q(
      {{"sms", &ok}}, clock, [](auto) {}, false);
  EXPECT_TRUE(q.canDeliver("sms"));
  EXPECT_FALSE(q.canDeliver("email"));
  EXPECT_FALSE(q.enqueue(message("email")));
}

}  // namespace
}  // namespace roomgate::delivery
