#include "formats/line_patterns.hpp"

#include <string>

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
  ClientPrefix prefix;
  prefix.time = *time;
  // What follows the time, " PID:TID LEVEL :: ", is the same on most lines
  // of a log: each thread remembers the last one and what it read in it.
  // (Its text then starts at once, unless a space follows that the last
  // one did not have: one space after "::" belongs to the prefix.)
  struct Remembered {
    std::string text;
    std::size_t level_at = 0, level_size = 0;
    bool ends_in_space = false;
  };
  thread_local Remembered last;
  const std::size_t middle = i;
  if (!last.text.empty() && line.compare(middle, last.text.size(), last.text) == 0 &&
      (last.ends_in_space || middle + last.text.size() == line.size() ||
       !sip::is_space(line[middle + last.text.size()]))) {
    prefix.level = line.substr(middle + last.level_at, last.level_size);
    prefix.text = line.substr(middle + last.text.size());
    return prefix;
  }
  // " PID:TID " in hex
  if (i >= line.size() || !sip::is_space(line[i])) return std::nullopt;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  std::size_t id_begin = i;
  while (i < line.size() && (is_hex(line[i]) || line[i] == ':')) ++i;
  if (i == id_begin) return std::nullopt;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  std::size_t level_begin = i;
  while (i < line.size() && is_upper(line[i])) ++i;
  prefix.level = line.substr(level_begin, i - level_begin);
  while (i < line.size() && sip::is_space(line[i])) ++i;
  if (line.substr(i, 2) != "::") return std::nullopt;
  i += 2;
  const bool space = i < line.size() && sip::is_space(line[i]);
  if (space) ++i;
  prefix.text = line.substr(i);
  last.text.assign(line.substr(middle, i - middle));
  last.level_at = level_begin - middle;
  last.level_size = prefix.level.size();
  last.ends_in_space = space;
  return prefix;
}

bool is_server_header_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 3) != "TL_") return false;
  std::size_t i = 3;
  while (i < line.size() && is_upper(line[i])) ++i;
  return line.substr(i, 4) == "(TF_";
}

namespace {

// A view as its place in a text that another text equal to it stands in for.
struct Place {
  std::size_t at = 0, size = 0;
  static Place of(std::string_view part, std::string_view whole) {
    return part.empty() ? Place{} : Place{static_cast<std::size_t>(part.data() - whole.data()), part.size()};
  }
  std::string_view in(std::string_view whole) const { return whole.substr(at, size); }
};

// "TL_INFO(TF_PROTOCOL) [machine\\name]PID.TID::": what it says, and its
// length with the "::"; nothing when the line has no such opening.
struct HeaderOpening {
  Place level, flag, machine;
  std::size_t length = 0;
};

std::optional<HeaderOpening> read_opening(std::string_view line) {
  if (!is_server_header_line(line)) return std::nullopt;
  HeaderOpening h;
  std::size_t open = line.find('(');
  std::size_t close = line.find(')', open);
  if (close == std::string_view::npos) return std::nullopt;
  h.level = Place::of(line.substr(0, open), line);
  h.flag = Place::of(line.substr(open + 1, close - open - 1), line);
  std::size_t i = close + 1;
  while (i < line.size() && sip::is_space(line[i])) ++i;
  if (i < line.size() && line[i] == '[') {
    std::size_t end = line.find(']', i);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view bracket = line.substr(i + 1, end - i - 1);
    bool numeric = !bracket.empty();
    for (char c : bracket) numeric = numeric && sip::is_digit(c);
    if (!numeric) h.machine = Place::of(bracket.substr(0, bracket.find('\\')), line);
    i = end + 1;
  }
  std::size_t colons = line.find("::", i);
  if (colons == std::string_view::npos) return std::nullopt;
  h.length = colons + 2;
  return h;
}

// "(Component,Function:File.cpp(125)) free text$$begin_record", what
// follows the time and its sequence number.
struct HeaderClosing {
  Place component, function, text;
  bool begins_record = false;
};

HeaderClosing read_closing(std::string_view rest) {
  HeaderClosing h;
  std::size_t i = 0;
  if (i < rest.size() && rest[i] == '(') {
    // "(Component,Function:File.cpp(125))" with nested parentheses.
    int depth = 0;
    std::size_t begin = i + 1;
    std::size_t j = i;
    for (; j < rest.size(); ++j) {
      if (rest[j] == '(')
        ++depth;
      else if (rest[j] == ')' && --depth == 0)
        break;
    }
    std::string_view location = rest.substr(begin, j - begin);
    std::size_t comma = location.find(',');
    h.component = Place::of(location.substr(0, comma), rest);
    if (comma != std::string_view::npos) {
      std::string_view fn = location.substr(comma + 1);
      std::size_t file_colon = fn.rfind(':');
      h.function = Place::of(fn.substr(0, file_colon), rest);
    }
    i = j < rest.size() ? j + 1 : rest.size();
  }
  constexpr std::string_view kBegin = "$$begin_record";
  std::string_view trimmed = sip::trim(rest.substr(i));
  if (trimmed.size() >= kBegin.size() && trimmed.substr(trimmed.size() - kBegin.size()) == kBegin) {
    h.begins_record = true;
    trimmed.remove_suffix(kBegin.size());
  }
  h.text = Place::of(sip::trim(trimmed), rest);
  return h;
}

// The last opening and closing a thread read, by their text: a log's
// records repeat both (one process and thread, one tracing function) and
// differ in their times.
struct RememberedOpening {
  std::string text;
  HeaderOpening read;
};
struct RememberedClosing {
  std::string text;
  HeaderClosing read;
};

}  // namespace

std::optional<ServerHeader> parse_server_header(std::string_view line) {
  thread_local RememberedOpening last_opening;
  thread_local RememberedClosing last_closing;
  HeaderOpening opening;
  const std::size_t known = last_opening.text.size();
  if (known > 0 && line.size() >= known && line.compare(0, known, last_opening.text) == 0) {
    opening = last_opening.read;  // the opening ends at its first "::", which this line has there too
  } else {
    auto read = read_opening(line);
    if (!read) return std::nullopt;
    opening = *read;
    last_opening = {std::string(line.substr(0, opening.length)), opening};
  }
  ServerHeader h;
  h.level = opening.level.in(line);
  h.flag = opening.flag.in(line);
  h.machine = opening.machine.in(line);
  std::size_t i = opening.length;
  std::size_t consumed = 0;
  auto time = parse_us_datetime(line.substr(i), '-', consumed);
  if (!time) return std::nullopt;
  h.time = *time;
  h.time.utc = true;
  i += consumed;
  while (i < line.size() && line[i] != ' ' && line[i] != '(') ++i;  // ".SEQHEX"
  while (i < line.size() && sip::is_space(line[i])) ++i;
  const std::string_view rest = line.substr(i);
  if (rest != last_closing.text) {
    last_closing.text.assign(rest);
    last_closing.read = read_closing(rest);
  }
  const HeaderClosing& closing = last_closing.read;
  h.component = closing.component.in(rest);
  h.function = closing.function.in(rest);
  h.text = closing.text.in(rest);
  h.begins_record = closing.begins_record;
  return h;
}

}  // namespace sipsleuth::formats
