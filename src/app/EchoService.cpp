#include "app/EchoService.hpp"

#include <spdlog/spdlog.h>

#include "media/EchoHandler.hpp"
#include "media/SdpAnswer.hpp"
#include "media/SdpLocal.hpp"

namespace roomgate::app {
namespace {

Error notVerified(std::string_view why) {
  return Error::unauthorized("not_verified",
                             "The connection check is for verified guests (" + std::string(why) +
                                 "): enter your name on the join page and the code we send you, then open "
                                 "the check again.");
}

}  // namespace

EchoService::EchoService(media::MediaServer& media, const token::TokenGate& tokens, Random& random)
    : media_(media), tokens_(tokens), random_(random) {}

Result<std::string> EchoService::offer(std::string_view pass, std::string_view offerText) {
  auto claims = tokens_.admit(pass);
  if (!claims) {
    const std::string& code = claims.error().code;
    return notVerified(code == "token_expired"   ? "your pass has expired"
                       : code == "token_revoked" ? "your pass was revoked"
                       : code == "not_invited"   ? "you are no longer invited to that room"
                                                 : "your pass is not valid");
  }

  auto offer = media::sdp::parse(offerText);
  if (!offer) return offer.error();

  media::sdp::AnswerOptions options;
  static_cast<media::sdp::LocalTransport&>(options) = media::sdp::newLocalTransport(
      random_, media_.certificate().fingerprint(), media_.announceIp(), media_.port());
  options.defaultDirection = media::sdp::Direction::kSendRecv;
  // Announce one stream of ours per offered section (with RTX when the browser sends RTX), so the browser
  // plays what comes back as a remote track; the handler swaps the browser's SSRCs for these.
  for (const auto& m : offer->media) {
    if (!m.mid) continue;
    media::sdp::OutgoingStream out;
    out.ssrc = media::sdp::randomSsrc(random_);
    out.rtxSsrc = media::sdp::randomSsrc(random_);
    out.cname = "roomgate-echo";
    out.streamId = "echo";
    out.trackId = "echo-" + *m.mid;
    options.outgoing.emplace(*m.mid, std::move(out));
  }
  auto answer = media::sdp::createAnswer(*offer, options);
  if (!answer) return answer.error();

  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (const auto& m : answer->media) {
    const auto out = options.outgoing.find(m.mid);
    if (out == options.outgoing.end() || m.remoteStreams.empty()) continue;
    const auto& theirs = m.remoteStreams.front();
    pairs.emplace_back(theirs.ssrc, out->second.ssrc);
    if (theirs.rtxSsrc && out->second.rtxSsrc) pairs.emplace_back(*theirs.rtxSsrc, *out->second.rtxSsrc);
  }
  if (pairs.empty())
    return Error::badRequest(
        "unsupported_sdp",
        "The offer names no SSRCs for its audio or video (a=ssrc lines), so nothing can be "
        "sent back. Use a current Chrome, Edge or Firefox.");

  auto fingerprint = media::sdp::remoteSha256(*answer);
  if (!fingerprint) return fingerprint.error();
  media_.createTransport(
      "echo:" + claims->identity,
      {{options.iceUfrag, options.icePwd}, answer->remoteIceUfrag, *fingerprint, nullptr},
      [swap = media::makeSsrcSwap(pairs)] { return std::make_unique<media::EchoHandler>(swap); });
  spdlog::info("echo check for {}: {} stream(s) on {}:{}", claims->identity, pairs.size(),
               options.candidateIp, options.candidatePort);
  return media::sdp::serialize(answer->description);
}

}  // namespace roomgate::app
