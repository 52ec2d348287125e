#include "media/IceLite.hpp"

#include <algorithm>

namespace roomgate::media {

IceLite::IceLite(IceCredentials local, std::string remoteUfrag, TimePoint now)
    : local_(std::move(local)), expectedUsername_(local_.ufrag + ":" + remoteUfrag), lastConsent_(now) {}

bool IceLite::knows(const Endpoint& e) const {
  return std::find(tuples_.begin(), tuples_.end(), e) != tuples_.end();
}

IceLite::Answer IceLite::onRequest(std::span<const uint8_t> packet, const StunMessage& request,
                                   const Endpoint& from, TimePoint now) {
  Answer answer;
  if (request.method != kStunMethodBinding || request.cls != StunClass::Request) return answer;
  // RFC 8489 section 9.1.3: a request without USERNAME or MESSAGE-INTEGRITY gets 400; a wrong USERNAME or
  // integrity gets 401 (without integrity of our own: the request's credentials could not be checked).
  if (!request.username || !request.hasIntegrity()) {
    answer.response = buildBindingError(request, 400, "Bad Request", std::nullopt);
    return answer;
  }
  if (*request.username != expectedUsername_ || !verifyIntegrity(packet, request, local_.pwd)) {
    answer.response = buildBindingError(request, 401, "Unauthenticated", std::nullopt);
    return answer;
  }
  if (!request.unknownAttributes.empty()) {
    answer.response = buildBindingError(request, 420, "Unknown Attribute", local_.pwd);
    return answer;
  }
  // A lite agent is always controlled (RFC 8445 section 6.1.1): a peer claiming to be controlled too is in
  // conflict, and since it is the full agent it must switch (487 Role Conflict).
  if (request.iceControlled && !request.iceControlling) {
    answer.response = buildBindingError(request, 487, "Role Conflict", local_.pwd);
    return answer;
  }
  answer.valid = true;
  lastConsent_ = now;
  if (!knows(from)) {
    if (tuples_.size() >= kMaxIceTuples) {
      answer.valid = false;
      return answer;  // silently: a browser never has this many
    }
    tuples_.push_back(from);
  }
  if (request.useCandidate) {
    if (!selected_ || *selected_ != from) answer.selectedChanged = true;
    selected_ = from;
  } else if (!selected_) {
    selected_ = from;  // before nomination, answer DTLS on the first working pair
    answer.selectedChanged = true;
  }
  answer.response = buildBindingSuccess(request, from, local_.pwd);
  return answer;
}

}  // namespace roomgate::media
