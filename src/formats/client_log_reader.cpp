// Lync / Skype for Business / OCS client logs (.uccapilog): SIP messages sit
// between "Sending Packet" / "Data Received" lines and their "End of ..." lines;
// other log lines interleave. See docs/formats.md.
#include <optional>
#include <string>

#include "formats/line_patterns.hpp"
#include "formats/reader.hpp"
#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

struct PacketMarker {
  Direction direction = Direction::unknown;
  std::string_view remote;  // views into the log
  std::string_view local;
};

// Parses "- 10.0.0.1:5061 (From Local Address: 10.0.0.2:51647) 2520 bytes:".
void parse_addresses(std::string_view rest, std::string_view local_label, PacketMarker& marker) {
  rest = sip::trim(rest);
  if (!rest.empty() && rest.front() == '-') rest = sip::trim(rest.substr(1));
  std::size_t paren = rest.find('(');
  marker.remote = sip::trim(rest.substr(0, paren));
  if (paren == std::string_view::npos) return;
  // As the client writes it, the label follows the parenthesis at once: an
  // exact compare there, before a search that ignores case.
  std::size_t label =
      rest.substr(paren + 1, local_label.size()) == local_label ? paren + 1 : sip::ifind(rest, local_label, paren);
  std::size_t close = rest.find(')', paren);
  if (label != std::string_view::npos && close != std::string_view::npos && label < close) {
    marker.local = sip::trim(rest.substr(label + local_label.size(), close - label - local_label.size()));
  }
}

std::optional<PacketMarker> parse_open_marker(std::string_view text) {
  constexpr std::string_view kSending = "Sending Packet";
  constexpr std::string_view kReceived = "Data Received";
  PacketMarker marker;
  if (text.substr(0, kSending.size()) == kSending) {
    marker.direction = Direction::sent;
    parse_addresses(text.substr(kSending.size()), "From Local Address:", marker);
    return marker;
  }
  if (text.substr(0, kReceived.size()) == kReceived) {
    marker.direction = Direction::received;
    parse_addresses(text.substr(kReceived.size()), "To Local Address:", marker);
    return marker;
  }
  return std::nullopt;
}

bool is_end_marker(std::string_view text) { return text.substr(0, 6) == "End of"; }

struct OpenMessage {
  PacketMarker marker;
  Timestamp time;
  Location opened_at;
  std::size_t text_begin = std::string_view::npos;  // where the SIP text starts, once known
  bool implicit = false;  // a prefixed start line without a Sending/Received marker
  // Its Call-ID, when asked for: found on the way through its lines, until
  // a later line cannot change it.
  sip::FirstHeaderValue call_id{sip::HeaderId::call_id};
  bool finding_call_id = false;

  void sip_line(std::string_view line) {
    if (finding_call_id) finding_call_id = call_id.next_message_line(line);
  }
};

}  // namespace

ReadResult read_client_log(std::string_view data, bool defer_framing) {
  ReadResult result;
  result.format = Format::client_log;
  result.expect_messages(data.size(), 700);
  std::optional<OpenMessage> open;

  // `record_end`: where the record as written ends, its "End of" line included.
  auto close = [&](std::size_t end_offset, std::size_t record_end) {
    if (open->text_begin == std::string_view::npos || open->text_begin >= end_offset) {
      if (!open->implicit) {
        result.add_finding("lync.client_message_empty", Severity::warning, open->opened_at,
                           "packet marker without any SIP text before the next log line");
      }
      open.reset();
      return;
    }
    SipRecord record;
    record.location = open->opened_at;
    record.time = open->time;
    record.direction = open->marker.direction;
    if (record.direction == Direction::sent) {
      record.source = open->marker.local;
      record.destination = open->marker.remote;
    } else {
      record.source = open->marker.remote;
      record.destination = open->marker.local;
    }
    std::string_view text = data.substr(open->text_begin, end_offset - open->text_begin);
    if (defer_framing) {
      record.raw = text;
      // Framed later, when its Call-ID is all that is needed first.
      record.found_call_id(open->call_id.value(), text);
    } else {
      frame_delimited_message(text, record);
    }
    record.original = data.substr(open->opened_at.offset, record_end - open->opened_at.offset);
    result.messages.push_back(std::move(record));
    open.reset();
  };

  sip::LineCursor lines(data);
  std::string_view line;
  while (lines.next(line)) {
    const std::size_t line_begin = lines.line_begin();
    const std::uint32_t line_number = lines.line_number();
    // Most lines are SIP text, which starts with a letter: only a line that
    // starts with a digit or a blank can have a prefix, and is parsed.
    auto prefix = !line.empty() && (sip::is_digit(line.front()) || sip::is_space(line.front()))
                      ? parse_client_prefix(line)
                      : std::nullopt;

    if (open && open->text_begin == std::string_view::npos) {
      // First line after the marker: either the start line with its own
      // prefix (as blogs and some versions print it) or plain SIP text.
      if (prefix && sip::looks_like_start_line(prefix->text)) {
        open->text_begin = static_cast<std::size_t>(prefix->text.data() - data.data());
        open->sip_line(prefix->text);
        continue;
      }
      if (!prefix) {
        if (sip::trim(line).empty()) continue;
        open->text_begin = line_begin;
        open->sip_line(line);
        continue;
      }
    }
    if (!prefix) {  // a message line, or a wrapped line of some other log entry
      if (open) open->sip_line(line);
      continue;
    }
    if (open) {
      bool end_marker = is_end_marker(prefix->text);
      bool unterminated = !end_marker && !open->implicit;
      Location opened_at = open->opened_at;
      close(line_begin, end_marker ? lines.position() : line_begin);
      if (unterminated) {
        result.add_finding("lync.client_message_unterminated", Severity::warning, opened_at,
                           "message has no \"End of ...\" line; it is taken to end at line " +
                               std::to_string(line_number));
      }
      if (end_marker) continue;
    }
    if (auto marker = parse_open_marker(prefix->text)) {
      open = OpenMessage{std::move(*marker), prefix->time, Location{line_begin, line_number, 0}};
      open->finding_call_id = defer_framing;  // a message framed now needs no Call-ID found ahead
    } else if (sip::looks_like_start_line(prefix->text)) {
      open = OpenMessage{PacketMarker{}, prefix->time, Location{line_begin, line_number, 0}};
      open->finding_call_id = defer_framing;
      open->implicit = true;
      open->text_begin = static_cast<std::size_t>(prefix->text.data() - data.data());
      open->sip_line(prefix->text);
    }
  }
  result.line_breaks = lines.line_breaks();
  if (open) {
    bool implicit = open->implicit;
    Location opened_at = open->opened_at;
    close(data.size(), data.size());
    if (!implicit) {
      result.add_finding("lync.client_message_unterminated", Severity::warning, opened_at,
                         "the log ends inside this message (file truncated?)");
    }
  }
  return result;
}

}  // namespace sipsleuth::formats
