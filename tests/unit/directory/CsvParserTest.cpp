#include "directory/CsvParser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roomgate::directory {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvParser, SplitsRecordsAndFields) {
  auto r = parseCsv("a,b,c\n1,,3\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ((*r)[0].line, 1u);
  EXPECT_EQ((*r)[1].fields, (Fields{"1", "", "3"}));
  EXPECT_EQ((*r)[1].line, 2u);
}

TEST(CsvParser, TrailingNewlineIsOptionalAndEmptyTextHasNoRecords) {
  auto r = parseCsv("a,b");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].fields, (Fields{"a", "b"}));
  EXPECT_TRUE(parseCsv("").value().empty());
  auto trailingComma = parseCsv("a,\n");
  EXPECT_EQ(trailingComma.value()[0].fields, (Fields{"a", ""}));
}

TEST(CsvParser, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto r = parseCsv("name,note\n\"Smith, Jo\",\"said \"\"hi\"\"\"\n\"multi\nline\",x\nlast,\"\"\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[1].fields, (Fields{"Smith, Jo", "said \"hi\""}));
  EXPECT_EQ((*r)[1].line, 2u);
  EXPECT_EQ((*r)[2].fields, (Fields{"multi\nline", "x"}));
  EXPECT_EQ((*r)[2].line, 3u);
  EXPECT_EQ((*r)[3].fields, (Fields{"last", ""}));
  EXPECT_EQ((*r)[3].line, 5u);  // the embedded newline took line 4
}

TEST(CsvParser, CrLfBomEmptyLinesAndSpacesAroundQuotes) {
  auto r = parseCsv("\xEF\xBB\xBFh1,h2\r\n\r\n  \"a\" , b \r\n\n\"x\r\ny\",z\r\nend,1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ((*r)[1].fields, (Fields{"a", " b "}));
  EXPECT_EQ((*r)[1].line, 3u);
  EXPECT_EQ((*r)[2].fields, (Fields{"x\r\ny", "z"}));
  EXPECT_EQ((*r)[2].line, 5u);
  EXPECT_EQ((*r)[3].line, 7u);
}

TEST(CsvParser, UnterminatedQuoteNamesTheLineItOpensOn) {
  auto r = parseCsv("a,b\nc,d\ne,\"open\nstill open\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_csv");
  EXPECT_EQ(r.error().message.rfind("line 3: ", 0), 0u) << r.error().message;
}

TEST(CsvParser, StrayQuotesAreErrors) {
  auto inside = parseCsv("a,b\nab\"c,d\n");
  ASSERT_FALSE(inside.ok());
  EXPECT_EQ(inside.error().message.rfind("line 2: ", 0), 0u) << inside.error().message;
  auto after = parseCsv("a\n\"b\nc\"x,d\n");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().message.rfind("line 3: ", 0), 0u) << after.error().message;
}

}  // namespace
}  // namespace roomgate::directory
