// The JSON bodies of POST /login, /verify and /echo/offer (http/JsonBody: parseJsonBody, stringField).
//
// Encoding: byte 0 picks the Content-Type (kTypes[b % n]); byte 1 bit 0 pads the body with spaces to
// exactly kMaxBodyBytes, bit 1 one byte past it; the rest of the input is the body.
//
// Invariants:
//   - never throws, whatever the body and header;
//   - too large (> kMaxBodyBytes) is 413 "body_too_large", whatever the type; else a media type (before
//     ';') other than exactly application/json is 415 "unsupported_media_type"; else the body is
//     accepted exactly when nlohmann's strict parser reads it as an object, and refused with 400
//     "invalid_json" otherwise;
//   - an accepted body holds only valid UTF-8 strings: it re-serialises and re-parses to the same value;
//   - stringField on the fields the routes read is a string exactly when the member is one, nullopt only
//     for an absent or null optional member, and otherwise missing_field / invalid_field with 400.
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "FuzzCheck.hpp"
#include "FuzzInput.hpp"
#include "http/JsonBody.hpp"

namespace {

using nlohmann::json;
using namespace roomgate::http;

constexpr std::array<const char*, 9> kTypes{"application/json",
                                            "application/json; charset=utf-8",
                                            "application/json;",
                                            "Application/JSON",
                                            "text/plain",
                                            "application/jsonx",
                                            " application/json",
                                            "",
                                            nullptr};  // no header at all
constexpr std::array<const char*, 5> kFields{"username", "room", "channel", "code", "sdp"};

void checkField(const json& body, const char* name, bool required) {
  const auto field = stringField(body, name, required);
  const auto it = body.find(name);
  const bool absent = it == body.end() || it->is_null();
  if (!absent && it->is_string()) {
    FUZZ_CHECK(field.ok() && field.value() == it->get<std::string>());
  } else if (absent && !required) {
    FUZZ_CHECK(field.ok() && !field.value());
  } else {
    FUZZ_CHECK(!field.ok() && field.error().status == 400);
    FUZZ_CHECK(field.error().code == (absent ? "missing_field" : "invalid_field"));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roomgate::fuzz::Input in({data, size});
  const char* type = kTypes[in.u8() % kTypes.size()];
  const uint8_t pad = in.u8();
  Request request{"POST", "/login", {}, {}, "127.0.0.1"};
  if (type) request.headers["content-type"] = type;
  const std::size_t skip = std::min<std::size_t>(size, 2);
  request.body.assign(reinterpret_cast<const char*>(data) + skip, size - skip);
  if (pad & 3) {
    const std::size_t target = kMaxBodyBytes + ((pad & 2) ? 1 : 0);
    if (request.body.size() < target) request.body.append(target - request.body.size(), ' ');
  }

  const auto body = parseJsonBody(request);
  const std::string_view typeText = type ? type : "";
  const bool jsonType = typeText.substr(0, typeText.find(';')) == "application/json";
  const json reference = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (request.body.size() > kMaxBodyBytes) {
    FUZZ_CHECK(!body.ok() && body.error().status == 413 && body.error().code == "body_too_large");
  } else if (!jsonType) {
    FUZZ_CHECK(!body.ok() && body.error().status == 415 && body.error().code == "unsupported_media_type");
  } else if (!reference.is_object()) {
    FUZZ_CHECK(!body.ok() && body.error().status == 400 && body.error().code == "invalid_json");
  } else {
    FUZZ_CHECK(body.ok() && *body == reference);
    FUZZ_CHECK(json::parse(body->dump(), nullptr, false) == *body);  // dump() would throw on invalid UTF-8
    for (std::size_t i = 0; i < kFields.size(); ++i) checkField(*body, kFields[i], i == 0 || i >= 3);
  }
  return 0;
}
