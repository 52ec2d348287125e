#include "app/JoinFlow.hpp"

#include <algorithm>

#include "common/Crypto.hpp"
#include "common/Encoding.hpp"
#include "common/Text.hpp"
#include "directory/Email.hpp"
#include "directory/Identity.hpp"
#include "directory/PhoneNumber.hpp"

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

std::string messageBody(std::string_view room, std::string_view code) {
  return "Your roomgate code for " + std::string(room) + " is " + std::string(code) +
         ". It expires in 10 minutes.";
}

}  // namespace

JoinFlow::JoinFlow(directory::Directory& directory, verify::Verifier& verifier,
                   delivery::DeliveryQueue& delivery, const token::TokenMinter& minter, const Clock& clock,
                   std::string_view secret, JoinFlowOptions options)
    : directory_(directory),
      verifier_(verifier),
      delivery_(delivery),
      minter_(minter),
      clock_(clock),
      decoyKey_(deriveKey(secret, "decoy")),
      options_(options) {}

JoinFlow::Decoy JoinFlow::decoyFor(std::string_view identity) const {
  // Keyed on the lower-cased name: stable across tries and spellings, unguessable without the secret.
  const Digest d = hmacSha256(decoyKey_, asciiLower(identity));
  const auto digit = [&](std::size_t i) {
    return static_cast<char>('0' + std::to_integer<unsigned>(d[i]) % 10);
  };
  return {"unknown:" + toHex(std::span(d).first(12)), std::string("********") + digit(30) + digit(31)};
}

Result<LoginAnswer> JoinFlow::login(const LoginRequest& request) {
  auto identity = directory::validateIdentity(request.username);
  if (!identity) return identity.error();
  if (request.channel && *request.channel != "sms" && *request.channel != "email")
    return Error::badRequest("invalid_field", "\"channel\" must be \"sms\" or \"email\".");
  std::optional<std::string> room;
  if (request.room) {
    auto r = directory::validateRoomName(*request.room);
    if (!r) return r.error();
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
      return Error::badRequest("channel_unavailable",
                               wantsEmail
                                   ? "No e-mail address is on file for you; ask for the code by text message."
                                   : "No phone number is on file for you; ask for the code by e-mail.");
    destination = *onFile;
    masked = wantsEmail ? directory::maskEmail(destination) : directory::maskPhone(destination);
    roomForMessage = room ? *room : guest->rooms.empty() ? std::string("your call") : guest->rooms.front();
    if (options_.revealUnknown && room &&
        std::none_of(guest->rooms.begin(), guest->rooms.end(),
                     [&](auto& g) { return equalsIgnoringAsciiCase(g, *room); }))
      return Error::forbidden("room_not_allowed", "You are not invited to " + *room + ".");
  } else {
    if (options_.revealUnknown)
      return Error::unauthorized(
          "unknown_user", *identity + " is not on the guest list. Check the spelling or ask the host.");
    const Decoy decoy = decoyFor(*identity);
    destination = decoy.destination;
    masked = decoy.masked;
  }

  if (!delivery_.canDeliver(channel)) return unavailable(channel);
  auto started = verifier_.start(destination, channel);
  if (!started) return started.error();
  if (guest) {
    delivery::Message m{started->sid,         channel,
                        destination,          masked,
                        "Your roomgate code", messageBody(roomForMessage, started->code),
                        started->code};
    if (!delivery_.enqueue(std::move(m))) return unavailable(channel);
  }
  return LoginAnswer{channel, masked,
                     LoginSession{*identity, room, started->sid, channel, started->expiresAt}};
}

Result<Joined> JoinFlow::verify(const LoginSession& session, std::string_view code) {
  std::string digits;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || digits.size() > verify::kMaxCodeLength)
      return Error::badRequest("invalid_code", "The code is the digits we sent you, with nothing else.");
    digits.push_back(c);
  }
  if (digits.size() < verify::kMinCodeLength)
    return Error::badRequest("invalid_code", "The code is the digits we sent you, with nothing else.");

  const auto checked = verifier_.check(session.verificationSid, digits);
  const auto guest = directory_.find(session.identity);
  switch (checked.outcome) {
    case verify::CheckOutcome::kApproved:
      if (guest) break;
      [[fallthrough]];  // a decoy can never admit anyone: it fails as a wrong code does
    case verify::CheckOutcome::kWrongCode:
      return Error::unauthorized("wrong_code", checked.checksRemaining == 1
                                                   ? "That code is not right. You have 1 try left."
                                                   : "That code is not right. You have " +
                                                         std::to_string(checked.checksRemaining) +
                                                         " tries left.");
    case verify::CheckOutcome::kTooManyChecks: {
      const std::string destination =
          guest ? (session.channel == "email" ? guest->email : guest->phone).value_or("")
                : decoyFor(session.identity).destination;
      return Error::tooMany("too_many_checks", "Too many wrong codes. Go back and ask for a new code.",
                            verifier_.secondsUntilSendAllowed(destination));
    }
    case verify::CheckOutcome::kNotFound:
      return Error::unauthorized("code_expired",
                                 "This code has expired or was already used. Go back and ask for a new one.");
  }

  if (guest->rooms.empty())
    return Error::forbidden("no_room",
                            "You are on the guest list but not invited to any room yet. Ask the host.");
  std::string room = guest->rooms.front();
  if (session.room) {
    auto it = std::find_if(guest->rooms.begin(), guest->rooms.end(),
                           [&](auto& g) { return equalsIgnoringAsciiCase(g, *session.room); });
    if (it == guest->rooms.end())
      return Error::forbidden("room_not_allowed",
                              "You are not invited to " + *session.room + ". Ask the host.");
    room = *it;
  }
  auto token = minter_.mint(guest->identity, room, options_.tokenTtl);
  if (!token) return token.error();
  return Joined{std::move(token.value()), guest->identity, room};
}

}  // namespace roomgate::app
