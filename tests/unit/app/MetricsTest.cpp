#include "app/Metrics.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "media/MediaServer.hpp"
#include "media/Sfu.hpp"

namespace roomgate::app {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool hasLine(const std::string& text, const std::string& line) {
  for (const auto& l : lines(text))
    if (l == line) return true;
  return false;
}

TEST(Metrics, EveryFamilyHasHelpAndTypeBeforeItsSamplesAndCountersEndInTotal) {
  media::MediaServerStats media;
  media::SfuStats sfu;
  MetricsSnapshot s;
  s.media = &media;
  s.sfu = &sfu;
  const std::string text = renderMetrics(s);
  ASSERT_TRUE(text.ends_with("\n"));
  std::string family, type;
  std::set<std::string> seen;
  for (const auto& line : lines(text)) {
    ASSERT_FALSE(line.empty());
    if (line.starts_with("# HELP ")) {
      family = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(seen.insert(family).second) << family << " written twice";
      EXPECT_TRUE(family.starts_with("roomgate_")) << family;
      type.clear();
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      ASSERT_EQ(line.substr(7, family.size() + 1), family + " ") << line;
      type = line.substr(7 + family.size() + 1);
      EXPECT_TRUE(type == "counter" || type == "gauge") << line;
      EXPECT_EQ(family.ends_with("_total"), type == "counter") << family;
      continue;
    }
    ASSERT_FALSE(type.empty()) << "a sample before its TYPE line: " << line;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_EQ(name, family) << line;
    const std::string value = line.substr(line.rfind(' ') + 1);
    EXPECT_EQ(value.find_first_not_of("0123456789"), std::string::npos) << line;
  }
  for (const char* name :
       {"roomgate_rooms", "roomgate_participants", "roomgate_media_transports", "roomgate_tracks",
        "roomgate_subscriptions", "roomgate_rtp_packets_received_total", "roomgate_rtp_bytes_sent_total",
        "roomgate_forwarded_packets_total", "roomgate_nacks_received_total",
        "roomgate_retransmissions_sent_total", "roomgate_plis_received_total", "roomgate_srtp_failures_total",
        "roomgate_verification_sends_total", "roomgate_verification_checks_total"})
    EXPECT_TRUE(seen.contains(name)) << name;
}

TEST(Metrics, WritesTheSnapshotsFigures) {
  media::MediaServerStats media;
  media.transportsOpen = 3;
  media.rtpPacketsIn = 1200;
  media.rtpBytesOut = 987654321012;
  media.srtpDecryptFailures = 2;
  media::SfuStats sfu;
  sfu.tracks = 4;
  sfu.nacksReceived = 17;
  sfu.retransmissionsSent = 15;
  sfu.plisReceived = 5;
  MetricsSnapshot s;
  s.roomsByType = {{"group", 2}};
  s.participants = 7;
  s.media = &media;
  s.sfu = &sfu;
  s.verification.countSend("email", SendOutcome::kSent);
  s.verification.countSend("sms", SendOutcome::kRateLimited);
  s.verification.countSend("sms", SendOutcome::kRateLimited);
  s.verification.countCheck(CheckResult::kWrongCode);
  s.connections = {12, 960, 3, 2, 256, 4, 5, 6, 7, 8, 9};
  const std::string text = renderMetrics(s);
  for (const char* line : {
           "roomgate_rooms{type=\"group\"} 2",
           "roomgate_rooms{type=\"peer-to-peer\"} 0",  // both types always, so rate() has a series
           "roomgate_participants 7",
           "roomgate_media_transports 3",
           "roomgate_rtp_packets_received_total 1200",
           "roomgate_rtp_bytes_sent_total 987654321012",
           "roomgate_srtp_failures_total{direction=\"in\"} 2",
           "roomgate_srtp_failures_total{direction=\"out\"} 0",
           "roomgate_tracks 4",
           "roomgate_nacks_received_total 17",
           "roomgate_retransmissions_sent_total 15",
           "roomgate_plis_received_total 5",
           "roomgate_verification_sends_total{channel=\"email\",outcome=\"sent\"} 1",
           "roomgate_verification_sends_total{channel=\"sms\",outcome=\"rate_limited\"} 2",
           "roomgate_verification_sends_total{channel=\"sms\",outcome=\"decoy\"} 0",
           "roomgate_verification_checks_total{outcome=\"wrong_code\"} 1",
           "roomgate_verification_checks_total{outcome=\"approved\"} 0",
           "# TYPE roomgate_verification_checks_total counter",
           "# TYPE roomgate_participants gauge",
           "roomgate_connections 12",
           "roomgate_connections_limit 960",
           "roomgate_connections_refused_total{reason=\"limit\"} 3",
           "roomgate_connections_refused_total{reason=\"per_address\"} 4",
           "roomgate_connections_per_address_limit 256",
           "roomgate_accept_pauses_total 2",
           "roomgate_slow_requests_closed_total{phase=\"headers\"} 5",
           "roomgate_slow_requests_closed_total{phase=\"body\"} 6",
           "roomgate_requests_refused_total{reason=\"folded_header\"} 7",
           "roomgate_requests_refused_total{reason=\"invalid_websocket_key\"} 8",
           "roomgate_requests_refused_total{reason=\"origin_not_allowed\"} 9",
       })
    EXPECT_TRUE(hasLine(text, line)) << line << "\nin:\n" << text;
}

TEST(Metrics, MediaAndSfuFiguresOnlyWhenGiven) {
  const std::string text = renderMetrics({});
  EXPECT_EQ(text.find("roomgate_media_transports"), std::string::npos);
  EXPECT_EQ(text.find("roomgate_tracks"), std::string::npos);
  EXPECT_EQ(text.find("roomgate_forwarded_packets_total"), std::string::npos);
  EXPECT_TRUE(hasLine(text, "roomgate_participants 0"));
  EXPECT_TRUE(hasLine(text, "roomgate_verification_checks_total{outcome=\"expired\"} 0"));
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escapeLabelValue("plain"), "plain");
  EXPECT_EQ(escapeLabelValue("a\"b"), "a\\\"b");
  EXPECT_EQ(escapeLabelValue("a\\b"), "a\\\\b");
  EXPECT_EQ(escapeLabelValue("a\nb"), "a\\nb");
  EXPECT_EQ(escapeLabelValue("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 passes as it is
  MetricsSnapshot s;
  s.roomsByType = {{"odd\"type\\\n", 1}};
  EXPECT_TRUE(hasLine(renderMetrics(s), "roomgate_rooms{type=\"odd\\\"type\\\\\\n\"} 1"));
}

}  // namespace
}  // namespace roomgate::app
