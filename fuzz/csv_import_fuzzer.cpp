// directory::parseCsv and parseGuestCsvLines (the guest list import). The whole input is the CSV text.
//
// Invariants:
//   - nothing throws or crashes;
//   - parseCsv: every record has at least one field and records start on increasing lines from 1;
//     written back with every field quoted, one record per line, the records parse to the same fields,
//     on the lines the breaks inside quoted fields predict; an error is 400 "invalid_csv", "line N: ...";
//   - parseGuestCsvLines: every accepted guest satisfies the validators: the identity and each room is its
//     own validateIdentity / validateRoomName, a phone is its own normalizePhone (E.164: '+' and digits),
//     an e-mail its own normalizeEmail, at least one of them is present, there is at least one room,
//     and no identity (among the guests) or room (within a guest) repeats ignoring ASCII case;
//     normalizeGuest leaves each guest as it is; lines increase; the guests written back as a CSV import
//     as the same guests; an error is 400 "invalid_csv", "line N: ...", and parseGuestCsv agrees.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzCheck.hpp"
#include "common/Text.hpp"
#include "directory/CsvParser.hpp"
#include "directory/Email.hpp"
#include "directory/GuestImport.hpp"
#include "directory/Identity.hpp"
#include "directory/PhoneNumber.hpp"

namespace {

using namespace roomgate;
using namespace roomgate::directory;

std::string quoted(std::string_view field) {
  std::string out = "\"";
  for (char c : field) out += c == '"' ? "\"\"" : std::string(1, c);
  return out + "\"";
}

// Line breaks as the parser counts them: CRLF, LF or a lone CR.
std::size_t breaks(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'))) ++n;
  return n;
}

void checkError(const Error& e) {
  FUZZ_CHECK(e.status == 400 && e.code == "invalid_csv");
  FUZZ_CHECK(e.message.starts_with("line ") && e.message.find(": ") != std::string::npos);
}

void checkRecords(const std::vector<CsvRecord>& records) {
  std::string written;
  std::vector<std::size_t> lines;
  std::size_t line = 1, previous = 0;
  for (const CsvRecord& r : records) {
    FUZZ_CHECK(!r.fields.empty() && r.line > previous);
    previous = r.line;
    lines.push_back(line);
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      written += (i ? "," : "") + quoted(r.fields[i]);
      line += breaks(r.fields[i]);
    }
    written += "\n";
    ++line;
  }
  const auto again = parseCsv(written);
  FUZZ_CHECK(again.ok() && again->size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i)
    FUZZ_CHECK((*again)[i].fields == records[i].fields && (*again)[i].line == lines[i]);
}

void checkGuest(const Guest& g) {
  FUZZ_CHECK(validateIdentity(g.identity).ok() && validateIdentity(g.identity).value() == g.identity);
  FUZZ_CHECK(g.phone || g.email);
  if (g.phone) {
    FUZZ_CHECK(g.phone->size() > 1 && (*g.phone)[0] == '+' &&
               g.phone->find_first_not_of("0123456789", 1) == std::string::npos);
    const auto again = normalizePhone(*g.phone);
    FUZZ_CHECK(again.ok() && again.value() == *g.phone);
  }
  if (g.email) {
    const auto again = normalizeEmail(*g.email);
    FUZZ_CHECK(again.ok() && again.value() == *g.email);
  }
  FUZZ_CHECK(!g.rooms.empty());
  std::set<std::string> rooms;
  for (const std::string& room : g.rooms) {
    const auto valid = validateRoomName(room);
    FUZZ_CHECK(valid.ok() && valid.value() == room);
    FUZZ_CHECK(rooms.insert(asciiLower(room)).second);
  }
  const auto normalized = normalizeGuest(g);
  FUZZ_CHECK(normalized.ok() && normalized->identity == g.identity && normalized->phone == g.phone &&
             normalized->email == g.email && normalized->rooms == g.rooms);
}

std::string guestCsv(const std::vector<GuestLine>& guests) {
  std::string out = "identity,phone,email,rooms\r\n";
  for (const auto& [line, g] : guests) {
    std::string rooms;
    for (const std::string& r : g.rooms) rooms += (rooms.empty() ? "" : ";") + r;
    out += quoted(g.identity) + "," + quoted(g.phone.value_or("")) + "," + quoted(g.email.value_or("")) +
           "," + quoted(rooms) + "\r\n";
  }
  return out;
}

bool sameGuests(const std::vector<GuestLine>& a, const std::vector<GuestLine>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Guest &x = a[i].guest, &y = b[i].guest;
    if (x.identity != y.identity || x.phone != y.phone || x.email != y.email || x.rooms != y.rooms)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto records = parseCsv(text);
  if (records)
    checkRecords(*records);
  else
    checkError(records.error());

  const auto guests = parseGuestCsvLines(text);
  const auto plain = parseGuestCsv(text);
  FUZZ_CHECK(guests.ok() == plain.ok());
  if (!guests) {
    checkError(guests.error());
    FUZZ_CHECK(plain.error().message == guests.error().message);
    return 0;
  }
  FUZZ_CHECK(records.ok() && plain->size() == guests->size());
  std::set<std::string> identities;
  std::size_t previous = 0;
  for (const auto& [line, guest] : *guests) {
    FUZZ_CHECK(line > previous);
    previous = line;
    checkGuest(guest);
    FUZZ_CHECK(identities.insert(asciiLower(guest.identity)).second);
  }
  const auto again = parseGuestCsvLines(guestCsv(*guests));
  FUZZ_CHECK(again.ok() && sameGuests(*again, *guests));
  return 0;
}
