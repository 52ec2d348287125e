#include "directory/GuestImport.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

#include "common/Text.hpp"
#include "directory/CsvParser.hpp"

namespace roomgate::directory {
namespace {

constexpr std::array<std::string_view, 4> kColumns = {"identity", "phone", "email", "rooms"};
constexpr std::string_view kHeader = "identity,phone,email,rooms";

Error lineError(std::size_t line, std::string_view message) {
  return Error::badRequest("invalid_csv", "line " + std::to_string(line) + ": " + std::string(message));
}

bool isBlankRecord(const CsvRecord& record) {
  return std::all_of(record.fields.begin(), record.fields.end(),
                     [](const std::string& f) { return trimAscii(f).empty(); });
}

bool isHeader(const CsvRecord& record) {
  if (record.fields.size() != kColumns.size()) return false;
  for (std::size_t i = 0; i < kColumns.size(); ++i)
    if (asciiLower(trimAscii(record.fields[i])) != kColumns[i]) return false;
  return true;
}

std::vector<std::string> splitRooms(std::string_view column) {
  std::vector<std::string> rooms;
  for (;;) {
    const std::size_t semi = column.find(';');
    const std::string_view piece = trimAscii(column.substr(0, semi));
    if (!piece.empty()) rooms.emplace_back(piece);
    if (semi == std::string_view::npos) break;
    column.remove_prefix(semi + 1);
  }
  return rooms;
}

}  // namespace

Result<std::vector<GuestLine>> parseGuestCsvLines(std::string_view csvText) {
  auto records = parseCsv(csvText);
  if (!records) return records.error();

  auto it =
      std::find_if(records->begin(), records->end(), [](const CsvRecord& r) { return !isBlankRecord(r); });
  if (it == records->end())
    return lineError(1, "the file is empty; its first line must be the header " + std::string(kHeader) + ".");
  if (!isHeader(*it))
    return lineError(it->line, "the first line must be the header " + std::string(kHeader) +
                                   " (those four columns, in that order).");

  std::vector<GuestLine> guests;
  std::unordered_map<std::string, std::size_t> lineOf;  // asciiLower(identity) -> line
  for (++it; it != records->end(); ++it) {
    const CsvRecord& record = *it;
    if (isBlankRecord(record)) continue;
    if (record.fields.size() != kColumns.size())
      return lineError(record.line, "expected 4 columns (" + std::string(kHeader) + ") but found " +
                                        std::to_string(record.fields.size()) + ".");
    Guest raw;
    raw.identity = record.fields[0];
    raw.phone = record.fields[1];
    raw.email = record.fields[2];
    raw.rooms = splitRooms(record.fields[3]);
    auto guest = normalizeGuest(raw);
    if (!guest) return lineError(record.line, guest.error().message);
    const auto [seen, inserted] = lineOf.emplace(asciiLower(guest->identity), record.line);
    if (!inserted)
      return lineError(record.line, guest->identity + " is already listed on line " +
                                        std::to_string(seen->second) + "; each guest may appear once.");
    guests.push_back({record.line, std::move(guest.value())});
  }
  return guests;
}

Result<std::vector<Guest>> parseGuestCsv(std::string_view csvText) {
  auto lines = parseGuestCsvLines(csvText);
  if (!lines) return lines.error();
  std::vector<Guest> guests;
  guests.reserve(lines->size());
  for (auto& entry : lines.value()) guests.push_back(std::move(entry.guest));
  return guests;
}

}  // namespace roomgate::directory
