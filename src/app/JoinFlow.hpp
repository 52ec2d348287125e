#pragma once
// JoinFlow: the walk of one guest from a name to an access token (docs/ARCHITECTURE.md, "The walk").
//   login(): Directory.find -> Verifier.start -> the answer (a masked destination) -> DeliveryQueue.enqueue.
//   verify(): Verifier.check -> Directory.find (room grant) -> TokenMinter.mint.
// With Twilio Verify (a TwilioClient given), Twilio starts and checks the verification instead.
// login() answers at once, never after a provider's verdict, and the message is queued only once the
// answer has reached the client (LoginAnswer::send, run by the server after the write), so a guest's
// answer takes no longer than a stranger's; the page learns of a failed delivery from deliveryStatus() (GET
// /login/status), which answers alike for both until kDeliveryQuietPeriod has passed. verify() with
// Twilio Verify is deferred: its `later` (called by the server once the turn's state is committed)
// queues the provider call on the delivery workers, and `done` runs on the I/O thread with the verdict.
// Names not on the guest list take the same path against a decoy (docs/SECURITY.md, "Enumeration"): a
// contact drawn from the list's own mix of phone-only, e-mail-only and both (stable per name, keyed by
// the secret, and computed for every login, guest or not, so its cost tells nothing), so channel choice,
// status, body shape, cookie, rate limits and database work are those of a guest (unless revealUnknown); the
// decoy's message is built and queued, and a worker drops it. Every login, send, check and minted token is
// recorded in the AuditLog (common/AuditLog.hpp): a login row for guests and strangers alike, written the
// same way (the `known` flag is only a value), and a decoy's send row, like a guest's, when its delivery job
// comes back. Knows no HTTP: the http part parses JSON and cookies and turns Errors into responses. Thread:
// the server's I/O thread only (including the completions of deferred replies).
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "app/LoginSession.hpp"
#include "app/RateLimits.hpp"
#include "app/VerificationCounters.hpp"
#include "common/AuditLog.hpp"
#include "common/Clock.hpp"
#include "common/Error.hpp"
#include "common/Eventually.hpp"
#include "delivery/DeliveryQueue.hpp"
#include "directory/Directory.hpp"
#include "token/AccessToken.hpp"
#include "twilio/TwilioClient.hpp"
#include "verify/Verifier.hpp"

namespace roomgate::app {

struct LoginRequest {
  std::string username;
  std::optional<std::string> room;     // one of the guest's rooms; none = their first
  std::optional<std::string> channel;  // "sms" or "email"; none = SMS when a phone is on file
  std::string client = {};             // the client's address (http::clientAddress); "" if unknown
};

struct LoginAnswer {
  std::string channel;            // "sms" or "email"
  std::string maskedDestination;  // "********21" or "m•••@e•••.com"
  LoginSession session;
  // Queues the message (a guest's, or a decoy's that a worker drops). The caller runs it once, after the
  // answer has reached the client (http::Response::afterWrite); dropping it sends nothing.
  std::function<void()> send = {};
};

struct Joined {
  std::string token;
  std::string identity;
  std::string room;
};

struct JoinFlowOptions {
  bool revealUnknown = false;  // answer 401 for names not on the list, as the tutorial did
  Seconds tokenTtl = token::kDefaultTokenTtl;
  // The host browsers see the page on: an SMS ends with "@host #123456" so the browser offers the code
  // only on that origin (WebOTP / origin-bound one-time codes). Empty: no such line.
  std::string otpHost = {};
  int smsPerHour = kDefaultSmsPerHour;                      // ROOMGATE_SMS_PER_HOUR
  int smsPerCountryPerHour = kDefaultSmsPerCountryPerHour;  // ROOMGATE_SMS_PER_COUNTRY_PER_HOUR
  // ROOMGATE_SMS_COUNTRIES: the calling codes texts may go to; empty: those of the phones on the list.
  std::set<int> smsCountries = {};
};

// How a code's delivery is going, as GET /login/status tells the page (a failure is an Error).
enum class DeliveryState { kPending, kSent };
// Until this long after a send, deliveryStatus() says kPending for guests and strangers alike: a
// provider's verdict, which only a guest's send waits for, must not show sooner than a decoy's.
inline constexpr Seconds kDeliveryQuietPeriod{3};
// The most deliveries deliveryStatus() remembers (the oldest are forgotten first, and any older than a
// code's lifetime); a forgotten one reads as kSent.
inline constexpr std::size_t kMaxTrackedDeliveries = 8192;
// How often the guest list's contact mix (Directory::contactMix) is read again for decoys.
inline constexpr Seconds kContactMixRefresh{60};

using LoginReply = Eventually<Result<LoginAnswer>>;
using VerifyReply = Eventually<Result<Joined>>;

class JoinFlow {
 public:
  // All parts are borrowed and must outlive the flow. `secret` keys the decoys for unknown names.
  // `twilioVerify`: null for the built-in verification service, else Twilio Verify does it (the delivery
  // queue's channels are then TwilioVerifyChannels).
  JoinFlow(directory::Directory& directory, verify::Verifier& verifier, delivery::DeliveryQueue& delivery,
           const token::TokenMinter& minter, AuditLog& audit, const Clock& clock, std::string_view secret,
           JoinFlowOptions options, const twilio::TwilioClient* twilioVerify = nullptr);

  // Ready at once, never waiting for a provider; an answer that sends carries the queueing in
  // LoginAnswer::send, for the caller to run once the answer is out (see the top of this file).
  [[nodiscard]] LoginReply login(const LoginRequest& request);
  // How the delivery that `session`'s login queued is going.
  [[nodiscard]] Result<DeliveryState> deliveryStatus(const LoginSession& session) const;
  // `code` as the guest typed it; spaces and dashes are ignored.
  // `client`: as LoginRequest::client.
  [[nodiscard]] VerifyReply verify(const LoginSession& session, std::string_view code,
                                   std::string_view client = {});
  // How sends and checks ended so far (for /metrics), each counted where its outcome is decided.
  [[nodiscard]] const VerificationCounters& counters() const { return counters_; }

 private:
  // Where a guest (or a decoy) can be reached, and how each destination is shown.
  struct Contact {
    std::optional<std::string> phone, email;
    std::string maskedPhone, maskedEmail;
    int callingCode = 0;   // the phone's (a decoy's is drawn from the list's)
    uint64_t standIn = 0;  // a decoy's: the seed of its stand-in guest (Directory::findOrStandIn)
  };
  // The clock's time, for the rate limits.
  [[nodiscard]] int64_t nowMs() const;
  // A guest's contact, masked.
  [[nodiscard]] static Contact contactOf(const directory::Guest& guest);
  // The hourly SMS caps and the allowed countries, for a text to `callingCode`; none if it may go.
  [[nodiscard]] std::optional<Error> smsRefusal(int callingCode);
  void refreshMix();
  // The decoy destination for `identity` on `channel`: stable, unguessable without the secret, never a
  // real address.
  [[nodiscard]] std::string decoyDestination(std::string_view identity, std::string_view channel) const;
  // A decoy contact for `identity`, drawn from the list's contact mix.
  [[nodiscard]] Contact decoyContact(std::string_view identity);
  // The answer, with a `send` that queues `m` (a guest's, if `real`; else a decoy's, which a worker drops). A
  // real send's outcome is kept for deliveryStatus(); on refusal `onFailure` runs first (it undoes local
  // state). The send's audit row is written when the channel (or, for a decoy, the worker) answers.
  [[nodiscard]] LoginReply send(delivery::Message m, LoginAnswer answer, bool real, const std::string& client,
                                std::function<void()> onFailure);
  // login() up to its answer; `known` is set once the guest list was asked.
  [[nodiscard]] LoginReply loginSteps(const LoginRequest& request, std::optional<bool>& known);
  // Appends an audit record of `event` about `identity` (names as given are cut to audit::kMaxNameChars).
  void writeAudit(std::string_view event, std::string_view identity, std::string_view room,
                  std::string_view client, std::string_view outcome, std::string detail = {},
                  std::optional<bool> known = std::nullopt);
  void auditSend(const LoginSession& session, std::string_view client, std::string_view masked,
                 SendOutcome outcome);
  // Counts a check's result and records it in the audit log.
  void recordCheck(const LoginSession& session, std::string_view client, CheckResult result);
  // A session id for a login that has no verification of ours (Twilio Verify keeps it).
  [[nodiscard]] std::string localSid();
  void track(const std::string& sid);
  void settle(const std::string& sid, Status outcome);
  [[nodiscard]] VerifyReply checkWithTwilio(const LoginSession& session, std::string digits,
                                            std::string client);
  [[nodiscard]] Result<Joined> finishTwilioCheck(const LoginSession& session, std::string_view client,
                                                 const Result<verify::CheckOutcome>& checked);
  // Counts a check's outcome; an approval for a name not (or no longer) on the list counts as wrong
  // (`onList` matters for approvals only); a wrong code spends the identity's failure budget.
  void countCheck(const LoginSession& session, std::string_view client, verify::CheckOutcome outcome,
                  bool onList);
  // The token for a verified guest: their chosen room if invited to it, else their first.
  [[nodiscard]] Result<Joined> admit(const directory::Guest& guest, const LoginSession& session,
                                     std::string_view client);

  directory::Directory& directory_;
  verify::Verifier& verifier_;
  delivery::DeliveryQueue& delivery_;
  const token::TokenMinter& minter_;
  AuditLog& audit_;
  const Clock& clock_;
  std::string decoyKey_;
  JoinFlowOptions options_;
  const twilio::TwilioClient* twilioVerify_;
  VerificationCounters counters_;
  TokenBuckets loginsPerAddress_{kLoginsPerAddress}, loginsPerIdentity_{kLoginsPerIdentity};
  TokenBuckets checksPerAddress_{kChecksPerAddress}, checksPerIdentity_{kChecksPerIdentity};
  FailureBudget failures_{kMaxFailedChecksPerDay, kFailureWindow};
  TokenBuckets smsPerHour_, smsPerCountry_;
  // 429 from `buckets` for `key` if it has no token left (counted as `limit`); none if one was taken.
  [[nodiscard]] std::optional<Error> limit(TokenBuckets& buckets, const std::string& key, RateLimit limit);
  directory::Directory::ContactMix mix_;
  std::optional<int64_t> mixReadAt_;  // unix seconds; none before the first read
  uint64_t localSids_ = 0;
  struct Tracked {
    int64_t startedAt = 0;          // unix seconds
    std::optional<Status> outcome;  // none while the channel has not answered
  };
  std::unordered_map<std::string, Tracked> deliveries_;
  std::deque<std::pair<std::string, int64_t>> deliveryOrder_;  // (sid, startedAt), oldest first
};

}  // namespace roomgate::app
