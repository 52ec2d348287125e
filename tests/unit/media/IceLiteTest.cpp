// ICE-lite's pair selection: before any nomination the first pair that passed a check carries DTLS and
// media; the browser's USE-CANDIDATE moves it, and later checks without the flag do not move it back.
#include "media/IceLite.hpp"

#include <gtest/gtest.h>

namespace roomgate::media {
namespace {

const IceCredentials kServer{"srvufrag", "server-password-0123456789"};
const Endpoint kHost = *Endpoint::fromText("192.0.2.10", 50000);
const Endpoint kRelay = *Endpoint::fromText("198.51.100.20", 3478);

IceLite::Answer check(IceLite& ice, const Endpoint& from, bool useCandidate, uint8_t id) {
  BindingRequestParams p;
  p.transactionId.fill(id);
  p.username = kServer.ufrag + ":brw";
  p.password = kServer.pwd;
  p.priority = 100;
  p.tiebreaker = 1;
  p.useCandidate = useCandidate;
  const auto bytes = buildBindingRequest(p);
  auto message = parseStun(bytes);
  EXPECT_TRUE(message.ok());
  return ice.onRequest(bytes, *message, from, {});
}

TEST(IceLiteTest, UseCandidateMovesTheSelectedPairAndPlainChecksDoNotMoveItBack) {
  IceLite ice(kServer, "brw", {});
  auto a = check(ice, kHost, false, 1);
  EXPECT_TRUE(a.valid);
  EXPECT_EQ(ice.selected(), kHost) << "the first working pair, until one is nominated";
  a = check(ice, kRelay, true, 2);
  EXPECT_TRUE(a.selectedChanged);
  EXPECT_EQ(ice.selected(), kRelay);
  a = check(ice, kHost, false, 3);
  EXPECT_TRUE(a.valid);
  EXPECT_FALSE(a.selectedChanged);
  EXPECT_EQ(ice.selected(), kRelay) << "a check without USE-CANDIDATE keeps the nominated pair";
  EXPECT_EQ(ice.tuples(), (std::vector<Endpoint>{kHost, kRelay}));
}

}  // namespace
}  // namespace roomgate::media
