#include "app/JoinFlow.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <tuple>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "common/Text.hpp"
#include "directory/Email.hpp"
#include "directory/Identity.hpp"
#include "directory/PhoneNumber.hpp"
#include "store/Database.hpp"

namespace roomgate::app {
namespace {

Error unavailable(std::string_view channel) {
  return Error::unavailable(
      "delivery_unavailable",
      channel == "email"
          ? "We cannot send e-mail right now. Try again in a few minutes or ask the host."
          : "We cannot send text messages right now. Try again in a few minutes or ask the host.");
}

Error checkUnavailable() {
  return Error::unavailable("verification_unavailable",
                            "We cannot check codes right now. Try again in a few minutes or ask the host.");
}

// What the guest is told when a provider refused: its own sentence for what they can act on (a bad
// destination, too many sends), else that sending is not possible right now.
Error forGuest(const Error& e, std::string_view channel) {
  return e.status >= 500 ? unavailable(channel) : e;
}

std::string messageBody(std::string_view room, std::string_view code) {
  return "Your roomgate code for " + std::string(room) + " is " + std::string(code) +
         ". It expires in 10 minutes.";
}

// An SMS ends with the origin-bound line ("@host #code") that browsers read to offer the code for
// autofill on that origin only (WICG origin-bound one-time codes).
std::string smsBody(std::string_view room, std::string_view code, std::string_view host) {
  std::string body = messageBody(room, code);
  if (!host.empty()) body += "\n\n@" + std::string(host) + " #" + std::string(code);
  return body;
}

// How a provider's refusal counts (a refusal by roomgate itself is counted where it is made).
SendOutcome sendOutcomeOf(const Error& e) {
  if (e.status == 429) return SendOutcome::kRateLimited;
  return e.status >= 500 ? SendOutcome::kFailed : SendOutcome::kRefused;
}

// Twilio Verify does not say how many tries are left.
constexpr int kChecksRemainingUnknown = 0;
// With Twilio Verify a new code may be asked for at once after too many checks (Twilio enforces its own
// send limit then): the smallest Retry-After.
constexpr int kRetryAfterTwilioChecks = 1;

Error wrongCode(int checksRemaining) {
  if (checksRemaining <= kChecksRemainingUnknown)
    return Error::unauthorized("wrong_code", "That code is not right. Check it and try again.");
  return Error::unauthorized("wrong_code", checksRemaining == 1
                                               ? "That code is not right. You have 1 try left."
                                               : "That code is not right. You have " +
                                                     std::to_string(checksRemaining) + " tries left.");
}

Error tooManyChecks(int retryAfterSeconds) {
  return Error::tooMany("too_many_checks", "Too many wrong codes. Go back and ask for a new code.",
                        retryAfterSeconds);
}

Error codeExpired() {
  return Error::unauthorized("code_expired",
                             "This code has expired or was already used. Go back and ask for a new one.");
}

// Runs a completion's work; a storage failure becomes a 503 instead of escaping the event loop (the
// request must still be answered).
template <typename T, typename F>
Result<T> guarded(F&& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    spdlog::error("completing a request failed: {}", e.what());
    return Error::unavailable("storage_unavailable",
                              "The server could not save your request. Try again in a moment.");
  }
}

}  // namespace

JoinFlow::JoinFlow(directory::Directory& directory, verify::Verifier& verifier,
                   delivery::DeliveryQueue& delivery, const token::TokenMinter& minter, AuditLog& audit,
                   const Clock& clock, std::string_view secret, JoinFlowOptions options,
                   const twilio::TwilioClient* twilioVerify)
    : directory_(directory),
      verifier_(verifier),
      delivery_(delivery),
      minter_(minter),
      audit_(audit),
      clock_(clock),
      decoyKey_(deriveKey(secret, "decoy")),
      options_(std::move(options)),
      twilioVerify_(twilioVerify),
      smsPerHour_(hourly(options_.smsPerHour)),
      smsPerCountry_(hourly(options_.smsPerCountryPerHour)) {}

namespace {

// The last labels decoy e-mail masks end with, weighted roughly as addresses are.
constexpr std::string_view kDecoyTlds[] = {".com", ".com", ".com", ".com", ".com",
                                           ".org", ".net", ".edu", ".de",  ".uk"};

// The 32-bit big-endian number at bytes [at, at + 4) of `d`.
uint32_t wordAt(const Digest& d, std::size_t at) {
  uint32_t w = 0;
  for (std::size_t i = at; i < at + 4; ++i) w = w << 8 | std::to_integer<uint32_t>(d[i]);
  return w;
}

}  // namespace

std::string JoinFlow::decoyDestination(std::string_view identity, std::string_view channel) const {
  // Keyed on the lower-cased name: stable across tries and spellings, unguessable without the secret.
  const Digest d = hmacSha256(decoyKey_, asciiLower(identity));
  return (channel == "email" ? "unknown-email:" : "unknown:") + toHex(std::span(d).first(12));
}

void JoinFlow::refreshMix() {
  const int64_t now = unixSeconds(clock_.now());
  if (!mixReadAt_ || now - *mixReadAt_ >= kContactMixRefresh.count()) {
    mix_ = directory_.contactMix();
    mixReadAt_ = now;
  }
}

std::optional<Error> JoinFlow::smsRefusal(int callingCode) {
  refreshMix();
  const bool allowed = options_.smsCountries.empty() ? mix_.callingCodes.contains(callingCode)
                                                     : options_.smsCountries.contains(callingCode);
  if (!allowed) {
    counters_.countRateLimited(RateLimit::kSmsCountryNotAllowed);
    return Error::badRequest(
        "sms_country_not_allowed",
        "We do not send text messages to your country; ask the host, or for the code by e-mail.");
  }
  for (auto [buckets, key, which] :
       {std::tuple{&smsPerHour_, std::string("all"), RateLimit::kSmsPerHour},
        std::tuple{&smsPerCountry_, std::to_string(callingCode), RateLimit::kSmsPerCountry}}) {
    if (const int wait = buckets->take(key, nowMs()); wait > 0) {
      counters_.countRateLimited(which);
      return Error::tooMany(
          "too_many_texts",
          "We are sending too many text messages right now. Try again later, or ask for the code by e-mail.",
          wait);
    }
  }
  return std::nullopt;
}

JoinFlow::Contact JoinFlow::decoyContact(std::string_view identity) {
  refreshMix();
  const Digest d = hmacSha256(decoyKey_, "contact:" + asciiLower(identity));
  const auto byte = [&](std::size_t i) { return std::to_integer<unsigned>(d[i]); };
  // Which kind of guest this name pretends to be, in the proportions of the list.
  const int64_t total = mix_.phoneOnly + mix_.emailOnly + mix_.both;
  const int64_t pick = total == 0 ? 0 : static_cast<int64_t>(wordAt(d, 0) % static_cast<uint64_t>(total));
  const bool phone = pick < mix_.phoneOnly || pick >= mix_.phoneOnly + mix_.emailOnly;
  const bool email = pick >= mix_.phoneOnly;
  Contact c;
  if (phone) {
    c.phone = decoyDestination(identity, "sms");
    // A calling code drawn as the list's phones are spread over them.
    int64_t phones = 0;
    for (const auto& [code, n] : mix_.callingCodes) phones += n;
    int64_t at = phones == 0 ? 0 : static_cast<int64_t>(wordAt(d, 9) % static_cast<uint64_t>(phones));
    c.callingCode = 1;
    for (const auto& [code, n] : mix_.callingCodes) {
      if (at < n) {
        c.callingCode = code;
        break;
      }
      at -= n;
    }
    c.maskedPhone = std::string(directory::kMaskedPhoneStars, '*') + static_cast<char>('0' + byte(4) % 10) +
                    static_cast<char>('0' + byte(5) % 10);
  }
  if (email) {
    c.email = decoyDestination(identity, "email");
    const std::string shaped = std::string(1, static_cast<char>('a' + byte(6) % 26)) + "@" +
                               static_cast<char>('a' + byte(7) % 26) + "x" +
                               std::string(kDecoyTlds[byte(8) % std::size(kDecoyTlds)]);
    c.maskedEmail = directory::maskEmail(shaped);
  }
  c.standIn = uint64_t{wordAt(d, 16)} << 32 | wordAt(d, 20);
  return c;
}

JoinFlow::Contact JoinFlow::contactOf(const directory::Guest& guest) {
  return Contact{guest.phone,
                 guest.email,
                 guest.phone ? directory::maskPhone(*guest.phone) : "",
                 guest.email ? directory::maskEmail(*guest.email) : "",
                 guest.phone ? directory::callingCode(*guest.phone) : 0,
                 0};
}

int64_t JoinFlow::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
}

std::string JoinFlow::localSid() {
  const Digest d = hmacSha256(decoyKey_, "local-sid:" + std::to_string(++localSids_));
  return "VE" + toHex(std::span(d).first(16));
}

std::optional<Error> JoinFlow::limit(TokenBuckets& buckets, const std::string& key, RateLimit which) {
  const int wait = buckets.take(key, nowMs());
  if (wait == 0) return std::nullopt;
  counters_.countRateLimited(which);
  return Error::tooMany("rate_limited", "Too many tries in a short time. Wait a little, then try again.",
                        wait);
}

void JoinFlow::writeAudit(std::string_view event, std::string_view identity, std::string_view room,
                          std::string_view client, std::string_view outcome, std::string detail,
                          std::optional<bool> known) {
  audit_.record({0, 0, std::string(event), std::string(identity.substr(0, audit::kMaxNameChars)),
                 std::string(room.substr(0, audit::kMaxNameChars)), std::string(client), std::string(outcome),
                 std::move(detail), known});
}

void JoinFlow::auditSend(const LoginSession& session, std::string_view client, std::string_view masked,
                         SendOutcome outcome) {
  writeAudit(audit::kSend, session.identity, session.room.value_or(""), client,
             kSendOutcomeNames[static_cast<std::size_t>(outcome)],
             session.channel + " " + std::string(masked));
}

LoginReply JoinFlow::login(const LoginRequest& request) {
  // One row per login, guest or stranger, written the same way: `known` is only a value in it.
  std::optional<bool> known;
  // Written when the answer is known: at once for a refusal, when the deferred reply answers otherwise
  // (guests and strangers alike).
  return loginSteps(request, known).map([this, request, known](Result<LoginAnswer> answer) {
    writeAudit(audit::kLogin, request.username, request.room.value_or(""), request.client,
               answer.ok() ? audit::kOk : std::string_view(answer.error().code),
               answer.ok() ? answer->channel + " " + answer->maskedDestination : std::string(), known);
    return answer;
  });
}

LoginReply JoinFlow::loginSteps(const LoginRequest& request, std::optional<bool>& known) {
  if (!request.client.empty())
    if (auto refused = limit(loginsPerAddress_, addressKey(request.client), RateLimit::kLoginAddress))
      return LoginReply::ready(std::move(*refused));
  auto identity = directory::validateIdentity(request.username);
  if (!identity) return LoginReply::ready(identity.error());
  if (auto refused = limit(loginsPerIdentity_, asciiLower(*identity), RateLimit::kLoginIdentity))
    return LoginReply::ready(std::move(*refused));
  if (request.channel && *request.channel != "sms" && *request.channel != "email")
    return LoginReply::ready(Error::badRequest("invalid_field", "\"channel\" must be \"sms\" or \"email\"."));
  std::optional<std::string> room;
  if (request.room) {
    auto r = directory::validateRoomName(*request.room);
    if (!r) return LoginReply::ready(r.error());
    room = std::move(r.value());
  }

  // Everyone's login costs what a guest's does: the decoy is drawn for everyone, and a stranger's lookup
  // reads a stand-in guest whose contact is worked out like a guest's and then dropped.
  Contact decoy = decoyContact(*identity);
  auto match = directory_.findOrStandIn(*identity, decoy.standIn);
  const Contact listed = match ? contactOf(match->guest) : Contact{};
  std::optional<directory::Guest> guest;
  if (match && match->exact) guest = std::move(match->guest);
  known = guest.has_value();
  if (!guest && options_.revealUnknown)
    return LoginReply::ready(Error::unauthorized(
        "unknown_user", *identity + " is not on the guest list. Check the spelling or ask the host."));
  if (guest && options_.revealUnknown && room && !guest->invitedTo(*room))
    return LoginReply::ready(Error::forbidden("room_not_allowed", "You are not invited to " + *room + "."));

  // From here on a guest and a decoy take the same steps.
  const Contact& contact = guest ? listed : decoy;
  const bool wantsEmail = request.channel ? *request.channel == "email" : !contact.phone.has_value();
  const std::string channel = wantsEmail ? "email" : "sms";
  const auto& onFile = wantsEmail ? contact.email : contact.phone;
  if (!onFile)
    return LoginReply::ready(Error::badRequest(
        "channel_unavailable", wantsEmail
                                   ? "No e-mail address is on file for you; ask for the code by text message."
                                   : "No phone number is on file for you; ask for the code by e-mail."));
  const std::string destination = *onFile;
  const std::string masked = wantsEmail ? contact.maskedEmail : contact.maskedPhone;
  const std::string roomForMessage = room                             ? *room
                                     : guest && !guest->rooms.empty() ? guest->rooms.front()
                                                                      : std::string("your call");

  if (!delivery_.canDeliver(channel)) {
    counters_.countSend(channel, SendOutcome::kUnavailable);
    auditSend(LoginSession{*identity, room, "", channel, 0}, request.client, masked,
              SendOutcome::kUnavailable);
    return LoginReply::ready(unavailable(channel));
  }
  if (channel == "sms")
    if (auto refused = smsRefusal(contact.callingCode)) return LoginReply::ready(std::move(*refused));

  if (twilioVerify_) {
    // Twilio keeps the verification; the session only says who asked, for where, by which channel.
    const std::string sid = localSid();
    LoginAnswer answer{channel, masked,
                       LoginSession{*identity, room, sid, channel,
                                    unixSeconds(clock_.now()) + verify::kCodeLifetime.count()}};
    delivery::Message m{sid, channel, destination, masked, "", "", ""};
    return send(std::move(m), std::move(answer), guest.has_value(), request.client, {});
  }

  auto started = verifier_.start(destination, channel);
  if (!started) {
    counters_.countSend(channel, SendOutcome::kRateLimited);  // start's one refusal: too_many_sends
    auditSend(LoginSession{*identity, room, "", channel, 0}, request.client, masked,
              SendOutcome::kRateLimited);
    return LoginReply::ready(started.error());
  }
  LoginAnswer answer{channel, masked,
                     LoginSession{*identity, room, started->sid, channel, started->expiresAt}};
  delivery::Message m{started->sid,
                      channel,
                      destination,
                      masked,
                      "Your roomgate code",
                      channel == "sms" ? smsBody(roomForMessage, started->code, options_.otpHost)
                                       : messageBody(roomForMessage, started->code),
                      started->code};
  return send(std::move(m), std::move(answer), guest.has_value(), request.client,
              [this, destination, started = std::move(started.value())] {
                verifier_.sendFailed(destination, started);
              });
}

LoginReply JoinFlow::send(delivery::Message m, LoginAnswer answer, bool real, const std::string& client,
                          std::function<void()> onFailure) {
  const std::string sid = answer.session.verificationSid;
  track(sid);  // before queueing: the outcome may come back at once
  // The answer is given first and the message queued once it has reached the client (answer.send, run by
  // http::Server after the write, which follows the turn's commit): a worker's work on a guest's message,
  // which a decoy's lacks, cannot delay the answer. The send's audit row is written when the channel (or,
  // for a decoy, the worker) answers.
  const LoginSession session = answer.session;
  const std::string masked = answer.maskedDestination;
  answer.send = [this, sid, real, client, session, masked, m = std::move(m),
                 onFailure = std::move(onFailure)]() mutable {
    const std::string channel = m.channel;
    bool queued = false;
    if (real) {
      queued = delivery_.enqueue(
          std::move(m), [this, sid, channel, onFailure, session, client, masked](const Status& sent) {
            const SendOutcome outcome = sent.ok() ? SendOutcome::kSent : sendOutcomeOf(sent.error());
            counters_.countSend(channel, outcome);
            auditSend(session, client, masked, outcome);
            if (!sent.ok() && onFailure) {
              try {
                onFailure();
              } catch (const std::exception& e) {
                spdlog::error("undoing a refused send failed: {}", e.what());
              }
            }
            settle(sid, sent.ok() ? Status(Ok{}) : Status(forGuest(sent.error(), channel)));
          });
    } else {
      // A decoy's message goes as far as a worker, which drops it; its audit row is written when the job
      // comes back, as a guest's is when the channel answers.
      queued =
          delivery_.submit([this, sid, session, client, masked, m = std::move(m)]() -> std::function<void()> {
            return [this, sid, session, client, masked] {
              auditSend(session, client, masked, SendOutcome::kDecoy);
              settle(sid, Ok{});
            };
          });
      if (queued) counters_.countSend(channel, SendOutcome::kDecoy);
    }
    if (!queued) {  // filled up since canDeliver(): the page learns it from /login/status
      const SendOutcome outcome = real ? SendOutcome::kFailed : SendOutcome::kDecoy;
      counters_.countSend(channel, outcome);
      auditSend(session, client, masked, outcome);
      if (real && onFailure) onFailure();
      settle(sid, unavailable(channel));
    }
  };
  return LoginReply::ready(std::move(answer));
}

void JoinFlow::track(const std::string& sid) {
  const int64_t now = unixSeconds(clock_.now());
  deliveries_[sid] = Tracked{now, std::nullopt};
  deliveryOrder_.emplace_back(sid, now);
  while (!deliveryOrder_.empty() && (deliveryOrder_.size() > kMaxTrackedDeliveries ||
                                     deliveryOrder_.front().second < now - verify::kCodeLifetime.count())) {
    const auto& [oldSid, at] = deliveryOrder_.front();
    // A resend tracks the sid again, later: only the newest entry of a sid may erase it.
    if (auto it = deliveries_.find(oldSid); it != deliveries_.end() && it->second.startedAt == at)
      deliveries_.erase(it);
    deliveryOrder_.pop_front();
  }
}

void JoinFlow::settle(const std::string& sid, Status outcome) {
  if (auto it = deliveries_.find(sid); it != deliveries_.end()) it->second.outcome = std::move(outcome);
}

Result<DeliveryState> JoinFlow::deliveryStatus(const LoginSession& session) const {
  const auto it = deliveries_.find(session.verificationSid);
  if (it == deliveries_.end()) return DeliveryState::kSent;  // forgotten, or older than this process
  const Tracked& t = it->second;
  if (unixSeconds(clock_.now()) < t.startedAt + kDeliveryQuietPeriod.count() || !t.outcome)
    return DeliveryState::kPending;
  if (!t.outcome->ok()) return t.outcome->error();
  return DeliveryState::kSent;
}

VerifyReply JoinFlow::verify(const LoginSession& session, std::string_view code, std::string_view client) {
  if (!client.empty())
    if (auto refused = limit(checksPerAddress_, addressKey(client), RateLimit::kVerifyAddress))
      return VerifyReply::ready(std::move(*refused));
  const std::string who = asciiLower(session.identity);
  if (auto refused = limit(checksPerIdentity_, who, RateLimit::kVerifyIdentity))
    return VerifyReply::ready(std::move(*refused));
  if (const int wait = failures_.secondsUntilAllowed(who, unixSeconds(clock_.now())); wait > 0) {
    counters_.countRateLimited(RateLimit::kFailureBudget);
    return VerifyReply::ready(Error::tooMany(
        "too_many_failures",
        "Too many wrong codes for this name today. Try again later, or ask the host for help.", wait));
  }
  std::string digits;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || digits.size() >= verify::kMaxCodeLength)
      return VerifyReply::ready(
          Error::badRequest("invalid_code", "The code is the digits we sent you, with nothing else."));
    digits.push_back(c);
  }
  if (digits.size() < verify::kMinCodeLength)
    return VerifyReply::ready(
        Error::badRequest("invalid_code", "The code is the digits we sent you, with nothing else."));
  if (twilioVerify_) return checkWithTwilio(session, std::move(digits), std::string(client));

  const auto checked = verifier_.check(session.verificationSid, digits);
  const auto guest = directory_.find(session.identity);
  countCheck(session, client, checked.outcome, guest.has_value());
  switch (checked.outcome) {
    case verify::CheckOutcome::kApproved:
      if (guest) return VerifyReply::ready(admit(*guest, session, client));
      [[fallthrough]];  // a decoy can never admit anyone: it fails as a wrong code does
    case verify::CheckOutcome::kWrongCode:
      return VerifyReply::ready(wrongCode(checked.checksRemaining));
    case verify::CheckOutcome::kTooManyChecks: {
      const std::string destination =
          guest ? (session.channel == "email" ? guest->email : guest->phone).value_or("")
                : decoyDestination(session.identity, session.channel);
      return VerifyReply::ready(tooManyChecks(verifier_.secondsUntilSendAllowed(destination)));
    }
    case verify::CheckOutcome::kNotFound:
      break;
  }
  return VerifyReply::ready(codeExpired());
}

VerifyReply JoinFlow::checkWithTwilio(const LoginSession& session, std::string digits, std::string client) {
  const auto guest = directory_.find(session.identity);
  if (!guest) {
    countCheck(session, client, verify::CheckOutcome::kWrongCode, false);
    return VerifyReply::ready(wrongCode(kChecksRemainingUnknown));  // a decoy: nothing was ever sent
  }
  const auto destination = session.channel == "email" ? guest->email : guest->phone;
  if (!destination) {
    recordCheck(session, client, CheckResult::kExpired);
    return VerifyReply::ready(codeExpired());  // changed on the list since /login
  }
  return VerifyReply::deferred([this, session, client, to = *destination,
                                digits = std::move(digits)](Completion<Result<Joined>> done) {
    const twilio::TwilioClient* twilio = twilioVerify_;
    const bool queued =
        delivery_.submit([this, twilio, session, client, to, digits, done]() -> std::function<void()> {
          Result<verify::CheckOutcome> checked = checkUnavailable();
          try {
            checked = twilio->check(to, digits);
          } catch (const std::exception& e) {
            checked = Error::unavailable("provider_unreachable", e.what());
          }
          if (!checked.ok() && checked.error().status >= 500)
            spdlog::warn("Twilio Verify could not check a code for {}: {}", session.identity,
                         checked.error().message);
          return [this, session, client, checked, done] {
            done(guarded<Joined>([&] { return finishTwilioCheck(session, client, checked); }));
          };
        });
    if (!queued) {
      recordCheck(session, client, CheckResult::kFailed);
      done(checkUnavailable());
    }
  });
}

Result<Joined> JoinFlow::finishTwilioCheck(const LoginSession& session, std::string_view client,
                                           const Result<verify::CheckOutcome>& checked) {
  if (!checked.ok()) {
    recordCheck(session, client, CheckResult::kFailed);
    return checked.error().status >= 500 ? checkUnavailable() : checked.error();
  }
  const auto guest =
      *checked == verify::CheckOutcome::kApproved ? directory_.find(session.identity) : std::nullopt;
  countCheck(session, client, *checked, guest.has_value());
  switch (*checked) {
    case verify::CheckOutcome::kApproved:
      if (guest) return admit(*guest, session, client);
      return wrongCode(kChecksRemainingUnknown);  // removed from the list while Twilio was asked
    case verify::CheckOutcome::kWrongCode:
      return wrongCode(kChecksRemainingUnknown);  // Twilio does not say how many tries are left
    case verify::CheckOutcome::kTooManyChecks:
      return tooManyChecks(kRetryAfterTwilioChecks);
    case verify::CheckOutcome::kNotFound:
      break;
  }
  return codeExpired();
}

void JoinFlow::recordCheck(const LoginSession& session, std::string_view client, CheckResult result) {
  counters_.countCheck(result);
  writeAudit(audit::kCheck, session.identity, session.room.value_or(""), client,
             kCheckResultNames[static_cast<std::size_t>(result)], session.channel);
}

void JoinFlow::countCheck(const LoginSession& session, std::string_view client, verify::CheckOutcome outcome,
                          bool onList) {
  const CheckResult result = [&] {
    switch (outcome) {
      case verify::CheckOutcome::kApproved:
        return onList ? CheckResult::kApproved : CheckResult::kWrongCode;
      case verify::CheckOutcome::kWrongCode:
        return CheckResult::kWrongCode;
      case verify::CheckOutcome::kTooManyChecks:
        return CheckResult::kTooManyChecks;
      case verify::CheckOutcome::kNotFound:
        break;
    }
    return CheckResult::kExpired;
  }();
  recordCheck(session, client, result);
  // A wrong code spends the name's daily budget, whichever verification or channel it was for.
  if (result == CheckResult::kWrongCode || result == CheckResult::kTooManyChecks)
    failures_.fail(asciiLower(session.identity), unixSeconds(clock_.now()));
}

Result<Joined> JoinFlow::admit(const directory::Guest& guest, const LoginSession& session,
                               std::string_view client) {
  auto joined = [&]() -> Result<Joined> {
    if (guest.rooms.empty())
      return Error::forbidden("no_room",
                              "You are on the guest list but not invited to any room yet. Ask the host.");
    std::string room = guest.rooms.front();
    if (session.room) {
      auto invited = guest.invitedTo(*session.room);
      if (!invited)
        return Error::forbidden("room_not_allowed",
                                "You are not invited to " + *session.room + ". Ask the host.");
      room = std::move(*invited);
    }
    auto token = minter_.mint(guest.identity, room, options_.tokenTtl, token::kPasscodeFlow);
    if (!token) return token.error();
    return Joined{std::move(token.value()), guest.identity, room};
  }();
  // The token itself is never recorded: only that one was minted, for whom, where, for how long.
  writeAudit(audit::kToken, guest.identity, joined ? joined->room : session.room.value_or(""), client,
             joined ? audit::kOk : std::string_view(joined.error().code),
             joined ? "ttl " + std::to_string(options_.tokenTtl.count()) + "s" : std::string());
  return joined;
}

}  // namespace roomgate::app
