#include "http/JsonBody.hpp"

#include <string_view>

namespace roomgate::http {

using nlohmann::json;

Result<json> parseJsonBody(const Request& request) {
  if (request.body.size() > kMaxBodyBytes) return bodyTooLarge();
  const std::string type = request.header("content-type").value_or("");
  const std::string_view mediaType = std::string_view(type).substr(0, type.find(';'));
  if (mediaType != "application/json")
    return Error{
        415, "unsupported_media_type", "Send the request as JSON with Content-Type: application/json.", {}};
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return Error::badRequest("invalid_json", "The request body is not valid JSON.");
  if (!body.is_object()) return Error::badRequest("invalid_json", "The request body must be a JSON object.");
  return body;
}

Result<std::optional<std::string>> stringField(const json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required)
      return Error::badRequest("missing_field", std::string("The request needs a \"") + name + "\" field.");
    return std::optional<std::string>{};
  }
  if (!it->is_string())
    return Error::badRequest("invalid_field", std::string("\"") + name + "\" must be a string.");
  return std::optional<std::string>(it->get<std::string>());
}

}  // namespace roomgate::http
