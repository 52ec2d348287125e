#include "token/JsonString.hpp"

#include <gtest/gtest.h>

#include <string>

namespace roomgate::token {
namespace {

using namespace std::string_literals;

TEST(JsonStringify, WrapsPlainAsciiInQuotes) {
  EXPECT_EQ(jsonStringify(""), "\"\"");
  EXPECT_EQ(jsonStringify("mabel"), "\"mabel\"");
  EXPECT_EQ(jsonStringify("Tom O'Neil"), "\"Tom O'Neil\"");
}

TEST(JsonStringify, EscapesQuoteAndBackslash) {
  EXPECT_EQ(jsonStringify(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(jsonStringify(R"(C:\dir\)"), R"("C:\\dir\\")");
  EXPECT_EQ(jsonStringify(R"(\")"), R"("\\\"")");
}

TEST(JsonStringify, UsesShortFormsForTheFiveNamedControls) {
  EXPECT_EQ(jsonStringify("\b\f\n\r\t"), R"("\b\f\n\r\t")");
}

TEST(JsonStringify, EscapesEveryControlCharacterLikeJavaScript) {
  std::string all;
  for (int c = 0; c < 0x20; ++c) all.push_back(static_cast<char>(c));
  // Expected text printed by node 20: JSON.stringify(String.fromCharCode(0, 1, ..., 31)).
  EXPECT_EQ(
      jsonStringify(all),
      R"("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f)"
      R"(\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f")");
}

TEST(JsonStringify, KeepsEmbeddedNulAsEscape) {
  EXPECT_EQ(jsonStringify("a\0b"s), R"("a\u0000b")");
}

TEST(JsonStringify, WritesSlashAndDelRaw) {
  EXPECT_EQ(jsonStringify("a/b"), "\"a/b\"");
  EXPECT_EQ(jsonStringify("\x7f"), "\"\x7f\"");
  EXPECT_EQ(jsonStringify(" ~"), "\" ~\"");
}

TEST(JsonStringify, WritesLineAndParagraphSeparatorsRaw) {
  EXPECT_EQ(jsonStringify("\u2028\u2029"), "\"\u2028\u2029\"");
}

TEST(JsonStringify, WritesNonAsciiRaw) {
  EXPECT_EQ(jsonStringify("Zoë"), "\"Zoë\"");
  EXPECT_EQ(jsonStringify("李小龍"), "\"李小龍\"");
  EXPECT_EQ(jsonStringify("😀"), "\"😀\"");
  EXPECT_EQ(jsonStringify("👩‍👩‍👧"), "\"👩‍👩‍👧\"");  // ZWJ sequence stays as is
}

TEST(JsonStringify, AcceptsTheBoundariesOfEachSequenceLength) {
  for (const char* s : {"\xC2\x80",           // U+0080, smallest two-byte
                        "\xDF\xBF",           // U+07FF
                        "\xE0\xA0\x80",       // U+0800, smallest three-byte
                        "\xED\x9F\xBF",       // U+D7FF, just below the surrogates
                        "\xEE\x80\x80",       // U+E000, just above them
                        "\xEF\xBF\xBF",       // U+FFFF
                        "\xF0\x90\x80\x80",   // U+10000, smallest four-byte
                        "\xF4\x8F\xBF\xBF"})  // U+10FFFF, the last code point
  {
    EXPECT_EQ(jsonStringify(s), "\"" + std::string(s) + "\"") << s;
  }
}

TEST(JsonStringify, RejectsInvalidUtf8) {
  for (const char* s : {
           "\x80",                      // stray continuation byte
           "a\xBFz",                    // stray continuation byte inside text
           "\xC0\xAF",                  // overlong '/'
           "\xC1\xBF",                  // overlong
           "\xE0\x80\xAF",              // overlong three-byte
           "\xE0\x9F\xBF",              // overlong three-byte (U+07FF)
           "\xF0\x80\x80\xAF",          // overlong four-byte
           "\xF0\x8F\xBF\xBF",          // overlong four-byte (U+FFFF)
           "\xED\xA0\x80",              // U+D800, a high surrogate
           "\xED\xBF\xBF",              // U+DFFF, a low surrogate
           "\xED\xA0\xBD\xED\xB8\x80",  // CESU-8 surrogate pair for U+1F600
           "\xF4\x90\x80\x80",          // U+110000
           "\xF5\x80\x80\x80",          // lead byte beyond Unicode
           "\xFF",                      // never valid
           "\xFE",                      // never valid
           "\xC3",                      // truncated two-byte
           "\xE2\x82",                  // truncated three-byte
           "\xF0\x9F\x98",              // truncated four-byte
           "Zo\xC3",                    // truncated at the end of text
           "\xC3(",                     // lead byte followed by ASCII
       }) {
    EXPECT_EQ(jsonStringify(s), std::nullopt) << testing::PrintToString(std::string(s));
  }
}

TEST(AppendJsonString, AppendsToExistingText) {
  std::string out = "x=";
  ASSERT_TRUE(appendJsonString(out, "a\"b"));
  EXPECT_EQ(out, R"(x="a\"b")");
  EXPECT_FALSE(appendJsonString(out, "\xFF"));
}

}  // namespace
}  // namespace roomgate::token
