#include "config/DotEnv.hpp"

#include <cctype>

namespace roomgate::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool validKey(std::string_view k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  for (char c : k)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  return true;
}

Error lineError(std::size_t line, std::string_view what) {
  return Error::badRequest("invalid_env_file",
                           ".env line " + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

Result<std::map<std::string, std::string>> parseDotEnv(std::string_view text) {
  std::map<std::string, std::string> out;
  std::size_t lineNo = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    // A double-quoted value may span lines, so the cursor moves through `text` rather than line by line.
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    ++lineNo;
    const std::size_t startLine = lineNo;
    std::string_view line = trim(text.substr(pos, eol - pos));
    std::size_t next = eol + 1;
    if (line.empty() || line.front() == '#') {
      pos = next;
      continue;
    }
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return lineError(startLine, "expected KEY=value");
    const std::string_view key = trim(line.substr(0, eq));
    if (!validKey(key)) {
      std::string what = "\"";  // built in steps: g++ 12 -O3 reports a false -Wrestrict on a + chain
      what += key;
      what += "\" is not a valid variable name";
      return lineError(startLine, what);
    }
    std::string_view rest = trim(line.substr(eq + 1));
    std::string value;
    if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
      const char quote = rest.front();
      // Re-read from the opening quote in the full text, possibly across newlines.
      std::size_t i = static_cast<std::size_t>(rest.data() - text.data()) + 1;
      bool closed = false;
      for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') ++lineNo;
        if (c == quote) {
          closed = true;
          break;
        }
        if (quote == '"' && c == '\\' && i + 1 < text.size()) {
          const char e = text[++i];
          switch (e) {
            case 'n':
              value.push_back('\n');
              break;
            case 't':
              value.push_back('\t');
              break;
            case 'r':
              value.push_back('\r');
              break;
            default:
              value.push_back(e);
              break;
          }
          continue;
        }
        value.push_back(c);
      }
      if (!closed) return lineError(startLine, "unterminated quoted value");
      // After the closing quote only a comment may follow.
      std::size_t after = text.find('\n', i);
      if (after == std::string_view::npos) after = text.size();
      const std::string_view tail = trim(text.substr(i + 1, after - i - 1));
      if (!tail.empty() && tail.front() != '#')
        return lineError(lineNo, "unexpected text after the closing quote");
      next = after + 1;
    } else {
      // Unquoted: an inline comment starts at " #".
      const std::size_t hash = rest.find(" #");
      value = std::string(trim(hash == std::string_view::npos ? rest : rest.substr(0, hash)));
    }
    out[std::string(key)] = std::move(value);
    pos = next;
  }
  return out;
}

}  // namespace roomgate::config
