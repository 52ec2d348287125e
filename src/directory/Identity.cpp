#include "directory/Identity.hpp"

#include "common/Text.hpp"

namespace roomgate::directory {
namespace {

// The checks both names share; `what` is "a name" or "a room name", `code` the error code.
Result<std::string> validateName(std::string_view input, std::size_t maxBytes, std::string_view what,
                                 const std::string& code) {
  const std::string_view s = trimAscii(input);
  const std::string w(what);
  if (s.empty()) {
    std::string sentence = w;
    sentence[0] = static_cast<char>(sentence[0] - 'a' + 'A');  // "a name" -> "A name"
    return Error::badRequest(code, sentence + " can't be empty.");
  }
  if (s.size() > maxBytes)
    return Error::badRequest(code, quoteForMessage(s) + " is too long for " + w + " (at most " +
                                       std::to_string(maxBytes) + " bytes).");
  if (!isValidUtf8(s)) return Error::badRequest(code, quoteForMessage(s) + " is not valid UTF-8 text.");
  if (hasControlCharacter(s))
    return Error::badRequest(code, quoteForMessage(s) + " contains a control character; " + w +
                                       " must be plain text on one line.");
  return std::string(s);
}

}  // namespace

Result<std::string> validateIdentity(std::string_view input) {
  return validateName(input, kMaxIdentityBytes, "a name", "invalid_identity");
}

Result<std::string> validateRoomName(std::string_view input) {
  auto name = validateName(input, kMaxRoomNameBytes, "a room name", "invalid_room");
  if (name && name->find(';') != std::string::npos)
    return Error::badRequest(
        "invalid_room", quoteForMessage(*name) + " contains ';', which separates rooms; pick another name.");
  return name;
}

}  // namespace roomgate::directory
