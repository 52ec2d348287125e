#pragma once
// STUN (RFC 8489) with the ICE attributes of RFC 8445, as an ICE-lite server and the load generator's
// client role need them: parse and verify Binding requests, build Binding responses and requests.
// Pure functions over bytes; nothing here throws on bad input or keeps state. Any thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/Error.hpp"
#include "media/Endpoint.hpp"

namespace roomgate::media {

inline constexpr size_t kStunHeaderSize = 20;
inline constexpr size_t kStunAttributeHeaderSize = 4;
inline constexpr uint32_t kStunMagicCookie = 0x2112A442;
inline constexpr size_t kStunTransactionIdSize = 12;
inline constexpr size_t kStunIntegritySize = 20;   // HMAC-SHA1
inline constexpr size_t kStunFingerprintSize = 4;  // CRC-32
inline constexpr uint32_t kStunFingerprintXor = 0x5354554e;
inline constexpr size_t kStunLongTermKeySize = 16;  // MD5

inline constexpr uint16_t kStunMethodBinding = 0x001;

namespace stun_attr {
inline constexpr uint16_t kMappedAddress = 0x0001;
inline constexpr uint16_t kUsername = 0x0006;
inline constexpr uint16_t kMessageIntegrity = 0x0008;
inline constexpr uint16_t kErrorCode = 0x0009;
inline constexpr uint16_t kUnknownAttributes = 0x000A;
inline constexpr uint16_t kRealm = 0x0014;
inline constexpr uint16_t kNonce = 0x0015;
inline constexpr uint16_t kMessageIntegritySha256 = 0x001C;
inline constexpr uint16_t kPasswordAlgorithm = 0x001D;
inline constexpr uint16_t kUserhash = 0x001E;
inline constexpr uint16_t kXorMappedAddress = 0x0020;
inline constexpr uint16_t kPriority = 0x0024;      // RFC 8445
inline constexpr uint16_t kUseCandidate = 0x0025;  // RFC 8445
inline constexpr uint16_t kSoftware = 0x8022;
inline constexpr uint16_t kAlternateServer = 0x8023;
inline constexpr uint16_t kFingerprint = 0x8028;
inline constexpr uint16_t kIceControlled = 0x8029;   // RFC 8445
inline constexpr uint16_t kIceControlling = 0x802A;  // RFC 8445
// Types below this are comprehension-required: an agent that does not know one must reject the message.
inline constexpr uint16_t kFirstComprehensionOptional = 0x8000;
}  // namespace stun_attr

// RFC 8489 section 5: the class bits C1 C0 of the message type.
enum class StunClass : uint8_t { Request = 0, Indication = 1, Success = 2, Error = 3 };

// Limits of RFC 8489 section 14 (in bytes of UTF-8).
inline constexpr size_t kStunMaxUsernameSize = 508;  // USERNAME: "fewer than 509 bytes"
inline constexpr size_t kStunMaxRealmSize = 763;     // REALM, NONCE: "fewer than 763 bytes"
inline constexpr size_t kStunMaxReasonSize = 763;    // ERROR-CODE reason phrase
// At most this many unknown comprehension-required types are recorded (and echoed in a 420); one is
// enough to reject the request, the list only informs the peer.
inline constexpr size_t kStunMaxUnknownAttributes = 16;

struct StunErrorCode {
  int code = 0;  // 300..699: class * 100 + number
  std::string reason;
};

// What parseStun found. Only the first instance of an attribute counts; later duplicates are ignored.
struct StunMessage {
  uint16_t method = 0;  // 12 bits; kStunMethodBinding for ICE
  StunClass cls = StunClass::Request;
  std::array<uint8_t, kStunTransactionIdSize> transactionId{};

  std::optional<std::string> username;
  std::optional<std::string> realm;  // long-term credentials only
  std::optional<std::string> nonce;  // long-term credentials only
  std::optional<uint32_t> priority;
  bool useCandidate = false;
  std::optional<uint64_t> iceControlling;  // tiebreaker
  std::optional<uint64_t> iceControlled;   // tiebreaker
  std::optional<StunErrorCode> errorCode;
  std::optional<Endpoint> xorMappedAddress;
  std::vector<uint16_t> unknownAttributes;  // comprehension-required types not understood (bounded)

  // Byte offset, from the start of the packet, of the attribute's 4-byte header; nullopt if absent.
  // MESSAGE-INTEGRITY is followed by nothing but FINGERPRINT; FINGERPRINT is the last attribute.
  std::optional<size_t> integrityOffset;
  std::optional<size_t> fingerprintOffset;

  [[nodiscard]] bool hasIntegrity() const { return integrityOffset.has_value(); }
  [[nodiscard]] bool hasFingerprint() const { return fingerprintOffset.has_value(); }
};

// RFC 7983 demultiplexing plus the fixed header: first byte 0..3, at least 20 bytes, magic cookie.
[[nodiscard]] bool isStun(std::span<const uint8_t> packet);

// The whole message, validated: header length == packet size - 20 and a multiple of 4, every attribute
// inside the message and padded to 4, known attributes of their defined size, FINGERPRINT last,
// MESSAGE-INTEGRITY followed only by FINGERPRINT. Error codes: "stun_malformed" (status 400).
[[nodiscard]] Result<StunMessage> parseStun(std::span<const uint8_t> packet);

// MESSAGE-INTEGRITY with the short-term credential of ICE (RFC 8489 section 9.1): the key is the
// password as it is. HMAC-SHA1 over the message up to the attribute, with the header length counting
// up to and including MESSAGE-INTEGRITY (section 14.5); compared in constant time. False if `message`
// has no MESSAGE-INTEGRITY or was not parsed from `packet`.
[[nodiscard]] bool verifyIntegrity(std::span<const uint8_t> packet, const StunMessage& message,
                                   std::string_view password);
// The same with any key, e.g. longTermKey() for long-term credentials.
[[nodiscard]] bool verifyIntegrityWithKey(std::span<const uint8_t> packet, const StunMessage& message,
                                          std::span<const uint8_t> key);
// The long-term credential key of RFC 8489 section 9.2.2: MD5(username ":" realm ":" password), with
// the strings used as they are (no OpaqueString processing).
[[nodiscard]] std::array<uint8_t, kStunLongTermKeySize> longTermKey(std::string_view username,
                                                                    std::string_view realm,
                                                                    std::string_view password);
// FINGERPRINT (section 14.7): CRC-32 of the message up to the attribute, XOR 0x5354554e. False if absent.
[[nodiscard]] bool verifyFingerprint(std::span<const uint8_t> packet, const StunMessage& message);

// CRC-32 (ISO-HDLC, as zlib and FINGERPRINT use).
[[nodiscard]] uint32_t crc32(std::span<const uint8_t> bytes);

// Builds one STUN message attribute by attribute. Values longer than a STUN attribute can carry and
// error codes outside 300..699 are programming errors (CHECK). Single use: finish() ends it.
class StunWriter {
 public:
  StunWriter(uint16_t method, StunClass cls,
             const std::array<uint8_t, kStunTransactionIdSize>& transactionId);

  // Appends the attribute and the zero padding to a multiple of 4.
  void add(uint16_t type, std::span<const uint8_t> value);
  void addString(uint16_t type, std::string_view value);
  void addU32(uint16_t type, uint32_t value);
  void addU64(uint16_t type, uint64_t value);
  void addFlag(uint16_t type);  // an empty value, as USE-CANDIDATE
  void addXorAddress(uint16_t type, const Endpoint& endpoint);
  void addErrorCode(int code, std::string_view reason);
  void addUnknownAttributes(std::span<const uint16_t> types);

  // The message, with MESSAGE-INTEGRITY keyed by `integrityKey` if given (for ICE: the password's
  // bytes), then FINGERPRINT if asked.
  [[nodiscard]] std::vector<uint8_t> finish(std::optional<std::span<const uint8_t>> integrityKey,
                                            bool fingerprint);

 private:
  void setLength();
  std::vector<uint8_t> out_;
};

// The key bytes of a short-term credential (the password as it is).
[[nodiscard]] std::span<const uint8_t> shortTermKey(std::string_view password);

// ICE Binding success response to `request`: XOR-MAPPED-ADDRESS = `mapped`, MESSAGE-INTEGRITY with
// `password` (the local ICE password), FINGERPRINT.
[[nodiscard]] std::vector<uint8_t> buildBindingSuccess(const StunMessage& request, const Endpoint& mapped,
                                                       std::string_view password);
// Binding error response: ERROR-CODE `code` (400, 401, 420, 487, ...) with `reason`; for 420 also
// UNKNOWN-ATTRIBUTES listing request.unknownAttributes. MESSAGE-INTEGRITY only if `password` is given
// (leave it out for 400/401, when the request's credentials could not be checked); FINGERPRINT always.
[[nodiscard]] std::vector<uint8_t> buildBindingError(const StunMessage& request, int code,
                                                     std::string_view reason,
                                                     std::optional<std::string_view> password);

// What a controlling or controlled ICE agent sends in a connectivity check (RFC 8445 section 7.1.1).
struct BindingRequestParams {
  std::array<uint8_t, kStunTransactionIdSize> transactionId{};
  std::string username;  // "remote-ufrag:local-ufrag"
  std::string password;  // the remote agent's ICE password: keys MESSAGE-INTEGRITY
  uint32_t priority = 0;
  bool controlling = true;  // ICE-CONTROLLING if true, else ICE-CONTROLLED
  uint64_t tiebreaker = 0;
  bool useCandidate = false;  // nomination; controlling agents only
};
// Binding request with USERNAME, PRIORITY, ICE-CONTROLLING/ICE-CONTROLLED, USE-CANDIDATE if asked,
// MESSAGE-INTEGRITY and FINGERPRINT.
[[nodiscard]] std::vector<uint8_t> buildBindingRequest(const BindingRequestParams& params);

}  // namespace roomgate::media
