#include "directory/CsvParser.hpp"

namespace roomgate::directory {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error csvError(std::size_t line, std::string_view what) {
  return Error::badRequest("invalid_csv", "line " + std::to_string(line) + ": " + std::string(what));
}

bool isBreak(char c) {
  return c == '\n' || c == '\r';
}
bool isBlank(char c) {
  return c == ' ' || c == '\t';
}

// One pass over the text; `pos_` is the next unread byte and `line_` the line it is on.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {
    if (text_.starts_with(kBom)) pos_ = kBom.size();
  }

  Result<std::vector<CsvRecord>> run() {
    std::vector<CsvRecord> records;
    while (pos_ < text_.size()) {
      if (isBreak(text_[pos_])) {  // an empty line
        skipBreak();
        continue;
      }
      CsvRecord record{line_, {}};
      for (;;) {
        auto field = readField();
        if (!field) return field.error();
        record.fields.push_back(std::move(field.value()));
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size()) skipBreak();  // readField stops only at ',', a line break or the end
        break;
      }
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  // Consumes one line break (CRLF, LF or CR) at pos_.
  void skipBreak() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  // Reads one field and leaves pos_ on the ',' or line break after it, or at the end.
  Result<std::string> readField() {
    std::size_t look = pos_;
    while (look < text_.size() && isBlank(text_[look])) ++look;
    if (look < text_.size() && text_[look] == '"') {
      pos_ = look + 1;
      return readQuoted();
    }
    std::string field;
    while (pos_ < text_.size() && text_[pos_] != ',' && !isBreak(text_[pos_])) {
      if (text_[pos_] == '"')
        return csvError(line_,
                        "a quote (\") inside a field that does not start with one; put the whole field in "
                        "quotes and write the quote twice (\"\").");
      field += text_[pos_++];
    }
    return field;
  }

  // Reads a quoted field whose opening quote is just before pos_.
  Result<std::string> readQuoted() {
    const std::size_t openedOn = line_;
    std::string field;
    for (;;) {
      if (pos_ >= text_.size())
        return csvError(openedOn, "a quoted field is never closed; add the missing quote (\").");
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\r' || c == '\n') {
        const bool crlf = c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n';
        field.append(text_.substr(pos_, crlf ? 2 : 1));
        pos_ += crlf ? 2 : 1;
        ++line_;
        continue;
      }
      field += c;
      ++pos_;
    }
    while (pos_ < text_.size() && isBlank(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] != ',' && !isBreak(text_[pos_]))
      return csvError(line_,
                      "text after a closing quote (\"); inside a quoted field, write a quote twice (\"\").");
    return field;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

Result<std::vector<CsvRecord>> parseCsv(std::string_view text) {
  return Parser(text).run();
}

}  // namespace roomgate::directory
