#include "common/Crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/Check.hpp"

namespace roomgate {

Digest hmacSha256(std::string_view key, std::string_view data) {
  Digest out;
  unsigned int len = 0;
  CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(),
             reinterpret_cast<unsigned char*>(out.data()), &len) != nullptr);
  CHECK(len == out.size());
  return out;
}

Digest sha256(std::string_view data) {
  Digest out;
  unsigned int len = 0;
  CHECK(EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(),
                   nullptr) == 1);
  return out;
}

bool constantTimeEqual(std::span<const std::byte> a, std::span<const std::byte> b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string deriveKey(std::string_view master, std::string_view purpose) {
  return std::string(asString(hmacSha256(master, std::string("roomgate/") + std::string(purpose))));
}

}  // namespace roomgate
