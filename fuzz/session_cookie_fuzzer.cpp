// http::SessionCookie: the signed login session between /login and /verify, and the Cookie header reader.
//
// Encoding: byte 0 bit 0 chooses the mode.
//   0 (arbitrary): the rest is a Cookie header. Its roomgate_session and roomgate_pass values, and the
//     whole rest as a bare value, are opened at a `now` from the first 4 bytes of the rest.
//   1 (round trip): a LoginSession from the input (identity, room (byte bit 1: present), SID, channel;
//     expiresAt and now as u32), sealed by the real encoder, put between other cookies in a Cookie header,
//     read back and opened; then one byte of the sealed value flipped (position u16, xor mask u8).
//
// Invariants:
//   - nothing throws or crashes, whatever the header or value;
//   - open() accepts only values the encoder made with our key: an accepted value re-seals to exactly
//     itself, and is not expired at `now` (no other key's seal is accepted);
//   - fromCookieHeader finds a value that follows "name=" at the start of a ';'-separated pair (spaces
//     skipped), and is a view into the header;
//   - a sealed session is read back from the Cookie header unchanged, opens to the same session exactly when
//     now < expiresAt and the value fits kMaxSessionCookieBytes, and a single flipped byte anywhere in it
//     is never accepted, at any time.
#include <string>
#include <string_view>

#include "FuzzCheck.hpp"
#include "FuzzInput.hpp"
#include "http/SessionCookie.hpp"

namespace {

using namespace roomgate::http;

const SessionCookie kCookie("session-cookie-fuzz-key-0123456789abcdef");
const SessionCookie kOtherKey("another-session-cookie-key-0123456789ab");

void checkOpened(std::string_view value, int64_t now) {
  const auto opened = kCookie.open(value, now);
  if (opened) {
    FUZZ_CHECK(kCookie.seal(*opened) == value);
    FUZZ_CHECK(now < opened->expiresAt);
  }
  FUZZ_CHECK(!kOtherKey.open(value, now) || !opened);  // nothing is signed by both keys
}

void checkFound(std::string_view header, std::string_view name) {
  const auto value = SessionCookie::fromCookieHeader(header, name);
  if (!value) return;
  FUZZ_CHECK(value->data() >= header.data() &&
             value->data() + value->size() <= header.data() + header.size());
  const std::string_view before = header.substr(0, static_cast<std::size_t>(value->data() - header.data()));
  FUZZ_CHECK(before.ends_with(std::string(name) + "="));
  FUZZ_CHECK(value->find(';') == std::string_view::npos);
}

void arbitrary(roomgate::fuzz::Input& in) {
  const int64_t now = in.u32();
  const std::string header = in.rest();
  for (std::string_view name : {kSessionCookieName, kPassCookieName}) {
    checkFound(header, name);
    if (const auto value = SessionCookie::fromCookieHeader(header, name)) checkOpened(*value, now);
  }
  checkOpened(header, now);
}

void roundTrip(roomgate::fuzz::Input& in, uint8_t mode) {
  LoginSession s;
  s.identity = in.utf8(128);
  if (mode & 2) s.room = in.utf8(128);
  s.verificationSid = in.utf8(40);
  s.channel = in.utf8(8);
  s.expiresAt = in.u32();
  const int64_t now = in.u32();
  const std::string value = kCookie.seal(s);

  const std::string header = "theme=dark; " + std::string(kSessionCookieName) + "=" + value + "; lang=en";
  FUZZ_CHECK(SessionCookie::fromCookieHeader(header) == value);
  const bool fits = value.size() <= kMaxSessionCookieBytes;
  FUZZ_CHECK(kCookie.open(value, now) == (now < s.expiresAt && fits ? std::optional(s) : std::nullopt));
  FUZZ_CHECK(!kOtherKey.open(value, now));

  const uint16_t at = in.u16();
  const std::string tampered = roomgate::fuzz::flipped(value, at, in.u8());
  FUZZ_CHECK(!kCookie.open(tampered, 0) && !kCookie.open(tampered, now));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roomgate::fuzz::Input in({data, size});
  const uint8_t mode = in.u8();
  if (mode & 1)
    roundTrip(in, mode);
  else
    arbitrary(in);
  return 0;
}
