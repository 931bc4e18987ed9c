#include "formats/line_patterns.hpp"

#include "formats/timestamp.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

bool is_hex(char c) { return sip::is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

std::optional<ClientPrefix> parse_client_prefix(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  // Most lines are SIP text: turned away here at a glance, as the date's
  // parser would turn them away ("MM/DD/YYYY|hh:mm:ss.mmm", 23 characters).
  if (line.size() < i + 23 || !sip::is_digit(line[i]) || line[i + 2] != '/') return std::nullopt;
  std::size_t consumed = 0;
  auto time = parse_us_datetime(line.substr(i), '|', consumed);
  if (!time) return std::nullopt;
  i += consumed;
  // " PID:TID " in hex
  if (i >= line.size() || !sip::is_space(line[i])) return std::nullopt;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  std::size_t id_begin = i;
  while (i < line.size() && (is_hex(line[i]) || line[i] == ':')) ++i;
  if (i == id_begin) return std::nullopt;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  std::size_t level_begin = i;
  while (i < line.size() && is_upper(line[i])) ++i;
  ClientPrefix prefix;
  prefix.time = *time;
  prefix.level = line.substr(level_begin, i - level_begin);
  while (i < line.size() && sip::is_space(line[i])) ++i;
  if (line.substr(i, 2) != "::") return std::nullopt;
  i += 2;
  if (i < line.size() && sip::is_space(line[i])) ++i;
  prefix.text = line.substr(i);
  return prefix;
}

bool is_server_header_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 3) != "TL_") return false;
  std::size_t i = 3;
  while (i < line.size() && is_upper(line[i])) ++i;
  return line.substr(i, 4) == "(TF_";
}

std::optional<ServerHeader> parse_server_header(std::string_view line) {
  if (!is_server_header_line(line)) return std::nullopt;
  ServerHeader h;
  std::size_t open = line.find('(');
  std::size_t close = line.find(')', open);
  if (close == std::string_view::npos) return std::nullopt;
  h.level = line.substr(0, open);
  h.flag = line.substr(open + 1, close - open - 1);
  std::size_t i = close + 1;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  if (i < line.size() && line[i] == '[') {
    std::size_t end = line.find(']', i);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view bracket = line.substr(i + 1, end - i - 1);
    bool numeric = !bracket.empty();
    for (char c : bracket) numeric = numeric && sip::is_digit(c);
    if (!numeric) h.machine = bracket.substr(0, bracket.find('\\'));
    i = end + 1;
  }
  std::size_t colons = line.find("::", i);
  if (colons == std::string_view::npos) return std::nullopt;
  i = colons + 2;
  std::size_t consumed = 0;
  auto time = parse_us_datetime(line.substr(i), '-', consumed);
  if (!time) return std::nullopt;
  h.time = *time;
  h.time.utc = true;
  i += consumed;
  while (i < line.size() && line[i] != ' ' && line[i] != '(') ++i;  // ".SEQHEX"
  while (i < line.size() && sip::is_space(line[i])) ++i;
  if (i < line.size() && line[i] == '(') {
    // "(Component,Function:File.cpp(125))" with nested parentheses.
    int depth = 0;
    std::size_t begin = i + 1;
    std::size_t j = i;
    for (; j < line.size(); ++j) {
      if (line[j] == '(') ++depth;
      else if (line[j] == ')' && --depth == 0) break;
    }
    std::string_view location = line.substr(begin, j - begin);
    std::size_t comma = location.find(',');
    h.component = location.substr(0, comma);
    if (comma != std::string_view::npos) {
      std::string_view fn = location.substr(comma + 1);
      std::size_t file_colon = fn.rfind(':');
      h.function = fn.substr(0, file_colon);
    }
    i = j < line.size() ? j + 1 : line.size();
  }
  std::string_view rest = line.substr(i);
  constexpr std::string_view kBegin = "$$begin_record";
  std::string_view trimmed = sip::trim(rest);
  if (trimmed.size() >= kBegin.size() && trimmed.substr(trimmed.size() - kBegin.size()) == kBegin) {
    h.begins_record = true;
    trimmed.remove_suffix(kBegin.size());
  }
  h.text = sip::trim(trimmed);
  return h;
}

}  // namespace sipsleuth::formats
