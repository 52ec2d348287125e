#include "media/Stun.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "common/Check.hpp"
#include "common/Crypto.hpp"
#include "media/Bytes.hpp"

namespace roomgate::media {

namespace {

using namespace stun_attr;

constexpr size_t kPriorityValueSize = 4;
constexpr size_t kTiebreakerValueSize = 8;
constexpr size_t kErrorCodeHeaderSize = 4;  // 21 reserved bits, class (3 bits), number (8 bits)
constexpr size_t kAddressHeaderSize = 4;    // reserved byte, family, port
constexpr int kMinErrorClass = 3;
constexpr int kMaxErrorClass = 6;
constexpr int kMaxErrorNumber = 99;
constexpr size_t kMaxAttributeValueSize = 0xFFFF - 3;  // the padded size must still fit the 16-bit length
constexpr size_t kMaxMessageBodySize = 0xFFFF;         // the header's 16-bit length
constexpr uint16_t kMethodMask = 0x0FFF;

Error malformed(std::string_view why) {
  return Error::badRequest("stun_malformed", std::string(why));
}

size_t padded(size_t n) {
  return (n + 3) & ~size_t{3};
}

// RFC 8489 section 5: the type interleaves the class bits into the method,
//  0                 1
//  2  3  4 5 6 7 8 9 0 1 2 3 4 5
// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
// |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
// |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
uint16_t methodOf(uint16_t type) {
  return static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
}
StunClass classOf(uint16_t type) {
  return static_cast<StunClass>(((type & 0x0100) >> 7) | ((type & 0x0010) >> 4));
}
uint16_t messageType(uint16_t method, StunClass cls) {
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                               ((c & 1) << 4) | ((c & 2) << 7));
}

// XOR-MAPPED-ADDRESS masks the address with the magic cookie and, for IPv6, the transaction id
// (section 14.2). The mask is its own inverse, so this both encodes and decodes.
void xorAddress(std::span<uint8_t> address, const std::array<uint8_t, kStunTransactionIdSize>& tid) {
  std::array<uint8_t, kIpv6AddressSize> mask{};
  writeU32(mask, 0, kStunMagicCookie);
  std::copy(tid.begin(), tid.end(), mask.begin() + kIpv4AddressSize);
  for (size_t i = 0; i < address.size(); ++i) address[i] ^= mask[i];
}
constexpr uint16_t kPortMask = kStunMagicCookie >> 16;

std::optional<std::string> boundedString(std::span<const uint8_t> value, size_t limit) {
  if (value.size() > limit) return std::nullopt;
  return std::string(value.begin(), value.end());
}

std::optional<Endpoint> parseXorAddress(std::span<const uint8_t> v, const StunMessage& m) {
  if (v.size() < kAddressHeaderSize) return std::nullopt;
  Endpoint e;
  if (v[1] == static_cast<uint8_t>(AddressFamily::V4)) {
    e.family = AddressFamily::V4;
  } else if (v[1] == static_cast<uint8_t>(AddressFamily::V6)) {
    e.family = AddressFamily::V6;
  } else {
    return std::nullopt;
  }
  if (v.size() != kAddressHeaderSize + e.addressSize()) return std::nullopt;
  e.port = readU16(v, 2) ^ kPortMask;
  std::copy_n(v.begin() + kAddressHeaderSize, e.addressSize(), e.address.begin());
  xorAddress(std::span(e.address).first(e.addressSize()), m.transactionId);
  return e;
}

std::optional<StunErrorCode> parseErrorCode(std::span<const uint8_t> v) {
  if (v.size() < kErrorCodeHeaderSize || v.size() - kErrorCodeHeaderSize > kStunMaxReasonSize)
    return std::nullopt;
  const int cls = v[2] & 0x07;
  const int number = v[3];
  if (cls < kMinErrorClass || cls > kMaxErrorClass || number > kMaxErrorNumber) return std::nullopt;
  return StunErrorCode{cls * 100 + number, std::string(v.begin() + kErrorCodeHeaderSize, v.end())};
}

// Reads one attribute into `m`; an empty return means it was fine, otherwise why it was not.
std::string_view readAttribute(StunMessage& m, uint16_t type, std::span<const uint8_t> v, size_t offset) {
  switch (type) {
    case kUsername:
      if (!m.username && !(m.username = boundedString(v, kStunMaxUsernameSize))) return "USERNAME too long";
      return {};
    case kRealm:
      if (!m.realm && !(m.realm = boundedString(v, kStunMaxRealmSize))) return "REALM too long";
      return {};
    case kNonce:
      if (!m.nonce && !(m.nonce = boundedString(v, kStunMaxRealmSize))) return "NONCE too long";
      return {};
    case kPriority:
      if (v.size() != kPriorityValueSize) return "PRIORITY of a wrong size";
      if (!m.priority) m.priority = readU32(v, 0);
      return {};
    case kUseCandidate:
      if (!v.empty()) return "USE-CANDIDATE with a value";
      m.useCandidate = true;
      return {};
    case kIceControlling:
    case kIceControlled: {
      if (v.size() != kTiebreakerValueSize) return "ICE-CONTROLLING/ICE-CONTROLLED of a wrong size";
      auto& field = type == kIceControlling ? m.iceControlling : m.iceControlled;
      if (!field) field = readU64(v, 0);
      return {};
    }
    case kErrorCode:
      if (!m.errorCode && !(m.errorCode = parseErrorCode(v))) return "bad ERROR-CODE";
      return {};
    case kXorMappedAddress:
      if (!m.xorMappedAddress && !(m.xorMappedAddress = parseXorAddress(v, m)))
        return "bad XOR-MAPPED-ADDRESS";
      return {};
    case kMessageIntegrity:
      if (v.size() != kStunIntegritySize) return "MESSAGE-INTEGRITY of a wrong size";
      m.integrityOffset = offset;
      return {};
    case kFingerprint:
      if (v.size() != kStunFingerprintSize) return "FINGERPRINT of a wrong size";
      m.fingerprintOffset = offset;
      return {};
    case kMappedAddress:      // legacy responses; understood, not needed
    case kUnknownAttributes:  // only meaningful in a 420 we receive; understood, not needed
      return {};
    default:
      if (type < kFirstComprehensionOptional && m.unknownAttributes.size() < kStunMaxUnknownAttributes &&
          std::find(m.unknownAttributes.begin(), m.unknownAttributes.end(), type) ==
              m.unknownAttributes.end()) {
        m.unknownAttributes.push_back(type);
      }
      return {};
  }
}

std::array<uint8_t, kStunIntegritySize> hmacSha1(std::span<const uint8_t> key,
                                                 std::span<const uint8_t> data) {
  static constexpr uint8_t kEmpty = 0;  // OpenSSL wants a non-null key pointer even for an empty key
  std::array<uint8_t, kStunIntegritySize> out{};
  unsigned int len = 0;
  CHECK(HMAC(EVP_sha1(), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()), data.data(),
             data.size(), out.data(), &len) != nullptr);
  CHECK(len == out.size());
  return out;
}

std::span<const std::byte> asBytes(std::span<const uint8_t> s) {
  return std::as_bytes(s);
}

// Is there an attribute of `type` and `size` at `offset` of `packet`, after the header?
bool attributeAt(std::span<const uint8_t> packet, std::optional<size_t> offset, uint16_t type, size_t size) {
  return offset && *offset >= kStunHeaderSize && *offset <= packet.size() &&
         packet.size() - *offset >= kStunAttributeHeaderSize + size && readU16(packet, *offset) == type &&
         readU16(packet, *offset + 2) == size;
}

}  // namespace

bool isStun(std::span<const uint8_t> packet) {
  constexpr uint8_t kMaxFirstByte = 3;  // RFC 7983 section 7
  return packet.size() >= kStunHeaderSize && packet[0] <= kMaxFirstByte &&
         readU32(packet, 4) == kStunMagicCookie;
}

Result<StunMessage> parseStun(std::span<const uint8_t> packet) {
  if (!isStun(packet)) return malformed("not a STUN message");
  const size_t length = readU16(packet, 2);
  if (length != packet.size() - kStunHeaderSize)
    return malformed("header length differs from the packet size");
  if (length % 4 != 0) return malformed("length not a multiple of 4");

  StunMessage m;
  const uint16_t type = readU16(packet, 0);
  m.method = methodOf(type);
  m.cls = classOf(type);
  std::copy_n(packet.begin() + 8, kStunTransactionIdSize, m.transactionId.begin());

  size_t pos = kStunHeaderSize;
  while (pos < packet.size()) {
    if (m.fingerprintOffset) return malformed("attribute after FINGERPRINT");
    if (packet.size() - pos < kStunAttributeHeaderSize) return malformed("truncated attribute header");
    const uint16_t attrType = readU16(packet, pos);
    const size_t valueSize = readU16(packet, pos + 2);
    if (padded(valueSize) > packet.size() - pos - kStunAttributeHeaderSize) {
      return malformed("attribute overruns the message");
    }
    if (m.integrityOffset && attrType != kFingerprint) return malformed("attribute after MESSAGE-INTEGRITY");
    const auto why =
        readAttribute(m, attrType, packet.subspan(pos + kStunAttributeHeaderSize, valueSize), pos);
    if (!why.empty()) return malformed(why);
    pos += kStunAttributeHeaderSize + padded(valueSize);
  }
  return m;
}

bool verifyIntegrityWithKey(std::span<const uint8_t> packet, const StunMessage& message,
                            std::span<const uint8_t> key) {
  if (!attributeAt(packet, message.integrityOffset, kMessageIntegrity, kStunIntegritySize)) return false;
  const size_t at = *message.integrityOffset;
  // Section 14.5: the length field counts up to the end of MESSAGE-INTEGRITY, ignoring what follows.
  std::vector<uint8_t> covered(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(at));
  writeU16(covered, 2,
           static_cast<uint16_t>(at - kStunHeaderSize + kStunAttributeHeaderSize + kStunIntegritySize));
  const auto expected = hmacSha1(key, covered);
  const auto received = packet.subspan(at + kStunAttributeHeaderSize, kStunIntegritySize);
  return constantTimeEqual(asBytes(expected), asBytes(received));
}

bool verifyIntegrity(std::span<const uint8_t> packet, const StunMessage& message, std::string_view password) {
  return verifyIntegrityWithKey(packet, message, shortTermKey(password));
}

std::array<uint8_t, kStunLongTermKeySize> longTermKey(std::string_view username, std::string_view realm,
                                                      std::string_view password) {
  std::string input;
  input.append(username).append(":").append(realm).append(":").append(password);
  std::array<uint8_t, kStunLongTermKeySize> out{};
  unsigned int len = 0;
  CHECK(EVP_Digest(input.data(), input.size(), out.data(), &len, EVP_md5(), nullptr) == 1);
  CHECK(len == out.size());
  return out;
}

bool verifyFingerprint(std::span<const uint8_t> packet, const StunMessage& message) {
  if (!attributeAt(packet, message.fingerprintOffset, kFingerprint, kStunFingerprintSize)) return false;
  const size_t at = *message.fingerprintOffset;
  // FINGERPRINT is last, so the header length already covers it.
  return (crc32(packet.first(at)) ^ kStunFingerprintXor) == readU32(packet, at + kStunAttributeHeaderSize);
}

uint32_t crc32(std::span<const uint8_t> bytes) {
  static constexpr auto kTable = [] {
    constexpr uint32_t kPolynomial = 0xEDB88320;  // reflected 0x04C11DB7
    std::array<uint32_t, 256> table{};
    for (uint32_t i = 0; i < table.size(); ++i) {
      uint32_t c = i;
      for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? kPolynomial ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  uint32_t crc = 0xFFFFFFFF;
  for (uint8_t b : bytes) crc = kTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFF;
}

std::span<const uint8_t> shortTermKey(std::string_view password) {
  return bytesOf(password);
}

StunWriter::StunWriter(uint16_t method, StunClass cls,
                       const std::array<uint8_t, kStunTransactionIdSize>& transactionId) {
  CHECK((method & ~kMethodMask) == 0);
  appendU16(out_, messageType(method, cls));
  appendU16(out_, 0);
  appendU32(out_, kStunMagicCookie);
  appendBytes(out_, transactionId);
}

void StunWriter::add(uint16_t type, std::span<const uint8_t> value) {
  CHECK(value.size() <= kMaxAttributeValueSize);
  appendU16(out_, type);
  appendU16(out_, static_cast<uint16_t>(value.size()));
  appendBytes(out_, value);
  out_.resize(out_.size() + padded(value.size()) - value.size(), 0);
  setLength();
}

void StunWriter::addString(uint16_t type, std::string_view value) {
  add(type, bytesOf(value));
}

void StunWriter::addU32(uint16_t type, uint32_t value) {
  std::vector<uint8_t> v;
  appendU32(v, value);
  add(type, v);
}

void StunWriter::addU64(uint16_t type, uint64_t value) {
  std::vector<uint8_t> v;
  appendU64(v, value);
  add(type, v);
}

void StunWriter::addFlag(uint16_t type) {
  add(type, {});
}

void StunWriter::addXorAddress(uint16_t type, const Endpoint& endpoint) {
  std::array<uint8_t, kIpv6AddressSize> address = endpoint.address;
  std::array<uint8_t, kStunTransactionIdSize> tid{};
  std::copy_n(out_.begin() + 8, kStunTransactionIdSize, tid.begin());
  xorAddress(std::span(address).first(endpoint.addressSize()), tid);
  std::vector<uint8_t> v;
  appendU8(v, 0);
  appendU8(v, static_cast<uint8_t>(endpoint.family));
  appendU16(v, endpoint.port ^ kPortMask);
  appendBytes(v, std::span(address).first(endpoint.addressSize()));
  add(type, v);
}

void StunWriter::addErrorCode(int code, std::string_view reason) {
  CHECK(code >= kMinErrorClass * 100 && code <= kMaxErrorClass * 100 + kMaxErrorNumber);
  CHECK(reason.size() <= kStunMaxReasonSize);
  std::vector<uint8_t> v;
  appendU16(v, 0);
  appendU8(v, static_cast<uint8_t>(code / 100));
  appendU8(v, static_cast<uint8_t>(code % 100));
  appendBytes(v, bytesOf(reason));
  add(kErrorCode, v);
}

void StunWriter::addUnknownAttributes(std::span<const uint16_t> types) {
  std::vector<uint8_t> v;
  for (uint16_t t : types) appendU16(v, t);
  add(kUnknownAttributes, v);
}

void StunWriter::setLength() {
  CHECK(out_.size() - kStunHeaderSize <= kMaxMessageBodySize);
  writeU16(out_, 2, static_cast<uint16_t>(out_.size() - kStunHeaderSize));
}

std::vector<uint8_t> StunWriter::finish(std::optional<std::span<const uint8_t>> integrityKey,
                                        bool fingerprint) {
  if (integrityKey) {
    // The HMAC covers a header whose length already counts MESSAGE-INTEGRITY (section 14.5).
    writeU16(
        out_, 2,
        static_cast<uint16_t>(out_.size() - kStunHeaderSize + kStunAttributeHeaderSize + kStunIntegritySize));
    const auto mac = hmacSha1(*integrityKey, out_);
    add(kMessageIntegrity, mac);
  }
  if (fingerprint) {
    writeU16(out_, 2,
             static_cast<uint16_t>(out_.size() - kStunHeaderSize + kStunAttributeHeaderSize +
                                   kStunFingerprintSize));
    addU32(kFingerprint, crc32(out_) ^ kStunFingerprintXor);
  }
  return std::move(out_);
}

std::vector<uint8_t> buildBindingSuccess(const StunMessage& request, const Endpoint& mapped,
                                         std::string_view password) {
  StunWriter w(request.method, StunClass::Success, request.transactionId);
  w.addXorAddress(kXorMappedAddress, mapped);
  return w.finish(shortTermKey(password), true);
}

std::vector<uint8_t> buildBindingError(const StunMessage& request, int code, std::string_view reason,
                                       std::optional<std::string_view> password) {
  constexpr int kUnknownAttributeCode = 420;
  StunWriter w(request.method, StunClass::Error, request.transactionId);
  w.addErrorCode(code, reason);
  if (code == kUnknownAttributeCode && !request.unknownAttributes.empty()) {
    w.addUnknownAttributes(request.unknownAttributes);
  }
  if (password) return w.finish(shortTermKey(*password), true);
  return w.finish(std::nullopt, true);
}

std::vector<uint8_t> buildBindingRequest(const BindingRequestParams& p) {
  StunWriter w(kStunMethodBinding, StunClass::Request, p.transactionId);
  w.addString(kUsername, p.username);
  w.addU32(kPriority, p.priority);
  w.addU64(p.controlling ? kIceControlling : kIceControlled, p.tiebreaker);
  if (p.useCandidate) w.addFlag(kUseCandidate);
  return w.finish(shortTermKey(p.password), true);
}

}  // namespace roomgate::media
