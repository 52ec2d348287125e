#include "directory/GuestImport.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roomgate::directory {
namespace {

using Rooms = std::vector<std::string>;

std::string errorOf(std::string_view csv) {
  auto r = parseGuestCsv(csv);
  if (r.ok()) return "(accepted)";
  EXPECT_EQ(r.error().code, "invalid_csv");
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

TEST(GuestCsv, ReadsAndNormalisesGuests) {
  auto r = parseGuestCsv(
      " Identity , PHONE,Email,rooms\n"
      "mabel,(800) 555-4321,,My Room;Book Club\n"
      "\n"
      "\"Smith, Jo\",,Jo@Example.COM, Book Club ;;\n"
      ",,,\n"
      "ada,+1 800 555 9876,ada@example.org,Lab\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].identity, "mabel");
  EXPECT_EQ((*r)[0].phone, "+18005554321");
  EXPECT_EQ((*r)[0].email, std::nullopt);
  EXPECT_EQ((*r)[0].rooms, (Rooms{"My Room", "Book Club"}));
  EXPECT_EQ((*r)[1].identity, "Smith, Jo");
  EXPECT_EQ((*r)[1].phone, std::nullopt);
  EXPECT_EQ((*r)[1].email, "Jo@example.com");
  EXPECT_EQ((*r)[1].rooms, (Rooms{"Book Club"}));
  EXPECT_EQ((*r)[2].phone, "+18005559876");
  EXPECT_EQ((*r)[2].email, "ada@example.org");
}

TEST(GuestCsv, LineNumbersAreReported) {
  auto r = parseGuestCsvLines(
      "identity,phone,email,rooms\n\na,+18005554321,,R\n\" \n \",,,\nb,,b@example.com,\"R\"\nd,,d@x.io,R");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].line, 3u);
  EXPECT_EQ((*r)[1].line, 6u);  // lines 4-5: a blank record whose quoted field spans two lines
  EXPECT_EQ((*r)[2].line, 7u);
}

TEST(GuestCsv, HeaderAloneIsAnEmptyList) {
  EXPECT_TRUE(parseGuestCsv("identity,phone,email,rooms\n").value().empty());
}

TEST(GuestCsv, BadPhoneNamesTheLine) {
  EXPECT_EQ(errorOf("identity,phone,email,rooms\nmabel,+18005554321,,R\nbob,12,,R\n"),
            "line 3: \"12\" is not a valid phone number; write it in international form, e.g. +14155550123.");
}

TEST(GuestCsv, MissingOrWrongHeader) {
  EXPECT_EQ(errorOf(""),
            "line 1: the file is empty; its first line must be the header identity,phone,email,rooms.");
  EXPECT_EQ(errorOf("mabel,+18005554321,,R\n").rfind("line 1: the first line must be the header", 0), 0u);
  EXPECT_EQ(errorOf("\nidentity,email,phone,rooms\n").rfind("line 2: the first line must be the header", 0),
            0u);
  EXPECT_EQ(errorOf("identity,phone,email\n").rfind("line 1: the first line must be the header", 0), 0u);
}

TEST(GuestCsv, DuplicateIdentityIgnoringCase) {
  EXPECT_EQ(
      errorOf(
          "identity,phone,email,rooms\nMabel,+18005554321,,R\nx,+18005554321,,R\nmABEL,,m@example.com,R\n"),
      "line 4: mABEL is already listed on line 2; each guest may appear once.");
}

TEST(GuestCsv, RowWithNeitherPhoneNorEmail) {
  EXPECT_EQ(errorOf("identity,phone,email,rooms\nmabel, ,,R\n"),
            "line 2: mabel needs a phone number or an e-mail address to receive a code.");
}

TEST(GuestCsv, OtherRowErrors) {
  EXPECT_EQ(errorOf("identity,phone,email,rooms\nmabel,+18005554321,R\n"),
            "line 2: expected 4 columns (identity,phone,email,rooms) but found 3.");
  EXPECT_EQ(errorOf("identity,phone,email,rooms\nmabel,+18005554321,,\n"),
            "line 2: mabel needs at least one room to join, e.g. My Room.");
  EXPECT_EQ(
      errorOf("identity,phone,email,rooms\nmabel,,not-an-email,R\n").rfind("line 2: \"not-an-email\"", 0),
      0u);
  EXPECT_EQ(errorOf("identity,phone,email,rooms\n,+18005554321,,R\n"), "line 2: A name can't be empty.");
  EXPECT_EQ(errorOf("identity,phone,email,rooms\n\"unclosed,,,\n").rfind("line 2: ", 0), 0u);
}

TEST(GuestNormalize, DeduplicatesRoomsAndTreatsBlankAsAbsent) {
  auto g = normalizeGuest(Guest{" ada ", "", " ada@Example.org", {"Lab", "lab", " Kitchen "}});
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->identity, "ada");
  EXPECT_EQ(g->phone, std::nullopt);
  EXPECT_EQ(g->email, "ada@example.org");
  EXPECT_EQ(g->rooms, (Rooms{"Lab", "Kitchen"}));
  EXPECT_EQ(normalizeGuest(Guest{"ada", std::nullopt, std::nullopt, {"Lab"}}).error().code,
            "missing_destination");
  EXPECT_EQ(normalizeGuest(Guest{"ada", "+18005554321", std::nullopt, {}}).error().code, "missing_room");
}

}  // namespace
}  // namespace roomgate::directory
