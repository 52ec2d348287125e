#include "media/Router.hpp"

#include "media/ReceiveStatistics.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "media/Bytes.hpp"
#include "media/Rtp.hpp"

namespace roomgate::media {
namespace {

// A payload type the subscriber was not offered: the packet is not forwarded.
constexpr uint8_t kNoPayloadType = 0xFF;
// The one-byte extension id written where the subscriber has no id for the publisher's extension: never
// in our offers (sdp::subscriberExtensions), so the browser skips the element (RFC 8285 4.2).
constexpr uint8_t kUnusedExtensionId = 14;
// A packet (an RTX packet at most), and the SRTP trailer the transport adds in place.
constexpr std::size_t kScratchBytes = kMaxRetransmitPacketSize + kRtxHeaderSize + kSrtpMaxOverhead;

std::optional<VideoCodec> videoCodecOf(const sdp::Codec& c) {
  if (c.isNamed("VP8")) return VideoCodec::Vp8;
  if (c.isNamed("H264")) return VideoCodec::H264;
  return std::nullopt;
}

bool negotiatedFeedback(const TrackSpec& spec, std::string_view kind) {
  for (const auto& c : spec.codecs)
    for (const auto& fb : c.codec.rtcpFeedback)
      if (fb == kind) return true;
  return false;
}

bool negotiatedPli(const TrackSpec& spec) {
  return negotiatedFeedback(spec, "nack pli");
}

// The publisher's id for the transport-wide sequence number, when the track negotiated transport-cc
// feedback as well (both, or the browser estimates nothing from our feedback).
std::optional<uint8_t> transportCcExtension(const TrackSpec& spec) {
  if (!negotiatedFeedback(spec, "transport-cc")) return std::nullopt;
  for (const auto& e : spec.extensions)
    if (e.uri == sdp::kExtTransportCc && e.id >= 1 && e.id <= 14) return static_cast<uint8_t>(e.id);
  return std::nullopt;
}

}  // namespace

// One subscriber's copy of a track.
struct Router::Out {
  WebRtcTransport* transport = nullptr;
  SubscriptionSpec spec;
  uint32_t subscriberKey = 0;             // RembPolicy's name for this subscriber
  std::array<uint8_t, 128> payloadTypes;  // publisher's PT -> subscriber's, kNoPayloadType if none
  std::array<uint8_t, 16> extensionIds;   // publisher's one-byte id -> subscriber's
  SeqRewriter rewriter;
  std::optional<RtxParameters> rtx;  // video with RTX negotiated
  uint16_t rtxSeq = 0;               // the next RTX seq
  ResendThrottle resends;            // video only

  Out(WebRtcTransport& t, SubscriptionSpec s, uint32_t clockRate, uint16_t firstSeq, uint32_t firstTs)
      : transport(&t), spec(std::move(s)), rewriter(spec.ssrc, clockRate, firstSeq, firstTs) {}
};

// A publisher's track and what feeds back to it.
struct Router::Track {
  TrackSpec spec;
  WebRtcTransport* publisher = nullptr;
  uint32_t clockRate = 90000;
  std::array<uint8_t, 128> rtxToMedia;  // publisher's RTX PT -> its media PT, or kNoPayloadType
  std::array<std::optional<VideoCodec>, 128> codecOf;  // by publisher PT
  NackGenerator nacks;
  KeyframeRequester keyframes;
  RembPolicy remb;
  ReceiveStatistics receive{90000};                       // for the receiver reports to the publisher
  bool transportCc = false;                               // counted in the publisher's feedback_ entry
  std::unique_ptr<RetransmissionBuffer> retransmissions;  // video only: the packets as received
  std::vector<std::unique_ptr<Out>> outs;

  explicit Track(TrackSpec s)
      : spec(std::move(s)),
        keyframes(negotiatedPli(spec) ? KeyframeRequestKind::Pli : KeyframeRequestKind::Fir) {
    rtxToMedia.fill(kNoPayloadType);
    for (const auto& c : spec.codecs) {
      if (c.codec.clockRate) clockRate = c.codec.clockRate;
      codecOf[c.codec.payloadType & 0x7F] = videoCodecOf(c.codec);
      if (c.rtxPayloadType) rtxToMedia[*c.rtxPayloadType & 0x7F] = c.codec.payloadType;
    }
    receive = ReceiveStatistics(clockRate);
  }
  [[nodiscard]] bool video() const { return spec.kind == sdp::MediaKind::kVideo; }
};

Router::Router(Random& random) : random_(random), rtcpSsrc_(randomU32(random)), scratch_(kScratchBytes) {}
Router::~Router() = default;

std::size_t Router::subscriptionCount() const {
  std::size_t n = 0;
  for (const auto& [id, t] : tracks_) n += t->outs.size();
  return n;
}

Router::MemoryUse Router::memoryUse() const {
  MemoryUse m;
  for (const auto& [id, t] : tracks_) {
    m.tracks += sizeof(Track) + (t->retransmissions ? t->retransmissions->memoryBytes() : 0);
    m.subscriptions += t->outs.size() * sizeof(Out);
  }
  return m;
}

bool Router::addTrack(WebRtcTransport& publisher, TrackSpec spec) {
  if (tracks_.count(spec.id) || incoming_.count({&publisher, spec.ssrc}) ||
      (spec.rtxSsrc && incoming_.count({&publisher, *spec.rtxSsrc})))
    return false;
  auto track = std::make_unique<Track>(std::move(spec));
  track->publisher = &publisher;
  if (track->video()) track->retransmissions = std::make_unique<RetransmissionBuffer>();
  incoming_[{&publisher, track->spec.ssrc}] = track.get();
  if (track->spec.rtxSsrc) incoming_[{&publisher, *track->spec.rtxSsrc}] = track.get();
  if (const auto extension = transportCcExtension(track->spec)) {
    track->transportCc = true;
    auto& feedback = feedback_[&publisher];
    if (feedback.tracks++ == 0) {  // BUNDLE: one id and one sequence for the whole transport
      feedback.extensionId = *extension;
      feedback.mediaSsrc = track->spec.ssrc;
    }
  }
  const std::string id = track->spec.id;
  tracks_.emplace(id, std::move(track));
  return true;
}

void Router::removeTrack(const std::string& trackId) {
  auto it = tracks_.find(trackId);
  if (it == tracks_.end()) return;
  Track& t = *it->second;
  while (!t.outs.empty()) dropOut(t, *t.outs.back());
  incoming_.erase({t.publisher, t.spec.ssrc});
  if (t.spec.rtxSsrc) incoming_.erase({t.publisher, *t.spec.rtxSsrc});
  if (t.transportCc)
    if (auto f = feedback_.find(t.publisher); f != feedback_.end() && --f->second.tracks == 0)
      feedback_.erase(f);
  tracks_.erase(it);
}

bool Router::subscribe(const std::string& trackId, WebRtcTransport& subscriber, SubscriptionSpec spec,
                       Clock::time_point now) {
  auto it = tracks_.find(trackId);
  if (it == tracks_.end() || outgoing_.count({&subscriber, spec.ssrc})) return false;
  Track& t = *it->second;
  auto out = std::make_unique<Out>(subscriber, std::move(spec), t.clockRate,
                                   static_cast<uint16_t>(randomU32(random_)), randomU32(random_));
  out->subscriberKey = out->spec.ssrc;
  // Payload types by codec name (and H.264 by packetization mode through the offer we wrote); RTX of the
  // publisher is restored before forwarding, so only media payload types need a match.
  out->payloadTypes.fill(kNoPayloadType);
  for (const auto& theirs : t.spec.codecs)
    for (const auto& ours : out->spec.codecs)
      if (ours.codec.isNamed(theirs.codec.name) && ours.codec.clockRate == theirs.codec.clockRate)
        out->payloadTypes[theirs.codec.payloadType & 0x7F] = ours.codec.payloadType;
  out->extensionIds.fill(kUnusedExtensionId);
  for (const auto& theirs : t.spec.extensions)
    for (const auto& ours : out->spec.extensions)
      if (theirs.uri == ours.uri && theirs.id < out->extensionIds.size())
        out->extensionIds[theirs.id] = static_cast<uint8_t>(ours.id);
  if (t.video()) {
    std::optional<uint8_t> rtxPt;
    for (const auto& c : out->spec.codecs)
      if (c.rtxPayloadType && !rtxPt) rtxPt = c.rtxPayloadType;  // the preferred codec's RTX
    if (out->spec.rtxSsrc && rtxPt) {
      out->rtx = RtxParameters{*out->spec.rtxSsrc, *rtxPt};
      out->rtxSeq = static_cast<uint16_t>(randomU32(random_));
    }
  }
  outgoing_[{&subscriber, out->spec.ssrc}] = {&t, out.get()};
  t.outs.push_back(std::move(out));
  // The new subscriber's first picture. Not before its transport can carry it: a key frame forwarded
  // before its DTLS is done is lost to it, and the next would wait out the requester's spacing. Its
  // handler calls requestKeyframes() when it connects (Sfu.cpp).
  if (t.video() && subscriber.connected()) requestKeyframe(t, t.keyframes.requestNow(now));
  return true;
}

void Router::unsubscribe(const std::string& trackId, WebRtcTransport& subscriber) {
  auto it = tracks_.find(trackId);
  if (it == tracks_.end()) return;
  Track& t = *it->second;
  for (auto& out : t.outs)
    if (out->transport == &subscriber) return dropOut(t, *out);
}

void Router::requestKeyframes(WebRtcTransport& subscriber, Clock::time_point now) {
  for (auto& [id, t] : tracks_) {
    if (!t->video()) continue;
    for (const auto& out : t->outs)
      if (out->transport == &subscriber) {
        requestKeyframe(*t, t->keyframes.requestNow(now));
        break;
      }
  }
}

void Router::dropOut(Track& track, Out& out) {
  outgoing_.erase({out.transport, out.spec.ssrc});
  track.remb.removeSubscriber(out.subscriberKey);
  std::erase_if(track.outs, [&](const auto& o) { return o.get() == &out; });
}

void Router::removeTransport(WebRtcTransport& transport) {
  std::vector<std::string> published;
  for (auto& [id, t] : tracks_) {
    if (t->publisher == &transport) {
      published.push_back(id);
      continue;
    }
    for (std::size_t i = t->outs.size(); i-- > 0;)
      if (t->outs[i]->transport == &transport) dropOut(*t, *t->outs[i]);
  }
  for (const auto& id : published) removeTrack(id);
}

// ---- RTP ------------------------------------------------------------------------------------------------

void Router::onRtp(WebRtcTransport& from, std::span<uint8_t> buffer, std::size_t length,
                   Clock::time_point now) {
  auto parsed = parseRtp(buffer.first(length));
  if (!parsed) {
    ++counters_.dropped;
    return;
  }
  // Every packet on the transport counts for its sender's estimate: RTX, padding probes and streams we
  // do not forward included (reported missing, they would read as loss).
  if (auto f = feedback_.find(&from); f != feedback_.end()) {
    if (const auto seq = readExtension(buffer.first(length), *parsed, f->second.extensionId);
        seq && seq->size() == 2)
      f->second.recorder.onPacket(readU16(*seq, 0), now);
  }
  auto it = incoming_.find({&from, parsed->ssrc});
  if (it == incoming_.end()) {
    ++counters_.dropped;
    return;
  }
  Track& track = *it->second;
  if (track.spec.rtxSsrc && parsed->ssrc == *track.spec.rtxSsrc) {
    if (!restoreRtx(track, buffer, length)) return;  // padding-only probes carry no packet
    parsed = parseRtp(buffer.first(length));
    if (!parsed) return;
  }
  ++counters_.packetsIn;
  track.receive.onPacket(parsed->sequenceNumber, parsed->timestamp, now);
  counters_.bytesIn += length;
  if (track.retransmissions) (void)track.retransmissions->store(buffer.first(length), now);
  if (track.nacks.onPacket(parsed->sequenceNumber, now) && track.video())
    requestKeyframe(track, track.keyframes.onSubscriberRequest(now));  // a jump: the picture is broken
  if (track.video()) {
    if (const auto codec = track.codecOf[parsed->payloadType & 0x7F];
        codec && isKeyframe(buffer.subspan(parsed->payloadOffset, parsed->payloadSize), *codec))
      track.keyframes.onKeyframe(now);
  }
  for (auto& out : track.outs) forward(*out, buffer.first(length), *parsed, now);
}

// RFC 4588 4: an RTX payload is the original sequence number, then the original payload.
bool Router::restoreRtx(Track& track, std::span<uint8_t> buffer, std::size_t& length) {
  auto rtx = parseRtp(buffer.first(length));
  if (!rtx) return false;
  const uint8_t media = track.rtxToMedia[rtx->payloadType & 0x7F];
  if (rtx->payloadSize < kRtxHeaderSize || media == kNoPayloadType) return false;
  const uint16_t osn = readU16(buffer, rtx->payloadOffset);
  const std::size_t payloadEnd = rtx->payloadOffset + rtx->payloadSize;
  std::memmove(&buffer[rtx->payloadOffset], &buffer[rtx->payloadOffset + kRtxHeaderSize],
               length - rtx->payloadOffset - kRtxHeaderSize);
  length = payloadEnd - kRtxHeaderSize;  // padding dropped
  buffer[0] &= static_cast<uint8_t>(~0x20);
  setSsrc(buffer, track.spec.ssrc);
  setSequenceNumber(buffer, osn);
  setPayloadType(buffer, media);
  ++counters_.rtxRecovered;
  return true;
}

void Router::forward(Out& out, std::span<const uint8_t> packet, const RtpPacket& parsed,
                     Clock::time_point now) {
  const uint8_t payloadType = out.payloadTypes[parsed.payloadType & 0x7F];
  const auto mapped = payloadType == kNoPayloadType
                          ? std::nullopt
                          : out.rewriter.map(parsed.ssrc, parsed.sequenceNumber, parsed.timestamp, now);
  if (!mapped || packet.size() > kMaxRetransmitPacketSize) {
    ++counters_.dropped;
    return;
  }
  rewrite(out, packet, parsed, payloadType, *mapped);
  if (out.transport->sendRtp(scratch_, packet.size())) {
    ++counters_.packetsForwarded;
    counters_.bytesForwarded += packet.size();
  }
}

// `packet` (of the publisher, at most kMaxRetransmitPacketSize) as `out`'s subscriber gets it, into
// scratch_: its SSRC, payload type, header extension ids, and the seq and timestamp `mapped` gives.
void Router::rewrite(const Out& out, std::span<const uint8_t> packet, const RtpPacket& parsed,
                     uint8_t payloadType, SeqRewriter::Mapping mapped) {
  std::span<uint8_t> copy(scratch_.data(), scratch_.size());
  std::memcpy(copy.data(), packet.data(), packet.size());
  setSsrc(copy, out.spec.ssrc);
  setSequenceNumber(copy, mapped.seq);
  setTimestamp(copy, mapped.timestamp);
  setPayloadType(copy, payloadType);
  if (parsed.extensionProfile == kRtpOneByteExtensionProfile) {
    for (const auto& e : parsed.extensionElements()) {
      uint8_t& header = copy[e.offset - 1];  // one-byte form: id << 4 | (length - 1), just before the data
      header = static_cast<uint8_t>(out.extensionIds[e.id & 0x0F] << 4 | (header & 0x0F));
    }
  }
}

// A subscriber's NACKed `seq`: the publisher's packet it was mapped from, rewritten as it was forwarded,
// sent again (as RTX when negotiated).
void Router::retransmit(Track& track, Out& out, uint16_t seq, Clock::time_point now) {
  const auto origin = out.rewriter.origin(seq);
  if (!origin) return;  // not sent to this subscriber, or too long ago
  const auto held = track.retransmissions->find(origin->source.ssrc, origin->source.seq, now);
  if (!held) return;
  const uint8_t payloadType = out.payloadTypes[held->parsed.payloadType & 0x7F];
  if (payloadType == kNoPayloadType || !out.resends.allow(seq, held->storedAt, now)) return;
  rewrite(out, held->packet, held->parsed, payloadType, {seq, origin->outTimestamp});
  std::size_t size = held->packet.size();
  if (out.rtx) size = toRtx(scratch_, size, held->parsed, *out.rtx, out.rtxSeq++);
  if (out.transport->sendRtp(scratch_, size)) ++counters_.retransmissionsSent;
}

// ---- RTCP -----------------------------------------------------------------------------------------------

void Router::onRtcp(WebRtcTransport& from, std::span<const uint8_t> packet, Clock::time_point now) {
  RtcpCompoundReader reader(packet);
  while (auto p = reader.next()) {
    if (p->type == rtcp_type::kSenderReport) {
      auto sr = parseSenderReport(*p);
      if (!sr) continue;
      if (auto it = incoming_.find({&from, sr->senderSsrc}); it != incoming_.end()) {
        it->second->receive.onSenderReport(sr->ntpTimestamp, now);
        relaySenderReport(*it->second, *sr);
      }
      for (const auto& block : sr->reports)
        if (auto out = outgoing_.find({&from, block.ssrc}); out != outgoing_.end())
          out->second.first->remb.onReceiverReport(out->second.second->subscriberKey, block.fractionLost,
                                                   now);
    } else if (p->type == rtcp_type::kReceiverReport) {
      auto rr = parseReceiverReport(*p);
      if (!rr) continue;
      for (const auto& block : rr->reports)
        if (auto out = outgoing_.find({&from, block.ssrc}); out != outgoing_.end())
          out->second.first->remb.onReceiverReport(out->second.second->subscriberKey, block.fractionLost,
                                                   now);
    } else if (p->type == rtcp_type::kRtpFeedback || p->type == rtcp_type::kPayloadFeedback) {
      onFeedback(from, *p, now);
    }
  }
}

void Router::onFeedback(WebRtcTransport& from, const RtcpPacket& p, Clock::time_point now) {
  const auto outFor = [&](uint32_t ssrc) -> std::pair<Track*, Out*> {
    auto it = outgoing_.find({&from, ssrc});
    return it == outgoing_.end() ? std::pair<Track*, Out*>{nullptr, nullptr} : it->second;
  };
  if (p.type == rtcp_type::kRtpFeedback && p.count == rtcp_fmt::kNack) {
    auto nack = parseNack(p);
    if (!nack) return;
    auto [track, out] = outFor(nack->mediaSsrc);
    if (!out || !track->retransmissions) return;
    for (const uint16_t seq : nack->lost) {
      ++counters_.nacksReceived;
      retransmit(*track, *out, seq, now);
    }
  } else if (p.type == rtcp_type::kPayloadFeedback && p.count == rtcp_fmt::kPli) {
    auto pli = parsePli(p);
    if (!pli) return;
    if (auto [track, out] = outFor(pli->mediaSsrc); track) {
      ++counters_.plisReceived;
      requestKeyframe(*track, track->keyframes.onSubscriberRequest(now));
    }
  } else if (p.type == rtcp_type::kPayloadFeedback && p.count == rtcp_fmt::kFir) {
    auto fir = parseFir(p);
    if (!fir) return;
    for (const auto& entry : fir->entries)
      if (auto [track, out] = outFor(entry.ssrc); track) {
        ++counters_.plisReceived;
        requestKeyframe(*track, track->keyframes.onSubscriberRequest(now));
      }
  } else if (p.type == rtcp_type::kPayloadFeedback && p.count == rtcp_fmt::kAfb) {
    auto remb = parseRemb(p);
    if (!remb) return;
    // A viewer's REMB is its receive-side estimate, which grows to at most ~1.5x what arrives: passed on
    // as a cap to a publisher that estimates its own uplink (transport-cc), it locks that publisher to
    // whatever its encoder sends now (measured: 130-240 kbit/s and 480x270 on a clean loopback). Such a
    // publisher is capped by its viewers' loss only (receiver reports, RembPolicy).
    for (const uint32_t ssrc : remb->ssrcs)
      if (auto [track, out] = outFor(ssrc); track && !track->transportCc)
        track->remb.onRemb(out->subscriberKey, remb->bitrateBps);
  }
}

void Router::requestKeyframe(Track& track, std::optional<KeyframeRequest> request) {
  if (!request) return;
  ++counters_.keyframeRequestsSent;
  if (request->kind == KeyframeRequestKind::Pli)
    sendRtcp(*track.publisher, buildPli(rtcpSsrc_, track.spec.ssrc));
  else
    sendRtcp(*track.publisher,
             buildFir(rtcpSsrc_, std::array{RtcpFirEntry{track.spec.ssrc, request->firSequence}}));
}

void Router::relaySenderReport(Track& track, const RtcpSenderReport& sr) {
  for (auto& out : track.outs) {
    const auto timestamp = out->rewriter.outTimestamp(sr.senderSsrc, sr.rtpTimestamp);
    if (!timestamp) continue;
    RtcpSenderReport relayed{out->spec.ssrc, sr.ntpTimestamp, *timestamp, sr.packetCount, sr.octetCount, {}};
    sendRtcp(*out->transport, buildSenderReport(relayed));
    ++counters_.senderReportsRelayed;
  }
}

void Router::sendRtcp(WebRtcTransport& to, std::vector<uint8_t> packet) {
  if (packet.size() + kSrtpMaxOverhead > scratch_.size()) return;
  std::memcpy(scratch_.data(), packet.data(), packet.size());
  (void)to.sendRtcp(scratch_, packet.size());
}

void Router::tick(Clock::time_point now) {
  for (auto& [publisher, f] : feedback_) {
    if (!f.recorder.due(now)) continue;
    for (auto& packet : f.recorder.feedback(now, rtcpSsrc_, f.mediaSsrc)) {
      sendRtcp(*publisher, std::move(packet));
      ++counters_.transportFeedbackSent;
    }
  }
  for (auto& [id, t] : tracks_) {
    Track& track = *t;
    if (track.receive.due(now)) {
      if (auto block = track.receive.report(track.spec.ssrc, now)) {
        sendRtcp(*track.publisher, buildReceiverReport(rtcpSsrc_, std::array{*block}));
        ++counters_.receiverReportsSent;
      }
    }
    if (auto lost = track.nacks.tick(now); !lost.empty() && track.video()) {
      sendRtcp(*track.publisher, buildNack(rtcpSsrc_, track.spec.ssrc, lost));
      ++counters_.nacksSent;
    }
    if (!track.video()) continue;
    requestKeyframe(track, track.keyframes.tick(now));
    if (auto bps = track.remb.tick(now)) {
      std::array<uint32_t, 1> ssrcs{track.spec.ssrc};
      sendRtcp(*track.publisher, buildRemb(rtcpSsrc_, *bps, ssrcs));
      ++counters_.rembsSent;
    }
  }
}

}  // namespace roomgate::media
