#pragma once
// JoinFlow: the walk of one guest from a name to an access token (docs/ARCHITECTURE.md, "The walk").
//   login(): Directory.find -> Verifier.start -> DeliveryQueue.enqueue, answering with a masked destination.
//   verify(): Verifier.check -> Directory.find (room grant) -> TokenMinter.mint.
// With Twilio Verify (a TwilioClient given), Twilio starts and checks the verification instead.
// Answers are ready at once unless a provider must be asked (a remote channel, Twilio Verify): then the
// reply is deferred; its `later` (called by the server once the turn's state is committed) queues the
// provider call on the delivery workers, and `done` runs on the I/O thread with the provider's verdict.
// Names not on the guest list take the same path against a decoy destination, so status, body shape,
// rate limits and database work are those of a guest (unless revealUnknown), and nothing is sent.
// Knows no HTTP: the http part parses JSON and cookies and turns Errors into responses.
// Thread: the server's I/O thread only (including the completions of deferred replies).
#include <optional>
#include <string>

#include "app/LoginSession.hpp"
#include "app/VerificationCounters.hpp"
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
};

struct LoginAnswer {
  std::string channel;            // "sms" or "email"
  std::string maskedDestination;  // "********21" or "m•••@example.com"
  LoginSession session;
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
  std::string otpHost;
};

using LoginReply = Eventually<Result<LoginAnswer>>;
using VerifyReply = Eventually<Result<Joined>>;

class JoinFlow {
 public:
  // All parts are borrowed and must outlive the flow. `secret` keys the decoys for unknown names.
  // `twilioVerify`: null for the built-in verification service, else Twilio Verify does it (the delivery
  // queue's channels are then TwilioVerifyChannels).
  JoinFlow(directory::Directory& directory, verify::Verifier& verifier, delivery::DeliveryQueue& delivery,
           const token::TokenMinter& minter, const Clock& clock, std::string_view secret,
           JoinFlowOptions options, const twilio::TwilioClient* twilioVerify = nullptr);

  [[nodiscard]] LoginReply login(const LoginRequest& request);
  // `code` as the guest typed it; spaces and dashes are ignored.
  [[nodiscard]] VerifyReply verify(const LoginSession& session, std::string_view code);
  // How sends and checks ended so far (for /metrics), each counted where its outcome is decided.
  [[nodiscard]] const VerificationCounters& counters() const { return counters_; }

 private:
  struct Decoy {
    std::string destination;
    std::string masked;
  };
  [[nodiscard]] Decoy decoyFor(std::string_view identity) const;
  // Waits for the provider to accept `m`; on refusal `onFailure` runs first (it undoes local state).
  [[nodiscard]] LoginReply afterSend(delivery::Message m, LoginAnswer answer,
                                     std::function<void()> onFailure);
  [[nodiscard]] VerifyReply checkWithTwilio(const LoginSession& session, std::string digits);
  [[nodiscard]] Result<Joined> finishTwilioCheck(const LoginSession& session,
                                                 const Result<verify::CheckOutcome>& checked);
  // Counts a check's outcome; an approval for a name not (or no longer) on the list counts as wrong
  // (`onList` matters for approvals only).
  void countCheck(verify::CheckOutcome outcome, bool onList);
  // The token for a verified guest: their chosen room if invited to it, else their first.
  [[nodiscard]] Result<Joined> admit(const directory::Guest& guest, const LoginSession& session);

  directory::Directory& directory_;
  verify::Verifier& verifier_;
  delivery::DeliveryQueue& delivery_;
  const token::TokenMinter& minter_;
  const Clock& clock_;
  std::string decoyKey_;
  JoinFlowOptions options_;
  const twilio::TwilioClient* twilioVerify_;
  VerificationCounters counters_;
};

}  // namespace roomgate::app
