// `roomgate audit --since`: every documented form gives the right unix time; anything else is refused.
#include "cli/Since.hpp"

#include <gtest/gtest.h>

namespace roomgate::cli {
namespace {

constexpr int64_t kNow = 1'764'763'200;  // 2025-12-03T12:00:00Z

TEST(Since, UnixSeconds) {
  EXPECT_EQ(parseSince("1700000000", kNow), 1700000000);
  EXPECT_EQ(parseSince("0", kNow), 0);
}

TEST(Since, AnAgeBeforeNow) {
  EXPECT_EQ(parseSince("90s", kNow), kNow - 90);
  EXPECT_EQ(parseSince("30m", kNow), kNow - 1800);
  EXPECT_EQ(parseSince("24h", kNow), kNow - 86400);
  EXPECT_EQ(parseSince("7d", kNow), kNow - 7 * 86400);
}

TEST(Since, Iso8601DatesAndTimesInUtc) {
  EXPECT_EQ(parseSince("1970-01-01", kNow), 0);
  EXPECT_EQ(parseSince("2025-12-03", kNow), kNow - 12 * 3600);
  EXPECT_EQ(parseSince("2025-12-03T12:00:00Z", kNow), kNow);
  EXPECT_EQ(parseSince("2025-12-03T12:00Z", kNow), kNow);
  EXPECT_EQ(parseSince("2025-12-03 12:00:30", kNow), kNow + 30);
  EXPECT_EQ(parseSince("2024-02-29", kNow), 1709164800) << "a leap day";
  EXPECT_EQ(parseSince("2000-03-01", kNow), 951868800);
}

TEST(Since, AnythingElseIsRefused) {
  for (const char* bad : {"", "yesterday", "7w", "7dd", "-7d", "d", "1e9", "2023-02-29", "2025-13-01",
                          "2025-12-32", "2025-12-03T24:00", "2025-12-03T12:00+02:00", "2025-12-3", "25-12-03",
                          "9999999999999999999", "12h30m"})
    EXPECT_FALSE(parseSince(bad, kNow).has_value()) << bad;
}

}  // namespace
}  // namespace roomgate::cli
