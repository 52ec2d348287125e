#include "app/JoinFlow.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "store/Database.hpp"
#include "support/Fakes.hpp"
#include "support/MemoryAuditLog.hpp"
#include "support/MemoryVerificationStore.hpp"
#include "token/TokenVerifier.hpp"

namespace roomgate::app {
namespace {

using roomgate::testing::FakeClock;
using roomgate::testing::FakeRandom;

constexpr std::string_view kSecret = "join-flow-test-secret-0123456789abcdef";

// Records what it was asked to send; can be switched off to play a provider that is down.
class RecordingChannel final : public delivery::Channel {
 public:
  std::string_view name() const override { return "recording"; }
  bool available() const override { return up; }
  bool remote() const override { return provider; }
  Status send(const delivery::Message& m) override {
    std::lock_guard lock(mu);
    sent.push_back(m);
    if (refuse) return *refuse;
    return Ok{};
  }
  std::vector<delivery::Message> messages() {
    std::lock_guard lock(mu);
    return sent;
  }
  bool up = true;
  bool provider = false;        // plays a remote provider: /login waits for its verdict
  std::optional<Error> refuse;  // the provider's refusal, if any
  std::mutex mu;
  std::vector<delivery::Message> sent;
};

class JoinFlowTest : public ::testing::Test {
 protected:
  JoinFlowTest()
      : db_(dir_.file("flow.db")),
        directory_(db_, clock_),
        verifier_(store_, clock_, random_, kSecret),
        queue_(
            {{"sms", &channel_}, {"email", &channel_}}, clock_,
            [](delivery::Outcomes out) {
              for (auto& then : out.completions) then();  // on the worker: the test waits with flush()
            },
            true),
        minter_(credentials_, clock_),
        flow_(directory_, verifier_, queue_, minter_, audit_, clock_, kSecret,
              {false, token::kDefaultTokenTtl, "rooms.example.com"}) {
    EXPECT_TRUE(
        directory_.add({"mabel", std::string("+18005554321"), std::nullopt, {"My Room", "Garden"}}).ok());
    EXPECT_TRUE(directory_.add({"ema", std::nullopt, std::string("ema@example.com"), {"My Room"}}).ok());
  }

  // The completions run on the worker and reach into the flow and the audit log: let them finish
  // before those members die.
  ~JoinFlowTest() override { queue_.flush(); }

  // What /login answers (always at once: it never waits for a provider), with its message queued as the
  // server queues it once the answer is written.
  Result<LoginAnswer> loginNow(const LoginRequest& r) { return answerOf(flow_.login(r)); }
  static Result<LoginAnswer> answerOf(LoginReply reply) {
    EXPECT_TRUE(reply.isReady()) << "/login must answer at once";
    if (!reply.isReady()) return Error::internal("deferred");
    Result<LoginAnswer> out = std::move(*reply.now);
    if (out.ok() && out->send) std::exchange(out->send, {})();
    return out;
  }
  Result<Joined> verifyNow(const LoginSession& session, std::string_view code) {
    auto reply = flow_.verify(session, code);
    EXPECT_TRUE(reply.isReady());
    return reply.isReady() ? std::move(*reply.now) : Result<Joined>(Error::internal("deferred"));
  }

  // A login, then what /login/status says once the channel answered and the quiet period is over.
  Result<DeliveryState> loginAndDelivery(const LoginRequest& r) {
    auto login = loginNow(r);
    if (!login) return login.error();
    queue_.flush();
    EXPECT_EQ(flow_.deliveryStatus(login->session).value(), DeliveryState::kPending);  // quiet period
    clock_.advance(kDeliveryQuietPeriod);
    auto status = flow_.deliveryStatus(login->session);
    clock_.advance(-kDeliveryQuietPeriod);
    return status;
  }

  std::vector<delivery::Message> sent() {
    queue_.flush();
    return channel_.messages();
  }

  roomgate::testing::TempDir dir_;
  FakeClock clock_;
  FakeRandom random_;
  store::Database db_;
  directory::Directory directory_;
  roomgate::testing::MemoryVerificationStore store_;
  verify::Verifier verifier_;
  RecordingChannel channel_;
  delivery::DeliveryQueue queue_;
  token::TokenCredentials credentials_{"AC1", "SK1", "secret-secret-secret"};
  token::TokenMinter minter_;
  roomgate::testing::MemoryAuditLog audit_;
  JoinFlow flow_;
};

TEST_F(JoinFlowTest, GuestGetsACodeBySmsAndATokenForTheirFirstRoom) {
  auto login = loginNow({"Mabel", std::nullopt, std::nullopt});
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->channel, "sms");
  EXPECT_EQ(login->maskedDestination, "********21");
  const auto messages = sent();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].to, "+18005554321");
  EXPECT_NE(messages[0].body.find(messages[0].code), std::string::npos);
  EXPECT_NE(messages[0].body.find("My Room"), std::string::npos);

  auto joined = verifyNow(login->session, messages[0].code);
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_EQ(joined->identity, "mabel");  // the stored spelling
  EXPECT_EQ(joined->room, "My Room");
  token::TokenVerifier verifier(credentials_, clock_);
  EXPECT_TRUE(verifier.verify(joined->token, std::string_view("My Room")).ok());
}

TEST_F(JoinFlowTest, TheMessageIsQueuedOnlyWhenTheAnswerIsOut) {
  // The server runs `send` after writing the answer: until then no worker has anything to do.
  LoginReply reply = flow_.login({"mabel", std::nullopt, std::nullopt});
  ASSERT_TRUE(reply.isReady());
  ASSERT_TRUE(reply.now->ok());
  ASSERT_TRUE((*reply.now)->send);
  queue_.flush();
  EXPECT_TRUE(sent().empty());
  (*reply.now)->send();
  queue_.flush();
  EXPECT_EQ(sent().size(), 1u);

  // An answer that never goes out (the server replaced it: its turn was not committed) sends nothing.
  { LoginReply dropped = flow_.login({"ema", std::nullopt, std::nullopt}); }
  queue_.flush();
  EXPECT_EQ(sent().size(), 1u);
}

TEST_F(JoinFlowTest, EmailOnlyGuestGetsTheCodeByEmailWithAMaskedAddress) {
  auto login = loginNow({"ema", std::nullopt, std::nullopt});
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->channel, "email");
  EXPECT_EQ(login->maskedDestination, "e•••@e•••.com");
  auto sms = loginNow({"ema", std::nullopt, std::string("sms")});
  ASSERT_FALSE(sms.ok());
  EXPECT_EQ(sms.error().code, "channel_unavailable");
}

TEST_F(JoinFlowTest, UnknownNameLooksLikeAGuestButNothingIsSentAndNoCodeAdmits) {
  auto login = loginNow({"mallory", std::nullopt, std::nullopt});
  ASSERT_TRUE(login.ok());
  if (login->channel == "sms") {
    EXPECT_EQ(login->maskedDestination.size(), 10u);
    EXPECT_EQ(login->maskedDestination.substr(0, 8), "********");
  } else {
    EXPECT_EQ(login->channel, "email");
    EXPECT_NE(login->maskedDestination.find("•••@"), std::string::npos) << login->maskedDestination;
  }
  EXPECT_TRUE(sent().empty());
  // Even the code the decoy verification holds does not admit: reconstruct it from the store is not
  // possible, so try all five attempts and expect wrong_code then too_many_checks, as for a guest.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(verifyNow(login->session, "000000").error().code, "wrong_code");
  EXPECT_EQ(verifyNow(login->session, "000000").error().code, "too_many_checks");
}

TEST_F(JoinFlowTest, UnknownNamesHitTheSendLimitLikeGuests) {
  for (int i = 0; i < verify::kMaxSendsPerWindow; ++i) {
    ASSERT_TRUE(loginNow({"mallory", std::nullopt, std::nullopt}).ok());
    ASSERT_TRUE(loginNow({"mabel", std::nullopt, std::nullopt}).ok());
  }
  EXPECT_EQ(loginNow({"mallory", std::nullopt, std::nullopt}).error().code, "too_many_sends");
  EXPECT_EQ(loginNow({"mabel", std::nullopt, std::nullopt}).error().code, "too_many_sends");
}

TEST_F(JoinFlowTest, AProviderThatIsDownGives503AndSpendsNoSend) {
  channel_.up = false;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(loginNow({"mabel", std::nullopt, std::nullopt}).error().status, 503);
  EXPECT_TRUE(store_.records().empty());
  channel_.up = true;
  EXPECT_TRUE(loginNow({"mabel", std::nullopt, std::nullopt}).ok());
}

TEST_F(JoinFlowTest, AGuestRemovedBeforeVerifyIsNotAdmitted) {
  auto login = loginNow({"mabel", std::nullopt, std::nullopt});
  const auto code = sent().at(0).code;
  ASSERT_TRUE(directory_.remove("mabel").ok());
  auto v = verifyNow(login->session, code);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "wrong_code");
}

TEST_F(JoinFlowTest, ChosenRoomMustBeOneOfTheGuests) {
  auto garden = loginNow({"mabel", std::string("garden"), std::nullopt});
  auto joined = verifyNow(garden->session, sent().at(0).code);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined->room, "Garden");
  auto elsewhere = loginNow({"mabel", std::string("Vault"), std::nullopt});
  auto refused = verifyNow(elsewhere->session, sent().back().code);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "room_not_allowed");
  EXPECT_EQ(refused.error().status, 403);
}

TEST_F(JoinFlowTest, CodeInputMayHaveSpacesOrDashesButNothingElse) {
  auto login = loginNow({"mabel", std::nullopt, std::nullopt});
  const auto code = sent().at(0).code;
  EXPECT_EQ(verifyNow(login->session, "12a456").error().code, "invalid_code");
  EXPECT_EQ(verifyNow(login->session, "12").error().code, "invalid_code");
  EXPECT_TRUE(verifyNow(login->session, code.substr(0, 3) + "-" + code.substr(3)).ok());
}

// Found while writing fuzz/http_api_fuzzer.cpp: kMaxCodeLength + 1 digits were taken for a code and spent
// a check.
TEST_F(JoinFlowTest, ACodeLongerThanTheLongestIsMalformedAndSpendsNoCheck) {
  auto login = loginNow({"mabel", std::nullopt, std::nullopt});
  const auto code = sent().at(0).code;
  const std::string tooLong(verify::kMaxCodeLength + 1, '1');
  for (int i = 0; i < verify::kMaxChecks; ++i)
    EXPECT_EQ(verifyNow(login->session, tooLong).error().code, "invalid_code");
  EXPECT_TRUE(verifyNow(login->session, code).ok());  // every check is left
}

TEST_F(JoinFlowTest, WithAProviderLoginAnswersAtOnceAndTheStatusSaysSentOnceItWas) {
  channel_.provider = true;
  auto login = loginNow({"mabel", std::nullopt, std::nullopt});  // never waits for the provider's verdict
  ASSERT_TRUE(login.ok());
  const auto session = login->session;
  const auto m = sent().at(0);
  // The SMS ends with the origin-bound line for the configured host.
  EXPECT_TRUE(m.body.ends_with("\n\n@rooms.example.com #" + m.code)) << m.body;
  EXPECT_EQ(flow_.deliveryStatus(session).value(), DeliveryState::kPending);  // sent, but quiet yet
  clock_.advance(kDeliveryQuietPeriod);
  EXPECT_EQ(flow_.deliveryStatus(session).value(), DeliveryState::kSent);
  EXPECT_TRUE(verifyNow(session, m.code).ok());
}

TEST_F(JoinFlowTest, ARefusedSendIs503AtTheStatusAndDoesNotCountTowardTheSendLimit) {
  channel_.provider = true;
  channel_.refuse = Error::unavailable("provider_timeout", "no answer within 10 s");
  for (int i = 0; i < verify::kMaxSendsPerWindow + 2; ++i) {
    auto refused = loginAndDelivery({"mabel", std::nullopt, std::nullopt});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "delivery_unavailable");
    EXPECT_EQ(refused.error().status, 503);
    EXPECT_EQ(refused.error().message.find("10 s"),
              std::string::npos);  // the guest gets a sentence, not internals
  }
  channel_.refuse.reset();
  EXPECT_EQ(loginAndDelivery({"mabel", std::nullopt, std::nullopt}).value(), DeliveryState::kSent);
}

TEST_F(JoinFlowTest, AProvidersSentenceForTheGuestIsPassedOn) {
  channel_.provider = true;
  channel_.refuse =
      Error::badRequest("invalid_destination", "The phone number on file cannot receive codes.");
  EXPECT_EQ(loginAndDelivery({"mabel", std::nullopt, std::nullopt}).error().code, "invalid_destination");
}

TEST_F(JoinFlowTest, StrangersStatusReadsLikeAGuestsAndNothingIsSent) {
  channel_.provider = true;
  EXPECT_EQ(loginAndDelivery({"mallory", std::nullopt, std::nullopt}).value(), DeliveryState::kSent);
  EXPECT_EQ(loginAndDelivery({"mabel", std::nullopt, std::nullopt}).value(), DeliveryState::kSent);
  ASSERT_EQ(sent().size(), 1u);
  EXPECT_EQ(sent()[0].to, "+18005554321");
}

// What one answer to /login can say about a name, as an attacker would tabulate it.
std::string outcomeOf(const Result<LoginAnswer>& r) {
  if (!r) return std::to_string(r.error().status) + " " + r.error().code;
  return "200 " + r->channel + (r->maskedDestination.find('@') != std::string::npos ? " address" : " number");
}

TEST_F(JoinFlowTest, StrangersFollowTheListsMixOfContacts) {
  // The list holds one phone-only and one e-mail-only guest: strangers are each, about half the time,
  // and a name always answers the same way.
  std::map<std::string, int> outcomes;
  for (int i = 0; i < 200; ++i) {
    const std::string name = "stranger" + std::to_string(i);
    const auto first = outcomeOf(loginNow({name, std::nullopt, std::nullopt}));
    EXPECT_EQ(outcomeOf(loginNow({name, std::nullopt, std::nullopt})), first) << name;
    ++outcomes[first];
  }
  EXPECT_EQ(outcomes.size(), 2u);
  EXPECT_GT(outcomes["200 sms number"], 60);
  EXPECT_GT(outcomes["200 email address"], 60);
  EXPECT_EQ(outcomeOf(loginNow({"mabel", std::nullopt, std::nullopt})), "200 sms number");
  EXPECT_EQ(outcomeOf(loginNow({"ema", std::nullopt, std::nullopt})), "200 email address");
}

TEST_F(JoinFlowTest, AskingForAChannelAnswersStrangersAsItAnswersGuests) {
  // Before, a stranger always answered "sms" whatever was asked: asking for e-mail told them apart.
  std::set<std::string> guests, strangers;
  for (const char* channel : {"sms", "email"}) {
    guests.insert(outcomeOf(loginNow({"mabel", std::nullopt, std::string(channel)})));
    guests.insert(outcomeOf(loginNow({"ema", std::nullopt, std::string(channel)})));
    for (int i = 0; i < 50; ++i)
      strangers.insert(
          outcomeOf(loginNow({"stranger" + std::to_string(i), std::nullopt, std::string(channel)})));
  }
  EXPECT_EQ(strangers, guests);
  EXPECT_TRUE(guests.contains("400 channel_unavailable"));
}

TEST_F(JoinFlowTest, WithOnlyEmailDeliverableStrangersAnswerAsGuestsDo) {
  // SMTP configured, no SMS provider: a guest with a phone is refused with 503, one with only an e-mail
  // address is served; before, every stranger got the 503.
  RecordingChannel mail, noSms;
  noSms.up = false;
  delivery::DeliveryQueue queue(
      {{"sms", &noSms}, {"email", &mail}}, clock_,
      [](delivery::Outcomes out) {
        for (auto& then : out.completions) then();
      },
      false);
  JoinFlow flow(directory_, verifier_, queue, minter_, audit_, clock_, kSecret, {});
  std::set<std::string> strangers;
  for (int i = 0; i < 50; ++i) {
    strangers.insert(
        outcomeOf(answerOf(flow.login({"stranger" + std::to_string(i), std::nullopt, std::nullopt}))));
  }
  const std::set<std::string> guests = {
      outcomeOf(answerOf(flow.login({"mabel", std::nullopt, std::nullopt}))),
      outcomeOf(answerOf(flow.login({"ema", std::nullopt, std::nullopt})))};
  EXPECT_EQ(guests, (std::set<std::string>{"503 delivery_unavailable", "200 email address"}));
  EXPECT_EQ(strangers, guests);
  queue.flush();
}

TEST_F(JoinFlowTest, OneAddressIsSlowedDownWith429AndRetryAfterWhileOthersAreServed) {
  for (int i = 0; i < kLoginsPerAddress.burst; ++i)
    ASSERT_TRUE(loginNow({"stranger" + std::to_string(i), std::nullopt, std::nullopt, "198.51.100.7"}).ok());
  auto refused = loginNow({"mabel", std::nullopt, std::nullopt, "198.51.100.7"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 429);
  EXPECT_EQ(refused.error().code, "rate_limited");
  EXPECT_EQ(refused.error().retryAfterSeconds,
            std::chrono::duration_cast<Seconds>(kLoginsPerAddress.refill).count());
  EXPECT_TRUE(loginNow({"mabel", std::nullopt, std::nullopt, "198.51.100.8"}).ok());
  clock_.advance(kLoginsPerAddress.refill);
  EXPECT_TRUE(loginNow({"mabel", std::nullopt, std::nullopt, "198.51.100.7"}).ok());
  EXPECT_EQ(flow_.counters().limited(RateLimit::kLoginAddress), 1u);
}

TEST_F(JoinFlowTest, OneNameIsSlowedDownFromEveryAddressAndStrangersAlike) {
  for (const std::string name : {"mabel", "mallory"}) {
    for (int i = 0; i < kLoginsPerIdentity.burst; ++i) {
      auto r = loginNow({name, std::nullopt, std::nullopt, "203.0.113." + std::to_string(i)});
      ASSERT_NE(r.ok() ? "" : r.error().code, "rate_limited") << name << " " << i;
    }
    auto refused = loginNow({name, std::nullopt, std::nullopt, "203.0.113.200"});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "rate_limited") << name;
    EXPECT_EQ(refused.error().retryAfterSeconds,
              std::chrono::duration_cast<Seconds>(kLoginsPerIdentity.refill).count());
  }
  EXPECT_EQ(flow_.counters().limited(RateLimit::kLoginIdentity), 2u);
}

TEST_F(JoinFlowTest, AFailureBudgetPerNameSpansVerificationsAndChannelsForADay) {
  // New codes keep coming (a guest with a phone and an e-mail address has two destinations), but after
  // kMaxFailedChecksPerDay wrong codes the name is refused until its oldest failure is a day old.
  ASSERT_TRUE(
      directory_.add({"both", std::string("+18005550199"), std::string("both@example.com"), {"My Room"}})
          .ok());
  int failed = 0;
  std::optional<Error> refusal;
  for (int round = 0; round < 20 && !refusal; ++round) {
    auto login = loginNow({"both", std::nullopt, std::string(round % 2 ? "email" : "sms")});
    ASSERT_TRUE(login.ok()) << login.error().code;
    for (int i = 0; i < 3 && !refusal; ++i) {
      auto v = verifyNow(login->session, "0000000");
      if (v.error().code == "too_many_failures")
        refusal = v.error();
      else
        ++failed;
    }
    clock_.advance(std::chrono::minutes(31));  // past the send window and the per-name buckets
  }
  ASSERT_TRUE(refusal) << "never refused";
  EXPECT_EQ(failed, kMaxFailedChecksPerDay);
  EXPECT_EQ(refusal->status, 429);
  EXPECT_GT(*refusal->retryAfterSeconds, 0);
  // Even the right code is refused while the budget is spent.
  auto login = loginNow({"both", std::nullopt, std::nullopt});
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(verifyNow(login->session, sent().back().code).error().code, "too_many_failures");
  clock_.advance(kFailureWindow);
  auto fresh = loginNow({"both", std::nullopt, std::nullopt});
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(verifyNow(fresh->session, sent().back().code).ok());
  EXPECT_GE(flow_.counters().limited(RateLimit::kFailureBudget), 2u);
}

TEST_F(JoinFlowTest, TextsStopAtTheHourlyCapForGuestsAndStrangersAlike) {
  // Strangers whose decoys have a phone (half of them, with this list), found with the uncapped flow.
  std::vector<std::string> texted;
  for (int i = 0; texted.size() < 4; ++i)
    if (auto r = loginNow({"s" + std::to_string(i), std::nullopt, std::string("sms")}); r.ok())
      texted.push_back("s" + std::to_string(i));
  // The largest settings the configuration accepts make a working flow too (a token every 3.6 ms).
  JoinFlow generous(directory_, verifier_, queue_, minter_, audit_, clock_, kSecret,
                    {.smsPerHour = 1000000, .smsPerCountryPerHour = 1000000});
  EXPECT_TRUE(answerOf(generous.login({"mabel", std::nullopt, std::nullopt})).ok());
  JoinFlow flow(directory_, verifier_, queue_, minter_, audit_, clock_, kSecret, {.smsPerHour = 3});
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(answerOf(flow.login({texted[i], std::nullopt, std::string("sms")})).ok());
  for (const std::string& name : {std::string("mabel"), texted[3]}) {
    auto refused = answerOf(flow.login({name, std::nullopt, std::string("sms")}));
    ASSERT_FALSE(refused.ok()) << name;
    EXPECT_EQ(refused.error().code, "too_many_texts");
    EXPECT_EQ(refused.error().status, 429);
    EXPECT_EQ(refused.error().retryAfterSeconds, 3600 / 3);
  }
  EXPECT_TRUE(answerOf(flow.login({"ema", std::nullopt, std::nullopt})).ok());  // e-mail is not capped
  EXPECT_EQ(flow.counters().limited(RateLimit::kSmsPerHour), 2u);
  queue_.flush();
}

TEST_F(JoinFlowTest, TextsToOneCountryAreCappedApartAndOnlyListedCountriesGetThem) {
  ASSERT_TRUE(directory_.add({"alba", std::string("+442079460958"), std::nullopt, {"My Room"}}).ok());
  ASSERT_TRUE(directory_.add({"brid", std::string("+442079460959"), std::nullopt, {"My Room"}}).ok());
  JoinFlow capped(directory_, verifier_, queue_, minter_, audit_, clock_, kSecret,
                  {.smsPerCountryPerHour = 1});
  EXPECT_TRUE(answerOf(capped.login({"alba", std::nullopt, std::nullopt})).ok());
  EXPECT_EQ(answerOf(capped.login({"brid", std::nullopt, std::nullopt})).error().code, "too_many_texts");
  EXPECT_TRUE(answerOf(capped.login({"mabel", std::nullopt, std::nullopt})).ok());  // +1: its own cap

  JoinFlow usOnly(directory_, verifier_, queue_, minter_, audit_, clock_, kSecret, {.smsCountries = {1}});
  auto refused = answerOf(usOnly.login({"brid", std::nullopt, std::nullopt}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "sms_country_not_allowed");
  EXPECT_EQ(refused.error().status, 400);
  EXPECT_TRUE(answerOf(usOnly.login({"mabel", std::nullopt, std::nullopt})).ok());
  queue_.flush();
}

TEST_F(JoinFlowTest, SendsAndChecksAreCountedByOutcome) {
  auto login = loginNow({"mabel", std::nullopt, std::nullopt});
  ASSERT_TRUE(login.ok());
  const auto code = sent().at(0).code;
  ASSERT_TRUE(loginNow({"mallory", std::nullopt, std::nullopt}).ok());
  ASSERT_TRUE(loginNow({"ema", std::nullopt, std::nullopt}).ok());
  EXPECT_EQ(verifyNow(login->session, "12").error().code, "invalid_code");     // not a check
  EXPECT_EQ(verifyNow(login->session, "0000000").error().code, "wrong_code");  // 7 digits: never right
  ASSERT_TRUE(verifyNow(login->session, code).ok());
  EXPECT_EQ(verifyNow(login->session, code).error().code, "code_expired");  // used up

  queue_.flush();  // a send is counted once the channel has answered
  const auto& c = flow_.counters();
  EXPECT_EQ(c.sent("sms", SendOutcome::kSent), 1u);
  EXPECT_EQ(c.sent("sms", SendOutcome::kDecoy) + c.sent("email", SendOutcome::kDecoy), 1u);  // mallory
  EXPECT_EQ(c.sent("email", SendOutcome::kSent), 1u);
  EXPECT_EQ(c.checked(CheckResult::kWrongCode), 1u);
  EXPECT_EQ(c.checked(CheckResult::kApproved), 1u);
  EXPECT_EQ(c.checked(CheckResult::kExpired), 1u);
  EXPECT_EQ(c.checked(CheckResult::kTooManyChecks), 0u);
}

TEST_F(JoinFlowTest, RefusalsAreCountedWhereTheyAreDecided) {
  for (int i = 0; i < verify::kMaxSendsPerWindow + 1; ++i)
    (void)loginNow({"mabel", std::nullopt, std::nullopt});
  EXPECT_EQ(flow_.counters().sent("sms", SendOutcome::kRateLimited), 1u);
  channel_.up = false;
  EXPECT_EQ(loginNow({"ema", std::nullopt, std::nullopt}).error().status, 503);
  EXPECT_EQ(flow_.counters().sent("email", SendOutcome::kUnavailable), 1u);

  channel_.up = true;
  channel_.provider = true;
  channel_.refuse = Error::unavailable("provider_timeout", "no answer within 10 s");
  (void)loginAndDelivery({"ema", std::nullopt, std::nullopt});
  channel_.refuse = Error::badRequest("invalid_destination", "The address cannot receive codes.");
  (void)loginAndDelivery({"ema", std::nullopt, std::nullopt});
  channel_.refuse.reset();
  auto login = loginNow({"ema", std::nullopt, std::nullopt});
  ASSERT_TRUE(login.ok());
  queue_.flush();
  const auto& c = flow_.counters();
  EXPECT_EQ(c.sent("email", SendOutcome::kFailed), 1u);
  EXPECT_EQ(c.sent("email", SendOutcome::kRefused), 1u);
  EXPECT_EQ(c.sent("email", SendOutcome::kSent), 1u);

  for (int i = 0; i < verify::kMaxChecks + 1; ++i) (void)verifyNow(login->session, "0000000");
  EXPECT_EQ(c.checked(CheckResult::kWrongCode), static_cast<uint64_t>(verify::kMaxChecks - 1));
  EXPECT_EQ(c.checked(CheckResult::kTooManyChecks), 2u);  // the last attempt, and every one after it
  EXPECT_EQ(c.checked(CheckResult::kExpired), 0u);
}

// The audit log: a guest's and a stranger's login each write one login row, the same way, told apart
// only by `known`; every send, check and minted token has its row; no code or token is ever in one.
TEST_F(JoinFlowTest, EveryLoginSendCheckAndTokenIsAuditedWithoutCodesOrTokens) {
  auto guest = loginNow({"Mabel", std::string("Garden"), std::nullopt, "198.51.100.7"});
  ASSERT_TRUE(guest.ok());
  EXPECT_EQ(audit_.of(audit::kLogin).size(), 1u);
  auto stranger = loginNow({"mallory", std::nullopt, std::nullopt, "203.0.113.9"});
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(audit_.of(audit::kLogin).size(), 2u) << "one login row each, written on the request path";
  const auto messages = sent();  // both delivery jobs came back: a send row each
  ASSERT_EQ(messages.size(), 1u);

  const auto logins = audit_.of(audit::kLogin);
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[0].identity, "Mabel");
  EXPECT_EQ(logins[0].room, "Garden");
  EXPECT_EQ(logins[0].client, "198.51.100.7");
  EXPECT_EQ(logins[0].known, std::optional<bool>(true));
  EXPECT_EQ(logins[0].outcome, "ok");
  EXPECT_EQ(logins[0].detail, "sms ********21");
  EXPECT_EQ(logins[1].identity, "mallory");
  EXPECT_EQ(logins[1].client, "203.0.113.9");
  EXPECT_EQ(logins[1].known, std::optional<bool>(false));
  EXPECT_EQ(logins[1].outcome, "ok");
  EXPECT_EQ(logins[1].detail, stranger->channel + " " + stranger->maskedDestination);

  auto sends = audit_.of(audit::kSend);
  ASSERT_EQ(sends.size(), 2u);
  std::sort(sends.begin(), sends.end(), [](const auto& a, const auto& b) { return a.identity < b.identity; });
  EXPECT_EQ(sends[0].identity, "Mabel");
  EXPECT_EQ(sends[0].outcome, "sent");
  EXPECT_EQ(sends[0].detail, "sms ********21");
  EXPECT_EQ(sends[1].identity, "mallory");
  EXPECT_EQ(sends[1].outcome, "decoy");

  EXPECT_FALSE(verifyNow(guest->session, "000000").ok());
  auto joined = verifyNow(guest->session, messages[0].code);
  ASSERT_TRUE(joined.ok());
  const auto checks = audit_.of(audit::kCheck);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].outcome, "wrong_code");
  EXPECT_EQ(checks[1].outcome, "approved");
  EXPECT_EQ(checks[1].identity, "Mabel");
  const auto tokens = audit_.of(audit::kToken);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].identity, "mabel");
  EXPECT_EQ(tokens[0].room, "Garden");
  EXPECT_EQ(tokens[0].outcome, "ok");

  for (const auto& r : audit_.all()) {
    const std::string row = r.event + r.identity + r.room + r.client + r.outcome + r.detail;
    EXPECT_EQ(row.find(messages[0].code), std::string::npos) << "a code in " << row;
    EXPECT_EQ(row.find(joined->token), std::string::npos) << "a token in " << row;
    EXPECT_EQ(row.find("+18005554321"), std::string::npos) << "an unmasked number in " << row;
  }
}

TEST_F(JoinFlowTest, RefusedLoginsAndSendsAreAuditedToo) {
  ASSERT_FALSE(loginNow({"bad\tname", std::nullopt, std::nullopt}).ok());  // a control character
  for (int i = 0; i < verify::kMaxSendsPerWindow + 1; ++i)
    (void)loginNow({"mabel", std::nullopt, std::nullopt});
  const auto logins = audit_.of(audit::kLogin);
  ASSERT_EQ(logins.size(), static_cast<std::size_t>(verify::kMaxSendsPerWindow + 2));
  EXPECT_EQ(logins.front().outcome, "invalid_identity");
  EXPECT_FALSE(logins.front().known.has_value()) << "the list was never asked";
  EXPECT_EQ(logins.back().outcome, "too_many_sends");
  EXPECT_EQ(logins.back().known, std::optional<bool>(true));
  EXPECT_EQ(audit_.of(audit::kSend).back().outcome, "rate_limited");
}

}  // namespace
}  // namespace roomgate::app
