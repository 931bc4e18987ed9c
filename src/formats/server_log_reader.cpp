// Lync / Skype for Business server logs as OCSLogger or the Centralized
// Logging Service write them as text: records opened by a
// "TL_<LEVEL>(TF_<FLAG>) [...]PID.TID::MM/DD/YYYY-HH:MM:SS.mmm.SEQ (...)" line
// and closed by "$$end_record". See docs/formats.md.
#include <optional>
#include <string>

#include "formats/line_patterns.hpp"
#include "formats/reader.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

struct OpenRecord {
  ServerHeader header;
  Location location;
  std::size_t body_begin = 0;  // first byte after the header line
};

struct Field {
  std::string_view key;
  std::string_view value;
  std::size_t line_begin;
  std::size_t value_end;  // end of the value's last line, for multi-line values
};

bool split_field(std::string_view line, std::string_view& key, std::string_view& value) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 64) return false;
  std::string_view k = line.substr(0, colon);
  for (char c : k) {
    // Not std::isalnum: a library call for every character of every field name.
    bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!(alphanumeric || c == '-' || c == '_')) return false;
  }
  key = k;
  value = sip::trim(line.substr(colon + 1));
  return true;
}

void emit_protocol_record(std::string_view data, const OpenRecord& rec, std::size_t body_end,
                          std::string_view start_line, std::size_t headers_begin, std::size_t headers_end,
                          std::optional<std::size_t> message_body_value, const std::vector<Field>& fields,
                          ReadResult& result) {
  SipRecord record;
  record.location = rec.location;
  record.time = rec.header.time;
  std::string_view direction, peer;
  for (const auto& f : fields) {
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
  record.parts.start_line = start_line;
  record.parts.header_block = data.substr(headers_begin, headers_end - headers_begin);
  if (message_body_value) {
    std::size_t begin = *message_body_value;
    std::string_view body = begin < body_end ? data.substr(begin, body_end - begin) : std::string_view{};
    // The line break before $$end_record closes the record, not the body.
    if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
    if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
    if (sip::trim(body) == "-") body = {};
    record.parts.body = body;
  }
  record.raw = data.substr(rec.location.offset, body_end - rec.location.offset);
  result.messages.push_back(std::move(record));
}

void emit_event(std::string_view data, const OpenRecord& rec, std::size_t body_end, const std::vector<Field>& fields,
                ReadResult& result) {
  LogEvent event;
  event.location = rec.location;
  event.time = rec.header.time;
  event.level = rec.header.level;
  event.flag = rec.header.flag;
  event.component = rec.header.component;
  event.function = rec.header.function;
  event.header_text = rec.header.text;
  for (const auto& f : fields) {
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

ReadResult read_server_log(std::string_view data) {
  ReadResult result;
  result.format = Format::server_log;
  result.expect_messages(data.size(), 700);
  std::optional<OpenRecord> open;
  std::uint64_t stray_lines = 0;
  Location first_stray;

  std::size_t record_end = 0;  // where the record being finished ends, its $$end_record line included
  // Walks the record's lines once, sorting them into fields, SIP headers and body.
  auto finish = [&](std::size_t end_offset, bool saw_end_marker) {
    const OpenRecord& rec = *open;
    std::vector<Field> fields;
    std::string_view start_line;
    std::size_t headers_begin = 0, headers_end = 0;
    std::optional<std::size_t> body_value;
    bool in_headers = false;
    std::size_t pos = rec.body_begin;
    while (pos < end_offset && !body_value) {
      std::size_t newline = data.find('\n', pos);
      std::size_t line_end = newline == std::string_view::npos || newline > end_offset ? end_offset : newline;
      std::size_t next = line_end < end_offset ? line_end + 1 : end_offset;
      std::string_view line = data.substr(pos, line_end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::string_view key, value;
      if (in_headers) {
        if (sip::istarts_with(line, "Message-Body:")) {
          headers_end = pos;
          std::size_t v = pos + 13;
          if (v < end_offset && data[v] == ' ') ++v;
          // An empty first line means the body starts on the next line.
          body_value = sip::trim(data.substr(v, line_end - v)).empty() ? next : v;
        }
      } else if (split_field(line, key, value)) {
        if (sip::iequals(key, "Start-Line")) {
          start_line = value;
          in_headers = true;
          headers_begin = next;
        } else {
          fields.push_back({key, value, pos, line_end});
        }
      } else if (!fields.empty() && !sip::trim(line).empty()) {
        fields.back().value_end = line_end;  // a wrapped field value
      }
      pos = next;
    }
    if (in_headers && !body_value) headers_end = end_offset;
    if (rec.header.begins_record && !saw_end_marker) {
      result.add_finding("lync.record_unterminated", Severity::warning, rec.location,
                         "record has no $$end_record line (file truncated or records interleaved)");
    }
    if (!start_line.empty()) {
      emit_protocol_record(data, rec, end_offset, start_line, headers_begin, headers_end, body_value, fields, result);
      result.messages.back().original = data.substr(rec.location.offset, record_end - rec.location.offset);
    } else if (!fields.empty()) {
      emit_event(data, rec, end_offset, fields, result);
    }
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
        open = OpenRecord{*header, Location{line_begin, line_number, 0}, lines.position()};
        continue;
      }
    }
    if (sip::trim(line) == "$$end_record") {
      record_end = lines.position();  // the record as written ends after this line
      if (open) finish(line_begin, true);
      continue;
    }
    if (!open && !sip::trim(line).empty()) {
      if (stray_lines++ == 0) first_stray = Location{line_begin, line_number, 0};
    }
  }
  result.line_breaks = lines.line_number() - (!data.empty() && data.back() != '\n' ? 1 : 0);
  record_end = data.size();
  if (open) finish(data.size(), false);
  if (stray_lines > 0) {
    result.add_finding("lync.text_outside_record", Severity::info, first_stray,
                       std::to_string(stray_lines) + " line(s) outside any record were skipped, the first here");
  }
  return result;
}

}  // namespace sipsleuth::formats
