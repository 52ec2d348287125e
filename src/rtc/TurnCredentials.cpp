#include "rtc/TurnCredentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "common/Check.hpp"

namespace roomgate::rtc {

std::string turnCredential(std::string_view secret, std::string_view username) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  CHECK(HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac.data(),
             &len) != nullptr);
  std::array<unsigned char, 64> b64{};
  const int n = EVP_EncodeBlock(b64.data(), mac.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n));
}

std::vector<IceServer> iceServersFor(const IceConfig& config, std::string_view identity, int64_t now,
                                     int64_t ttlSeconds) {
  std::vector<IceServer> out;
  if (!config.stunUrls.empty()) out.push_back({config.stunUrls, "", ""});
  if (!config.turnUrls.empty() && !config.turnSecret.empty()) {
    const std::string username = std::to_string(now + ttlSeconds) + ":" + std::string(identity);
    out.push_back({config.turnUrls, username, turnCredential(config.turnSecret, username)});
  }
  return out;
}

}  // namespace roomgate::rtc
