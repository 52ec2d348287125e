// sdp_offer_tool: the server's offer and answer check from the command line, so a browser test can hand
// roomgate's offers to a real Chromium and roomgate's checks the answers Chromium writes.
//   sdp_offer_tool offer VERSION SECTION...   prints an offer; SECTION is mid:audio|video:SSRC[:RTX] or
//                                             mid:audio|video:- for an inactive slot
//   sdp_offer_tool check OFFER_FILE           reads an answer on stdin; prints the accepted mids, exit 0,
//                                             or the error, exit 1
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "media/SdpOffer.hpp"
#include "support/SdpFixtures.hpp"

using namespace roomgate::media::sdp;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) out.push_back(part);
  return out;
}

int offer(int argc, char** argv) {
  OfferOptions o;
  roomgate::testing::fillTestTransport(o);
  o.sessionVersion = std::stoull(argv[2]);
  for (int i = 3; i < argc; ++i) {
    const auto parts = split(argv[i], ':');
    if (parts.size() < 3) return 2;
    OfferedSection s;
    s.mid = parts[0];
    s.kind = parts[1] == "audio" ? MediaKind::kAudio : MediaKind::kVideo;
    s.codecs = subscriberCodecs(s.kind);
    s.extensions = subscriberExtensions(s.kind);
    if (parts[2] != "-") {
      OutgoingStream out;
      out.ssrc = static_cast<uint32_t>(std::stoul(parts[2]));
      if (parts.size() > 3) out.rtxSsrc = static_cast<uint32_t>(std::stoul(parts[3]));
      out.cname = "roomgate";
      out.streamId = "stream-" + s.mid;
      out.trackId = "track-" + s.mid;
      s.stream = out;
    }
    o.sections.push_back(std::move(s));
  }
  auto d = createOffer(o);
  if (!d) {
    std::cerr << d.error().message << "\n";
    return 1;
  }
  std::cout << serialize(*d);
  return 0;
}

int check(char** argv) {
  std::ifstream file(argv[2]);
  std::stringstream offerText, answerText;
  offerText << file.rdbuf();
  answerText << std::cin.rdbuf();
  auto offer = parse(offerText.str());
  auto answer = parse(answerText.str());
  if (!offer || !answer) {
    std::cerr << (!offer ? offer.error().message : answer.error().message) << "\n";
    return 1;
  }
  auto accepted = checkAnswer(*offer, *answer);
  if (!accepted) {
    std::cerr << accepted.error().message << "\n";
    return 1;
  }
  for (const auto& mid : accepted->acceptedMids) std::cout << mid << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "offer" && argc > 2) return offer(argc, argv);
  if (command == "check" && argc == 3) return check(argv);
  std::cerr << "usage: sdp_offer_tool offer VERSION mid:audio|video:SSRC[:RTX]|- ... | check OFFER_FILE\n";
  return 2;
}
