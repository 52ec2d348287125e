// The echo test's SSRC swap over every RTCP packet a browser sends.
#include <gtest/gtest.h>

#include "media/EchoHandler.hpp"

namespace roomgate::media {
namespace {

constexpr uint32_t kTheirs = 0x11111111, kOurs = 0x22222222, kOther = 0x33333333;

void put32(std::vector<uint8_t>& p, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<uint8_t>(v >> s));
}
uint32_t at32(const std::vector<uint8_t>& p, std::size_t at) {
  return uint32_t{p[at]} << 24 | uint32_t{p[at + 1]} << 16 | uint32_t{p[at + 2]} << 8 | p[at + 3];
}
// A header for a packet of `words` 32-bit words after the header word.
void header(std::vector<uint8_t>& p, uint8_t count, uint8_t type, uint16_t words) {
  p.insert(p.end(), {static_cast<uint8_t>(0x80 | count), type, static_cast<uint8_t>(words >> 8),
                     static_cast<uint8_t>(words)});
}

const std::pair<uint32_t, uint32_t> kPairs[] = {{kTheirs, kOurs}};

TEST(EchoHandlerTest, CompoundSenderReportSdesAndFeedbackAreSwappedBothWays) {
  std::vector<uint8_t> p;
  // SR from their sender, with one report block about our stream and one about a stranger.
  header(p, 2, 200, 6 + 12);
  put32(p, kTheirs);
  for (int i = 0; i < 5; ++i) put32(p, 0xDEAD0000 + i);
  put32(p, kOurs);
  for (int i = 0; i < 5; ++i) put32(p, 0);
  put32(p, kOther);
  for (int i = 0; i < 5; ++i) put32(p, 0);
  const std::size_t sdes = p.size();
  header(p, 1, 202, 3);  // SDES: one chunk, CNAME "abcd"
  put32(p, kTheirs);
  p.insert(p.end(), {1, 4, 'a', 'b', 'c', 'd', 0, 0});
  const std::size_t pli = p.size();
  header(p, 1, 206, 2);  // PLI about our stream
  put32(p, kTheirs);
  put32(p, kOurs);
  const std::size_t fir = p.size();
  header(p, 4, 206, 4);  // FIR
  put32(p, kTheirs);
  put32(p, 0);
  put32(p, kOurs);
  put32(p, 0x05000000);
  const std::size_t remb = p.size();
  header(p, 15, 206, 5);  // REMB over our stream
  put32(p, kTheirs);
  put32(p, 0);
  p.insert(p.end(), {'R', 'E', 'M', 'B', 1, 0x0F, 0xFF, 0xFF});
  put32(p, kOurs);
  const std::size_t bye = p.size();
  header(p, 1, 203, 1);
  put32(p, kTheirs);

  ASSERT_TRUE(swapRtcpSsrcs(p, makeSsrcSwap(kPairs)));
  EXPECT_EQ(at32(p, 4), kOurs) << "SR sender";
  EXPECT_EQ(at32(p, 28), kTheirs) << "report block about our stream now about theirs";
  EXPECT_EQ(at32(p, 52), kOther) << "unknown SSRCs untouched";
  EXPECT_EQ(at32(p, 24), 0xDEAD0004u) << "sender info untouched";
  EXPECT_EQ(at32(p, sdes + 4), kOurs);
  EXPECT_EQ(p[sdes + 10], 'a') << "CNAME untouched";
  EXPECT_EQ(at32(p, pli + 4), kOurs);
  EXPECT_EQ(at32(p, pli + 8), kTheirs);
  EXPECT_EQ(at32(p, fir + 12), kTheirs);
  EXPECT_EQ(at32(p, remb + 20), kTheirs);
  EXPECT_EQ(at32(p, bye + 4), kOurs);
}

TEST(EchoHandlerTest, MalformedCompoundIsRefused) {
  const auto swap = makeSsrcSwap(kPairs);
  std::vector<uint8_t> overrun;
  header(overrun, 0, 201, 9);  // claims 40 bytes
  put32(overrun, kTheirs);
  EXPECT_FALSE(swapRtcpSsrcs(overrun, swap));
  std::vector<uint8_t> badVersion = {0x40, 201, 0, 1, 1, 2, 3, 4};
  EXPECT_FALSE(swapRtcpSsrcs(badVersion, swap));
  std::vector<uint8_t> truncated = {0x80, 201};
  EXPECT_FALSE(swapRtcpSsrcs(truncated, swap));
  // An SDES whose item runs past its packet stops at the packet's end.
  std::vector<uint8_t> sdes;
  header(sdes, 1, 202, 2);
  put32(sdes, kTheirs);
  sdes.insert(sdes.end(), {1, 200, 'x', 'y'});
  EXPECT_TRUE(swapRtcpSsrcs(sdes, swap));
  EXPECT_EQ(at32(sdes, 4), kOurs);
}

}  // namespace
}  // namespace roomgate::media
