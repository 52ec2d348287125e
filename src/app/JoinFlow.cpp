#include "app/JoinFlow.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "common/Text.hpp"
#include "directory/Email.hpp"
#include "directory/Identity.hpp"
#include "directory/PhoneNumber.hpp"
#include "store/Database.hpp"

namespace roomgate::app {
namespace {

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return asciiLower(a) == asciiLower(b);
}

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
                   delivery::DeliveryQueue& delivery, const token::TokenMinter& minter, const Clock& clock,
                   std::string_view secret, JoinFlowOptions options, const twilio::TwilioClient* twilioVerify)
    : directory_(directory),
      verifier_(verifier),
      delivery_(delivery),
      minter_(minter),
      clock_(clock),
      decoyKey_(deriveKey(secret, "decoy")),
      options_(std::move(options)),
      twilioVerify_(twilioVerify) {}

JoinFlow::Decoy JoinFlow::decoyFor(std::string_view identity) const {
  // Keyed on the lower-cased name: stable across tries and spellings, unguessable without the secret.
  const Digest d = hmacSha256(decoyKey_, asciiLower(identity));
  const auto digit = [&](std::size_t i) {
    return static_cast<char>('0' + std::to_integer<unsigned>(d[i]) % 10);
  };
  return {"unknown:" + toHex(std::span(d).first(12)), std::string("********") + digit(30) + digit(31)};
}

LoginReply JoinFlow::login(const LoginRequest& request) {
  auto identity = directory::validateIdentity(request.username);
  if (!identity) return LoginReply::ready(identity.error());
  if (request.channel && *request.channel != "sms" && *request.channel != "email")
    return LoginReply::ready(Error::badRequest("invalid_field", "\"channel\" must be \"sms\" or \"email\"."));
  std::optional<std::string> room;
  if (request.room) {
    auto r = directory::validateRoomName(*request.room);
    if (!r) return LoginReply::ready(r.error());
    room = std::move(r.value());
  }

  const auto guest = directory_.find(*identity);
  std::string channel = "sms", destination, masked;
  std::string roomForMessage;
  if (guest) {
    const bool wantsEmail = request.channel ? *request.channel == "email" : !guest->phone.has_value();
    channel = wantsEmail ? "email" : "sms";
    const auto& onFile = wantsEmail ? guest->email : guest->phone;
    if (!onFile)
      return LoginReply::ready(Error::badRequest(
          "channel_unavailable",
          wantsEmail ? "No e-mail address is on file for you; ask for the code by text message."
                     : "No phone number is on file for you; ask for the code by e-mail."));
    destination = *onFile;
    masked = wantsEmail ? directory::maskEmail(destination) : directory::maskPhone(destination);
    roomForMessage = room ? *room : guest->rooms.empty() ? std::string("your call") : guest->rooms.front();
    if (options_.revealUnknown && room &&
        std::none_of(guest->rooms.begin(), guest->rooms.end(),
                     [&](auto& g) { return equalsIgnoringAsciiCase(g, *room); }))
      return LoginReply::ready(Error::forbidden("room_not_allowed", "You are not invited to " + *room + "."));
  } else {
    if (options_.revealUnknown)
      return LoginReply::ready(Error::unauthorized(
          "unknown_user", *identity + " is not on the guest list. Check the spelling or ask the host."));
    const Decoy decoy = decoyFor(*identity);
    destination = decoy.destination;
    masked = decoy.masked;
  }

  if (!delivery_.canDeliver(channel)) {
    counters_.countSend(channel, SendOutcome::kUnavailable);
    return LoginReply::ready(unavailable(channel));
  }

  if (twilioVerify_) {
    // Twilio keeps the verification; the session only says who asked, for where, by which channel.
    LoginAnswer answer{channel, masked,
                       LoginSession{*identity, room, "", channel,
                                    unixSeconds(clock_.now()) + verify::kCodeLifetime.count()}};
    if (!guest) {
      counters_.countSend(channel, SendOutcome::kDecoy);
      return LoginReply::ready(std::move(answer));
    }
    delivery::Message m{"", channel, destination, masked, "", "", ""};
    return afterSend(std::move(m), std::move(answer), {});
  }

  auto started = verifier_.start(destination, channel);
  if (!started) {
    counters_.countSend(channel, SendOutcome::kRateLimited);  // start's one refusal: too_many_sends
    return LoginReply::ready(started.error());
  }
  LoginAnswer answer{channel, masked,
                     LoginSession{*identity, room, started->sid, channel, started->expiresAt}};
  if (!guest) {
    counters_.countSend(channel, SendOutcome::kDecoy);
    return LoginReply::ready(std::move(answer));
  }
  delivery::Message m{started->sid,
                      channel,
                      destination,
                      masked,
                      "Your roomgate code",
                      channel == "sms" ? smsBody(roomForMessage, started->code, options_.otpHost)
                                       : messageBody(roomForMessage, started->code),
                      started->code};
  if (!delivery_.isRemote(channel)) {
    // The console: nothing to wait for, and no thread hop on the request path.
    const bool queued = delivery_.enqueue(std::move(m));
    counters_.countSend(channel, queued ? SendOutcome::kSent : SendOutcome::kFailed);
    if (!queued) return LoginReply::ready(unavailable(channel));
    return LoginReply::ready(std::move(answer));
  }
  return afterSend(std::move(m), std::move(answer),
                   [this, destination, started = std::move(started.value())] {
                     verifier_.sendFailed(destination, started);
                   });
}

LoginReply JoinFlow::afterSend(delivery::Message m, LoginAnswer answer, std::function<void()> onFailure) {
  return LoginReply::deferred(
      [this, m = std::move(m), answer = std::move(answer),
       onFailure = std::move(onFailure)](Completion<Result<LoginAnswer>> done) mutable {
        const std::string channel = m.channel;
        auto finish = [this, answer, onFailure, channel, done](const Status& sent) {
          counters_.countSend(channel, sent.ok() ? SendOutcome::kSent : sendOutcomeOf(sent.error()));
          done(guarded<LoginAnswer>([&]() -> Result<LoginAnswer> {
            if (sent.ok()) return answer;
            if (onFailure) onFailure();
            return forGuest(sent.error(), channel);
          }));
        };
        if (!delivery_.enqueue(std::move(m), finish)) finish(Status(unavailable(channel)));
      });
}

VerifyReply JoinFlow::verify(const LoginSession& session, std::string_view code) {
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
  if (twilioVerify_) return checkWithTwilio(session, std::move(digits));

  const auto checked = verifier_.check(session.verificationSid, digits);
  const auto guest = directory_.find(session.identity);
  countCheck(checked.outcome, guest.has_value());
  switch (checked.outcome) {
    case verify::CheckOutcome::kApproved:
      if (guest) return VerifyReply::ready(admit(*guest, session));
      [[fallthrough]];  // a decoy can never admit anyone: it fails as a wrong code does
    case verify::CheckOutcome::kWrongCode:
      return VerifyReply::ready(wrongCode(checked.checksRemaining));
    case verify::CheckOutcome::kTooManyChecks: {
      const std::string destination =
          guest ? (session.channel == "email" ? guest->email : guest->phone).value_or("")
                : decoyFor(session.identity).destination;
      return VerifyReply::ready(tooManyChecks(verifier_.secondsUntilSendAllowed(destination)));
    }
    case verify::CheckOutcome::kNotFound:
      break;
  }
  return VerifyReply::ready(codeExpired());
}

VerifyReply JoinFlow::checkWithTwilio(const LoginSession& session, std::string digits) {
  const auto guest = directory_.find(session.identity);
  if (!guest) {
    counters_.countCheck(CheckResult::kWrongCode);
    return VerifyReply::ready(wrongCode(kChecksRemainingUnknown));  // a decoy: nothing was ever sent
  }
  const auto destination = session.channel == "email" ? guest->email : guest->phone;
  if (!destination) {
    counters_.countCheck(CheckResult::kExpired);
    return VerifyReply::ready(codeExpired());  // changed on the list since /login
  }
  return VerifyReply::deferred(
      [this, session, to = *destination, digits = std::move(digits)](Completion<Result<Joined>> done) {
        const twilio::TwilioClient* twilio = twilioVerify_;
        const bool queued =
            delivery_.submit([this, twilio, session, to, digits, done]() -> std::function<void()> {
              Result<verify::CheckOutcome> checked = checkUnavailable();
              try {
                checked = twilio->check(to, digits);
              } catch (const std::exception& e) {
                checked = Error::unavailable("provider_unreachable", e.what());
              }
              if (!checked.ok() && checked.error().status >= 500)
                spdlog::warn("Twilio Verify could not check a code for {}: {}", session.identity,
                             checked.error().message);
              return [this, session, checked, done] {
                done(guarded<Joined>([&] { return finishTwilioCheck(session, checked); }));
              };
            });
        if (!queued) {
          counters_.countCheck(CheckResult::kFailed);
          done(checkUnavailable());
        }
      });
}

Result<Joined> JoinFlow::finishTwilioCheck(const LoginSession& session,
                                           const Result<verify::CheckOutcome>& checked) {
  if (!checked.ok()) {
    counters_.countCheck(CheckResult::kFailed);
    return checked.error().status >= 500 ? checkUnavailable() : checked.error();
  }
  const auto guest =
      *checked == verify::CheckOutcome::kApproved ? directory_.find(session.identity) : std::nullopt;
  countCheck(*checked, guest.has_value());
  switch (*checked) {
    case verify::CheckOutcome::kApproved:
      if (guest) return admit(*guest, session);
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

void JoinFlow::countCheck(verify::CheckOutcome outcome, bool onList) {
  switch (outcome) {
    case verify::CheckOutcome::kApproved:
      return counters_.countCheck(onList ? CheckResult::kApproved : CheckResult::kWrongCode);
    case verify::CheckOutcome::kWrongCode:
      return counters_.countCheck(CheckResult::kWrongCode);
    case verify::CheckOutcome::kTooManyChecks:
      return counters_.countCheck(CheckResult::kTooManyChecks);
    case verify::CheckOutcome::kNotFound:
      break;
  }
  counters_.countCheck(CheckResult::kExpired);
}

Result<Joined> JoinFlow::admit(const directory::Guest& guest, const LoginSession& session) {
  if (guest.rooms.empty())
    return Error::forbidden("no_room",
                            "You are on the guest list but not invited to any room yet. Ask the host.");
  std::string room = guest.rooms.front();
  if (session.room) {
    auto it = std::find_if(guest.rooms.begin(), guest.rooms.end(),
                           [&](auto& g) { return equalsIgnoringAsciiCase(g, *session.room); });
    if (it == guest.rooms.end())
      return Error::forbidden("room_not_allowed",
                              "You are not invited to " + *session.room + ". Ask the host.");
    room = *it;
  }
  auto token = minter_.mint(guest.identity, room, options_.tokenTtl);
  if (!token) return token.error();
  return Joined{std::move(token.value()), guest.identity, room};
}

}  // namespace roomgate::app
