// STUN: parse; on success check integrity and fingerprint; answer requests with a success and a 420
// error response and re-parse them, CHECKing they verify; rebuild a request from the parsed fields.
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/Check.hpp"
#include "media/Stun.hpp"

namespace {

using namespace roomgate::media;

constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";  // RFC 5769's, so its seeds verify

StunMessage reparsed(std::span<const uint8_t> bytes, const StunMessage& from) {
  auto m = parseStun(bytes);
  CHECK(m.ok());
  CHECK(m->transactionId == from.transactionId);
  CHECK(verifyFingerprint(bytes, *m));
  return std::move(m).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  const bool looksLikeStun = isStun(in);
  auto m = parseStun(in);
  if (!m.ok()) return 0;
  CHECK(looksLikeStun);
  (void)verifyIntegrity(in, *m, kPassword);
  (void)verifyFingerprint(in, *m);
  if (m->username && m->realm)
    (void)verifyIntegrityWithKey(in, *m, longTermKey(*m->username, *m->realm, kPassword));

  if (m->cls == StunClass::Request) {
    const Endpoint mapped = m->xorMappedAddress.value_or(Endpoint{AddressFamily::V4, {192, 0, 2, 1}, 3478});
    const auto success = buildBindingSuccess(*m, mapped, kPassword);
    const auto s = reparsed(success, *m);
    CHECK(s.cls == StunClass::Success && s.method == m->method);
    CHECK(s.xorMappedAddress == mapped);
    CHECK(verifyIntegrity(success, s, kPassword));

    const auto error = buildBindingError(*m, 420, "Unknown Attribute", kPassword);
    const auto e = reparsed(error, *m);
    CHECK(e.cls == StunClass::Error && e.errorCode && e.errorCode->code == 420);
    CHECK(verifyIntegrity(error, e, kPassword));

    BindingRequestParams p;
    p.transactionId = m->transactionId;
    p.username = m->username.value_or("");
    p.password = kPassword;
    p.priority = m->priority.value_or(0);
    p.controlling = m->iceControlling.has_value();
    p.tiebreaker = m->iceControlling.value_or(m->iceControlled.value_or(0));
    p.useCandidate = m->useCandidate;
    const auto request = buildBindingRequest(p);
    const auto r = reparsed(request, *m);
    CHECK(r.username == p.username && r.priority == p.priority && r.useCandidate == p.useCandidate);
    CHECK((p.controlling ? r.iceControlling : r.iceControlled) == p.tiebreaker);
    CHECK(verifyIntegrity(request, r, kPassword));
  }
  return 0;
}
