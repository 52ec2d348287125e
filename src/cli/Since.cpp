#include "cli/Since.hpp"

#include <charconv>

namespace roomgate::cli {
namespace {

// The longest run of digits read as one number: 12 digits of seconds is ~31,000 years.
constexpr std::size_t kMaxDigits = 12;

// Reads exactly `width` digits (any count up to kMaxDigits if 0) from the front of `s`.
std::optional<int64_t> digits(std::string_view& s, std::size_t width = 0) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || n > kMaxDigits || (width != 0 && n != width)) return std::nullopt;
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + n, v);
  s.remove_prefix(n);
  return v;
}

bool take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t daysInMonth(int64_t y, int64_t m) {
  constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::optional<int64_t> isoUtc(std::string_view s) {
  const auto y = digits(s, 4);
  if (!y || !take(s, '-')) return std::nullopt;
  const auto m = digits(s, 2);
  if (!m || *m < 1 || *m > 12 || !take(s, '-')) return std::nullopt;
  const auto d = digits(s, 2);
  if (!d || *d < 1 || *d > daysInMonth(*y, *m)) return std::nullopt;
  int64_t hh = 0, mm = 0, ss = 0;
  if (take(s, 'T') || take(s, ' ')) {
    const auto h = digits(s, 2);
    if (!h || *h > 23 || !take(s, ':')) return std::nullopt;
    const auto mi = digits(s, 2);
    if (!mi || *mi > 59) return std::nullopt;
    hh = *h, mm = *mi;
    if (take(s, ':')) {
      const auto se = digits(s, 2);
      if (!se || *se > 59) return std::nullopt;
      ss = *se;
    }
    (void)take(s, 'Z');
  }
  if (!s.empty()) return std::nullopt;
  return daysFromCivil(*y, *m, *d) * 86'400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace

std::optional<int64_t> parseSince(std::string_view text, int64_t now) {
  if (text.size() > 4 && text[4] == '-') return isoUtc(text);
  std::string_view rest = text;
  const auto n = digits(rest);
  if (!n) return std::nullopt;
  if (rest.empty()) return *n;  // unix seconds
  if (rest.size() != 1) return std::nullopt;
  int64_t unit = 0;
  switch (rest.front()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86'400;
      break;
    default:
      return std::nullopt;
  }
  return now - *n * unit;
}

}  // namespace roomgate::cli
