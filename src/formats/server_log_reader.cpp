// Lync / Skype for Business server logs as OCSLogger or the Centralized
// Logging Service write them as text: records opened by a
// "TL_<LEVEL>(TF_<FLAG>) [...]PID.TID::MM/DD/YYYY-HH:MM:SS.mmm.SEQ (...)" line
// and closed by "$$end_record". See docs/formats.md.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "formats/line_patterns.hpp"
#include "formats/reader.hpp"
#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

struct Field {
  std::string_view key;
  std::string_view value;
  std::size_t line_begin;
  std::size_t value_end;  // end of the value's last line, for multi-line values
};

// A record being read, and what its lines have told so far: they are sorted
// into fields, SIP headers and body as the reader walks them, once.
struct OpenRecord {
  ServerHeader header;
  Location location;
  std::vector<Field> fields;
  std::string_view start_line;
  std::size_t headers_begin = 0, headers_end = 0;
  std::optional<std::size_t> body_value;  // where Message-Body's value starts; no more lines are read after it
  bool in_headers = false;
  // The Call-ID, when asked for: found on the way through the header lines,
  // until a later line cannot change it.
  sip::FirstHeaderValue call_id{sip::HeaderId::call_id};
  bool finding_call_id = false;
};

// The characters of a field's name: letters, digits, '-' and '_'.
constexpr std::array<bool, 256> kFieldNameCharacters = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
  return table;
}();

bool split_field(std::string_view line, std::string_view& key, std::string_view& value) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 64) return false;
  std::string_view k = line.substr(0, colon);
  for (char c : k) {
    if (!kFieldNameCharacters[static_cast<unsigned char>(c)]) return false;
  }
  key = k;
  value = sip::trim(line.substr(colon + 1));
  return true;
}

// Sorts one line of a record (`line` without its line break, which ends at
// `line_end`; the next line starts at `next`) into a field, the start line,
// a SIP header or the start of the body.
void take_line(std::string_view data, std::string_view line, std::size_t line_begin, std::size_t line_end,
               std::size_t next, OpenRecord& rec) {
  std::string_view key, value;
  if (rec.in_headers) {
    // Every header line of every record is asked: most are turned away by their first letter.
    constexpr std::string_view kBody = "Message-Body:";
    if (line.size() >= kBody.size() && line[kBody.size() - 1] == ':' && sip::istarts_with(line, kBody)) {
      rec.headers_end = line_begin;
      std::size_t v = line_begin + 13;
      if (v < data.size() && data[v] == ' ') ++v;
      // An empty first line means the body starts on the next line.
      rec.body_value = sip::trim(data.substr(v, line_end - v)).empty() ? next : v;
    } else if (rec.finding_call_id) {
      rec.finding_call_id = rec.call_id.next_block_line(line);
    }
  } else if (split_field(line, key, value)) {
    if (sip::iequals(key, "Start-Line")) {
      rec.start_line = value;
      rec.in_headers = true;
      rec.headers_begin = next;
    } else {
      rec.fields.push_back({key, value, line_begin, line_end});
    }
  } else if (!rec.fields.empty() && !sip::trim(line).empty()) {
    rec.fields.back().value_end = line_end;  // a wrapped field value
  }
}

void emit_protocol_record(std::string_view data, const OpenRecord& rec, std::size_t body_end, bool find_call_id,
                          ReadResult& result) {
  SipRecord record;
  record.location = rec.location;
  record.time = rec.header.time;
  std::string_view direction, peer;
  for (const auto& f : rec.fields) {
    if (sip::iequals(f.key, "Direction")) direction = f.value;
    else if (sip::iequals(f.key, "Peer")) peer = f.value;
    else if (sip::iequals(f.key, "Trace-Correlation-Id")) record.correlation_id = f.value;
    else if (sip::iequals(f.key, "Instance-Id")) record.instance_id = f.value;
  }
  std::string_view server = rec.header.machine;
  if (sip::istarts_with(direction, "incoming")) {
    record.direction = Direction::received;
    record.source = peer;
    record.destination = server;
  } else if (sip::istarts_with(direction, "outgoing")) {
    record.direction = Direction::sent;
    record.source = server;
    record.destination = peer;
  }
  record.parts.start_line = rec.start_line;
  record.parts.header_block = data.substr(rec.headers_begin, rec.headers_end - rec.headers_begin);
  if (rec.body_value) {
    std::size_t begin = *rec.body_value;
    std::string_view body = begin < body_end ? data.substr(begin, body_end - begin) : std::string_view{};
    // The line break before $$end_record closes the record, not the body.
    if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
    if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
    if (sip::trim(body) == "-") body = {};
    record.parts.body = body;
  }
  record.raw = data.substr(rec.location.offset, body_end - rec.location.offset);
  if (find_call_id) record.found_call_id(rec.call_id.value(), record.raw);
  result.messages.push_back(std::move(record));
}

void emit_event(std::string_view data, const OpenRecord& rec, std::size_t body_end, ReadResult& result) {
  LogEvent event;
  event.location = rec.location;
  event.time = rec.header.time;
  event.level = rec.header.level;
  event.flag = rec.header.flag;
  event.component = rec.header.component;
  event.function = rec.header.function;
  event.header_text = rec.header.text;
  for (const auto& f : rec.fields) {
    std::string_view value = data.substr(f.value.data() - data.data(), f.value_end - (f.value.data() - data.data()));
    value = sip::trim(value);
    // SfB writes "Text: ... Result-Code: 0xc3e93d67 NAME" on one line.
    if (sip::iequals(f.key, "Text")) {
      std::size_t inline_code = value.find(" Result-Code: ");
      if (inline_code != std::string_view::npos) {
        event.fields.emplace_back(f.key, sip::trim(value.substr(0, inline_code)));
        event.fields.emplace_back(std::string_view("Result-Code"), sip::trim(value.substr(inline_code + 14)));
        continue;
      }
    }
    event.fields.emplace_back(f.key, value);
  }
  event.text = sip::trim(data.substr(rec.location.offset, body_end - rec.location.offset));
  result.events.push_back(std::move(event));
}

}  // namespace

ReadResult read_server_log(std::string_view data, bool find_call_ids) {
  ReadResult result;
  result.format = Format::server_log;
  result.expect_messages(data.size(), 700);
  std::optional<OpenRecord> open;
  std::uint64_t stray_lines = 0;
  Location first_stray;

  std::size_t record_end = 0;  // where the record being finished ends, its $$end_record line included
  // A finished record's list of fields, emptied, for the next record to fill:
  // every record has a few, and each list made anew grew one allocation at a time.
  std::vector<Field> spare_fields;
  // Its lines were sorted as they were read (take_line); the record ends here.
  auto finish = [&](std::size_t end_offset, bool saw_end_marker) {
    OpenRecord& rec = *open;
    if (rec.in_headers && !rec.body_value) rec.headers_end = end_offset;
    if (rec.header.begins_record && !saw_end_marker) {
      result.add_finding("lync.record_unterminated", Severity::warning, rec.location,
                         "record has no $$end_record line (file truncated or records interleaved)");
    }
    if (!rec.start_line.empty()) {
      emit_protocol_record(data, rec, end_offset, find_call_ids, result);
      result.messages.back().original = data.substr(rec.location.offset, record_end - rec.location.offset);
    } else if (!rec.fields.empty()) {
      emit_event(data, rec, end_offset, result);
    }
    spare_fields = std::move(rec.fields);
    spare_fields.clear();
    open.reset();
  };

  sip::LineCursor lines(data);
  std::string_view line;
  while (lines.next(line)) {
    const std::size_t line_begin = lines.line_begin();
    const std::uint32_t line_number = lines.line_number();

    if (line.size() >= 3 && line[0] == 'T' && line[1] == 'L' && line[2] == '_') {
      if (auto header = parse_server_header(line)) {
        record_end = line_begin;
        if (open) finish(line_begin, false);
        open.emplace();
        open->fields = std::move(spare_fields);
        open->finding_call_id = find_call_ids;
        open->header = *header;
        open->location = Location{line_begin, line_number, 0};
        continue;
      }
    }
    // Only a line starting with '$' or with what trim() takes away can be the end.
    if (!line.empty() && (line.front() == '$' || static_cast<unsigned char>(line.front()) <= ' ') &&
        sip::trim(line) == "$$end_record") {
      record_end = lines.position();  // the record as written ends after this line
      if (open) finish(line_begin, true);
      continue;
    }
    if (open) {
      if (!open->body_value) {
        std::size_t next = lines.position();
        std::size_t line_end = next > line_begin && data[next - 1] == '\n' ? next - 1 : next;
        take_line(data, line, line_begin, line_end, next, *open);
      }
    } else if (!sip::trim(line).empty()) {
      if (stray_lines++ == 0) first_stray = Location{line_begin, line_number, 0};
    }
  }
  result.line_breaks = lines.line_breaks();
  record_end = data.size();
  if (open) finish(data.size(), false);
  if (stray_lines > 0) {
    result.add_finding("lync.text_outside_record", Severity::info, first_stray,
                       std::to_string(stray_lines) + " line(s) outside any record were skipped, the first here");
  }
  return result;
}

}  // namespace sipsleuth::formats
