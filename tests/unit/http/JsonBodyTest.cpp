#include "http/JsonBody.hpp"

#include <gtest/gtest.h>

namespace roomgate::http {
namespace {

Request post(std::string body, std::optional<std::string> type = "application/json") {
  Request r{"POST", "/login", {}, std::move(body), "127.0.0.1"};
  if (type) r.headers["content-type"] = *type;
  return r;
}

std::string codeOf(const Result<nlohmann::json>& r) {
  return r.ok() ? "ok" : r.error().code;
}

TEST(JsonBody, AcceptsAnObjectSentAsJson) {
  const auto body = parseJsonBody(post(R"({"username":"mabel"})", "application/json; charset=utf-8"));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["username"], "mabel");
}

TEST(JsonBody, RefusesOtherMediaTypesWith415) {
  for (const auto& type :
       {std::optional<std::string>(), std::optional<std::string>("text/plain"),
        std::optional<std::string>("APPLICATION/JSON"), std::optional<std::string>(" application/json")}) {
    const auto body = parseJsonBody(post("{}", type));
    ASSERT_FALSE(body.ok());
    EXPECT_EQ(body.error().status, 415);
    EXPECT_EQ(body.error().code, "unsupported_media_type");
  }
}

TEST(JsonBody, RefusesWhatIsNotAJsonObject) {
  EXPECT_EQ(codeOf(parseJsonBody(post("{"))), "invalid_json");
  EXPECT_EQ(codeOf(parseJsonBody(post("[1]"))), "invalid_json");
  EXPECT_EQ(codeOf(parseJsonBody(post("\"x\""))), "invalid_json");
  EXPECT_EQ(codeOf(parseJsonBody(post("{\"a\":\"\xff\"}"))), "invalid_json");  // not UTF-8
  EXPECT_EQ(codeOf(parseJsonBody(post("{} {}"))), "invalid_json");
}

TEST(JsonBody, RefusesMoreThanTheLimitBeforeLookingAtIt) {
  std::string atLimit = "{}" + std::string(kMaxBodyBytes - 2, ' ');
  EXPECT_EQ(codeOf(parseJsonBody(post(atLimit))), "ok");
  const auto over = parseJsonBody(post(atLimit + " ", "text/plain"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().status, 413);
  EXPECT_EQ(over.error().code, "body_too_large");
}

TEST(JsonBody, StringFieldsAreStringsOrAbsent) {
  const auto body = nlohmann::json::parse(R"({"a":"x","n":null,"i":1})");
  EXPECT_EQ(stringField(body, "a", true).value(), "x");
  EXPECT_EQ(stringField(body, "n", false).value(), std::nullopt);
  EXPECT_EQ(stringField(body, "z", false).value(), std::nullopt);
  EXPECT_EQ(stringField(body, "n", true).error().code, "missing_field");
  EXPECT_EQ(stringField(body, "i", false).error().code, "invalid_field");
}

}  // namespace
}  // namespace roomgate::http
