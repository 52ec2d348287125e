// libFuzzer target for media/Sdp and media/SdpAnswer. Seeds: fuzz/corpus/sdp/ (real browser offers).
//
// Checks, for every input parse() accepts:
//   - serialize() gives text that parse() accepts again, into an equal description (every field), and
//     serializing that gives the same text (the round trip is stable after one step);
//   - createAnswer() either refuses with an Error or gives an answer that itself parses back equal.
// parse() must never throw or trip a sanitizer, whatever the bytes.
//
// Build standalone: clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//   fuzz/sdp_fuzzer.cpp src/media/Sdp.cpp src/media/SdpAnswer.cpp src/common/Text.cpp -o sdp_fuzzer
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/Check.hpp"
#include "media/Sdp.hpp"
#include "media/SdpAnswer.hpp"

namespace {

using namespace roomgate::media::sdp;

const AnswerOptions& serverOptions() {
  static const AnswerOptions options = [] {
    AnswerOptions o;
    o.iceUfrag = "fuzzUfrag";
    o.icePwd = "fuzzIcePasswordOf22chars";
    o.fingerprintSha256 =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    o.candidateIp = "192.0.2.1";
    o.candidatePort = 3478;
    o.sessionId = 1;
    o.defaultDirection = Direction::kSendRecv;
    o.outgoing["0"] = {11, 12, "fuzz", "stream", "audio"};
    o.outgoing["1"] = {21, 22, "fuzz", "stream", "video"};
    return o;
  }();
  return options;
}

void checkRoundTrip(const SessionDescription& d) {
  const std::string text = serialize(d);
  auto again = parse(text);
  // serialize() may outgrow the input limits (LF became CRLF, s= and t= were added): then parse refuses.
  if (text.size() > kMaxSdpBytes ||
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) > kMaxLines) {
    CHECK(!again.ok());
    return;
  }
  CHECK(again.ok());
  CHECK(*again == d);
  CHECK(serialize(*again) == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto offer = parse(text);
  if (!offer.ok()) {
    CHECK(offer.error().code == kInvalidSdp);
    CHECK(!offer.error().message.empty());
    return 0;
  }
  checkRoundTrip(*offer);
  auto answer = createAnswer(*offer, serverOptions());
  if (answer.ok()) {
    checkRoundTrip(answer->description);
    CHECK(answer->description.media.size() == offer->media.size());
    CHECK(!answer->media.empty());
  }
  return 0;
}
