#include "media/SubscriberOffers.hpp"

#include <algorithm>

#include "common/Text.hpp"

namespace roomgate::media {
namespace {

// The subscriber's side of a codec we offered: the offered payload types the answer kept.
std::vector<sdp::NegotiatedCodec> acceptedCodecs(sdp::MediaKind kind, const sdp::MediaSection& answer) {
  std::vector<sdp::NegotiatedCodec> out;
  for (auto c : sdp::subscriberCodecs(kind)) {
    if (!answer.findCodec(c.codec.payloadType)) continue;
    if (c.rtxPayloadType && !answer.findCodec(*c.rtxPayloadType)) c.rtxPayloadType.reset();
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<sdp::HeaderExtension> acceptedExtensions(sdp::MediaKind kind, const sdp::MediaSection& answer) {
  std::vector<sdp::HeaderExtension> out;
  for (const auto& e : sdp::subscriberExtensions(kind))
    if (std::any_of(answer.extensions.begin(), answer.extensions.end(),
                    [&](const sdp::HeaderExtension& a) { return a.id == e.id && a.uri == e.uri; }))
      out.push_back(e);
  return out;
}

}  // namespace

SubscriberOffers::SubscriberOffers(sdp::LocalTransport transport) {
  static_cast<sdp::LocalTransport&>(options_) = std::move(transport);
}

bool SubscriberOffers::add(const OfferedTrack& track) {
  for (const auto& s : slots_)
    if (s.state == SlotState::kActive && s.track.id == track.id) return false;
  auto slot = std::find_if(slots_.begin(), slots_.end(), [&](const Slot& s) {
    return s.state == SlotState::kFree && s.kind == track.kind;
  });
  if (slot == slots_.end()) {
    if (slots_.size() >= sdp::kMaxMediaSections) return false;
    Slot fresh;
    fresh.mid = std::to_string(nextMid_++);
    fresh.kind = track.kind;
    slots_.push_back(std::move(fresh));
    slot = slots_.end() - 1;
  }
  slot->state = SlotState::kActive;
  slot->track = track;
  slot->subscribed = false;
  changed_ = true;
  return true;
}

bool SubscriberOffers::remove(std::string_view trackId) {
  for (auto& s : slots_) {
    if (s.state != SlotState::kActive || s.track.id != trackId) continue;
    s.state = SlotState::kReleasing;
    s.subscribed = false;
    changed_ = true;
    return true;
  }
  return false;
}

bool SubscriberOffers::changed() const {
  return changed_;
}

Result<std::string> SubscriberOffers::makeOffer() {
  if (pending_ || !changed_)
    return Error::internal("A subscriber offer was asked for with one awaiting its answer, or no change.");
  options_.sections.clear();
  Pending pending;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    sdp::OfferedSection section;
    section.mid = s.mid;
    section.kind = s.kind;
    section.codecs = sdp::subscriberCodecs(s.kind);
    section.extensions = sdp::subscriberExtensions(s.kind);
    if (s.state == SlotState::kActive) {
      sdp::OutgoingStream stream;
      stream.ssrc = s.track.ssrc;
      if (s.kind == sdp::MediaKind::kVideo) stream.rtxSsrc = s.track.rtxSsrc;
      stream.cname = s.track.participant;
      stream.streamId = s.track.participant;
      stream.trackId = s.track.id;
      section.stream = std::move(stream);
      pending.tracks.emplace_back(i, s.track.id);
    } else if (s.state == SlotState::kReleasing) {
      s.state = SlotState::kReleased;
    }
    options_.sections.push_back(std::move(section));
  }
  ++options_.sessionVersion;
  auto offer = sdp::createOffer(options_);
  if (!offer) return offer.error();
  pending.offer = std::move(*offer);
  std::string text = sdp::serialize(pending.offer);
  pending_ = std::move(pending);
  changed_ = false;
  return text;
}

Result<AppliedAnswer> SubscriberOffers::applyAnswer(std::string_view answerSdp) {
  if (!pending_) return Error::conflict("no_offer", "There is no offer of the server's awaiting an answer.");
  auto answer = sdp::parse(answerSdp);
  if (!answer) return answer.error();
  auto accepted = sdp::checkAnswer(pending_->offer, *answer);
  if (!accepted) return accepted.error();
  // checkAnswer found a sha-256 fingerprint if any section was accepted.
  const auto* sha256 = sdp::findSha256(accepted->remoteFingerprints);
  const std::string fingerprint = sha256 ? asciiLower(sha256->value) : "";
  if (answered_ && !accepted->acceptedMids.empty() &&
      (accepted->remoteIceUfrag != remoteUfrag_ || fingerprint != remoteFingerprint_))
    return sdp::invalidSdp(
        "The answer changes the ICE credentials or the DTLS fingerprint of the connection; the server "
        "does not restart ICE on it. Leave and join the room again.");

  AppliedAnswer applied;
  applied.first = !answered_ && !accepted->acceptedMids.empty();
  if (applied.first) {
    remoteUfrag_ = accepted->remoteIceUfrag;
    remoteFingerprint_ = fingerprint;
    answered_ = true;
  }
  for (const auto& [index, trackId] : pending_->tracks) {
    Slot& s = slots_[index];
    // Still this track (it may have left while the offer was out), and the browser took the section.
    if (s.state != SlotState::kActive || s.track.id != trackId || s.subscribed) continue;
    if (std::find(accepted->acceptedMids.begin(), accepted->acceptedMids.end(), s.mid) ==
        accepted->acceptedMids.end())
      continue;
    const sdp::MediaSection* section = answer->findMid(s.mid);
    SubscriptionSpec spec;
    spec.ssrc = s.track.ssrc;
    spec.codecs = acceptedCodecs(s.kind, *section);
    if (spec.codecs.empty()) continue;
    spec.extensions = acceptedExtensions(s.kind, *section);
    const bool rtx = std::any_of(spec.codecs.begin(), spec.codecs.end(),
                                 [](const sdp::NegotiatedCodec& c) { return c.rtxPayloadType.has_value(); });
    if (s.kind == sdp::MediaKind::kVideo && rtx) spec.rtxSsrc = s.track.rtxSsrc;
    s.subscribed = true;
    applied.subscribe.push_back({trackId, std::move(spec)});
  }
  for (auto& s : slots_)
    if (s.state == SlotState::kReleased) s.state = SlotState::kFree;
  applied.accepted = std::move(*accepted);
  pending_.reset();
  return applied;
}

}  // namespace roomgate::media
