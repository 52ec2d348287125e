#include "delivery/DeliveryQueue.hpp"

#include <gtest/gtest.h>

#include <atomic>
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
    return [this](Outcomes out) {
      {
        std::lock_guard lock(mu);
        entries.insert(entries.end(), out.entries.begin(), out.entries.end());
      }
      for (auto& then : out.completions) then();
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

TEST(DeliveryQueue, EachSendsVerdictReachesItsCompletionAfterTheOutcomeIsRecorded) {
  roomgate::testing::FakeClock clock;
  OkChannel ok;
  FailingChannel failing;
  Recorded rec;
  std::vector<std::pair<std::string, std::size_t>> verdicts;  // code or "ok", entries recorded by then
  {
    DeliveryQueue q({{"sms", &ok}, {"email", &failing}}, clock, rec.recorder(), false, kProviderWorkers);
    ASSERT_TRUE(q.enqueue(message("sms"), [&](const Status& s) {
      std::lock_guard lock(rec.mu);
      verdicts.emplace_back(s.ok() ? "ok" : s.error().code, rec.entries.size());
    }));
    q.flush();
    ASSERT_TRUE(q.enqueue(message("email"), [&](const Status& s) {
      std::lock_guard lock(rec.mu);
      verdicts.emplace_back(s.ok() ? "ok" : s.error().code, rec.entries.size());
    }));
    std::atomic<int> jobs = 0;
    ASSERT_TRUE(q.submit([&] {
      ++jobs;
      return std::function<void()>([&] { ++jobs; });
    }));
    q.flush();
    EXPECT_EQ(jobs.load(), 2);  // the job ran, then its continuation
  }
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[0], (std::pair<std::string, std::size_t>{"ok", 1}));
  EXPECT_EQ(verdicts[1], (std::pair<std::string, std::size_t>{"provider_down", 2}));
}

TEST(DeliveryQueue, KnowsWhichKindsAskARemoteProvider) {
  roomgate::testing::FakeClock clock;
  OkChannel ok;
  ConsoleChannel console;
  DeliveryQueue q(
      {{"sms", &console}, {"email", &ok}}, clock, [](Outcomes) {}, false);
  EXPECT_FALSE(q.isRemote("sms"));
  EXPECT_FALSE(q.isRemote("email"));  // a channel is local unless it says otherwise
  EXPECT_FALSE(q.isRemote("fax"));
}

}  // namespace
}  // namespace roomgate::delivery
