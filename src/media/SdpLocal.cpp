#include "media/SdpLocal.hpp"

#include <algorithm>

namespace roomgate::media::sdp {

Status checkLocalTransport(const LocalTransport& t) {
  for (const std::string* value : {&t.iceUfrag, &t.icePwd, &t.fingerprintSha256, &t.candidateIp}) {
    const bool token = !value->empty() && std::none_of(value->begin(), value->end(), [](char c) {
      return static_cast<unsigned char>(c) <= ' ' || c == 0x7F;
    });
    if (!token)
      return Error::internal(
          "The server's ICE credentials, fingerprint and candidate address must be set, without spaces.");
  }
  return Ok{};
}

SessionDescription sessionShell(const LocalTransport& t) {
  SessionDescription d;
  d.origin = {"roomgate", t.sessionId, t.sessionVersion, "IN", "IP4", "0.0.0.0"};
  d.iceLite = true;
  d.msidSemantic = "WMS";
  d.bundleMids.emplace();
  return d;
}

void applyLocalTransport(MediaSection& m, const LocalTransport& t, Setup setup) {
  m.port = t.candidatePort;
  const bool ipv6 = t.candidateIp.find(':') != std::string::npos;
  m.connection = std::string(ipv6 ? "IN IP6 " : "IN IP4 ") + t.candidateIp;
  m.iceUfrag = t.iceUfrag;
  m.icePwd = t.icePwd;
  m.fingerprints = {{"sha-256", t.fingerprintSha256}};
  m.setup = setup;
  m.rtcpMux = true;
  m.candidates = {"1 1 udp " + std::string(kHostCandidatePriority) + " " + t.candidateIp + " " +
                  std::to_string(t.candidatePort) + " typ host"};
  m.endOfCandidates = true;
}

bool addCodecs(MediaSection& m, const std::vector<NegotiatedCodec>& codecs) {
  bool withRtx = false;
  for (const auto& c : codecs) {
    m.codecs.push_back(c.codec);
    if (!c.rtxPayloadType) continue;
    withRtx = true;
    Codec rtx;
    rtx.payloadType = *c.rtxPayloadType;
    rtx.name = "rtx";
    rtx.clockRate = c.codec.clockRate;
    rtx.fmtp = {{"apt", std::to_string(c.codec.payloadType)}};
    m.codecs.push_back(std::move(rtx));
  }
  return withRtx;
}

void addOutgoing(MediaSection& m, const OutgoingStream& out, bool withRtx) {
  const Msid msid{out.streamId, out.trackId};
  m.msids.push_back(msid);
  const auto ssrc = [&](std::uint32_t id) { m.ssrcs.push_back({id, out.cname, msid, {}}); };
  ssrc(out.ssrc);
  if (withRtx && out.rtxSsrc) {
    m.ssrcGroups.push_back({"FID", {out.ssrc, *out.rtxSsrc}});
    ssrc(*out.rtxSsrc);
  }
}

LocalTransport newLocalTransport(Random& random, std::string fingerprintSha256, std::string candidateIp,
                                 std::uint16_t candidatePort) {
  LocalTransport t;
  t.iceUfrag = randomHex(random, kIceUfragBytes);
  t.icePwd = randomHex(random, kIcePwdBytes);
  t.fingerprintSha256 = std::move(fingerprintSha256);
  t.candidateIp = std::move(candidateIp);
  t.candidatePort = candidatePort;
  random.fill(std::as_writable_bytes(std::span(&t.sessionId, 1)));
  t.sessionId &= 0x7FFFFFFFFFFFFFFFull;  // o= session ids are kept below 2^63
  return t;
}

std::uint32_t randomSsrc(Random& random) {
  std::uint32_t v = 0;
  while (v == 0) v = randomU32(random);
  return v;
}

}  // namespace roomgate::media::sdp
