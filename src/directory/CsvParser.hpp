#pragma once
// CSV text (RFC 4180) to records. Pure: no I/O, thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/Error.hpp"

namespace roomgate::directory {

struct CsvRecord {
  std::size_t line = 0;             // 1-based line on which the record starts
  std::vector<std::string> fields;  // unquoted values; at least one per record
};

// Splits `text` into records. Accepted: fields separated by ',', records by CRLF, LF or a lone CR; fields
// in double quotes may hold ',', line breaks (kept verbatim, and counted for the line numbers of later
// records) and "" for one quote; spaces or tabs around a quoted field are dropped; a leading UTF-8 BOM
// is skipped; the last record may end without a line break. Empty lines produce no record (a line holding
// only commas does: a record of empty fields).
// Error: badRequest "invalid_csv" with a message starting "line N: " for a quoted field that is never
// closed (N: where it opens) or a stray quote (one inside an unquoted field, or text after a closing quote).
[[nodiscard]] Result<std::vector<CsvRecord>> parseCsv(std::string_view text);

}  // namespace roomgate::directory
