#include "config/SecretKey.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace roomgate::config {
namespace {

constexpr std::string_view kHowTo =
    "Make one with `openssl rand -hex 32` and put SECRET_KEY=<that> in .env or the environment.";

// Values that roomgate's documentation, its test suite or the tutorial it replaces printed at some time:
// anyone can read them, so they are as good as no key.
constexpr std::array<std::string_view, 3> kDocumentedExamples = {
    kPlaceholderSecret,
    "6c1f0e5d2b7a48c39e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e",
    "contract-test-secret-0123456789abcdef0123456789",
};

Error invalid(const std::string& what) {
  return Error::badRequest("invalid_config", "SECRET_KEY " + what + " " + std::string(kHowTo));
}

// The length of the shortest prefix that `key` repeats (its period); key.size() if none.
std::size_t period(std::string_view key) {
  for (std::size_t p = 1; p <= key.size() / 2; ++p) {
    bool repeats = true;
    for (std::size_t i = p; i < key.size() && repeats; ++i) repeats = key[i] == key[i - p];
    if (repeats) return p;
  }
  return key.size();
}

double bitsPerCharacter(std::string_view key) {
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : key) {
    if (c >= 'a' && c <= 'z')
      lower = true;
    else if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (c >= '0' && c <= '9')
      digit = true;
    else
      other = true;
  }
  const int pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
  return pool > 1 ? std::log2(static_cast<double>(pool)) : 0.0;
}

}  // namespace

double estimateSecretBits(std::string_view key) {
  key = key.substr(0, period(key));  // a repeated pattern is worth one copy of it
  // A character that continues a run ("abc", "321", "aaa": the same step of -1, 0 or +1 twice) adds
  // next to nothing. Random hex has such a character about once in 85.
  std::size_t free = std::min<std::size_t>(key.size(), 2);
  for (std::size_t i = 2; i < key.size(); ++i) {
    const int step = static_cast<unsigned char>(key[i]) - static_cast<unsigned char>(key[i - 1]);
    const int before = static_cast<unsigned char>(key[i - 1]) - static_cast<unsigned char>(key[i - 2]);
    if (!(step == before && step >= -1 && step <= 1)) ++free;
  }
  return static_cast<double>(free) * bitsPerCharacter(key);
}

Status checkSecretKey(const std::optional<std::string>& key) {
  if (!key) return invalid("is not set; it signs the session cookies and access tokens.");
  if (std::find(kDocumentedExamples.begin(), kDocumentedExamples.end(), *key) != kDocumentedExamples.end())
    return invalid("is an example printed in documentation or tests, which anyone can read.");
  if (key->size() < kMinSecretKeyBytes)
    return invalid("is " + std::to_string(key->size()) + " bytes; at least " +
                   std::to_string(kMinSecretKeyBytes) + " are needed.");
  const std::set<char> distinct(key->begin(), key->end());
  if (distinct.size() < kMinSecretKeyDistinct)
    return invalid("uses only " + std::to_string(distinct.size()) +
                   " different characters; a random key uses many more.");
  if (const std::size_t p = period(*key); p < key->size())
    return invalid("repeats a pattern of " + std::to_string(p) + " characters.");
  if (const double bits = estimateSecretBits(*key); bits < kMinSecretKeyBits)
    return invalid("has about " + std::to_string(static_cast<int>(bits)) + " bits of entropy; at least " +
                   std::to_string(static_cast<int>(kMinSecretKeyBits)) + " are needed.");
  return Ok{};
}

}  // namespace roomgate::config
