// RTP: classify, parse, walk the header extensions, and on a copy rewrite every header field and every
// extension value in place; the copy must parse to the same layout with the new values.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/Check.hpp"
#include "media/Rtp.hpp"

using namespace roomgate::media;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  (void)classify(in);
  (void)isRtcp(in);
  const auto p = parseRtp(in);
  if (!p.ok()) return 0;
  CHECK(p->payloadOffset + p->payloadSize + p->paddingSize == size);
  CHECK(p->extensionOffset + p->extensionSize <= p->payloadOffset);

  std::vector<uint8_t> copy(in.begin(), in.end());
  for (const auto& e : p->extensionElements()) {
    const auto value = readExtension(in, *p, e.id);
    CHECK(value && value->data() >= data && value->data() + value->size() <= data + size);
    CHECK(value->data() >= data + p->extensionOffset);
    std::vector<uint8_t> flipped(value->begin(), value->end());
    for (auto& b : flipped) b = static_cast<uint8_t>(~b);
    CHECK(rewriteExtension(copy, *p, e.id, flipped));
  }
  setSsrc(copy, ~p->ssrc);
  setSequenceNumber(copy, static_cast<uint16_t>(p->sequenceNumber + 1));
  setTimestamp(copy, p->timestamp + 90000);
  setPayloadType(copy, static_cast<uint8_t>((p->payloadType + 1) & 0x7F));
  setMarker(copy, !p->marker);

  const auto q = parseRtp(copy);
  CHECK(q.ok());
  CHECK(q->ssrc == ~p->ssrc && q->sequenceNumber == static_cast<uint16_t>(p->sequenceNumber + 1));
  CHECK(q->timestamp == p->timestamp + 90000 && q->marker != p->marker);
  CHECK(q->payloadType == ((p->payloadType + 1) & 0x7F));
  CHECK(q->elementCount == p->elementCount && q->payloadOffset == p->payloadOffset);
  CHECK(q->payloadSize == p->payloadSize && q->paddingSize == p->paddingSize);
  for (size_t i = 0; i < q->elementCount; ++i) {
    CHECK(q->elements[i].id == p->elements[i].id && q->elements[i].offset == p->elements[i].offset);
  }
  return 0;
}
