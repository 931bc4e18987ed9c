// Raw SIP text: one or many messages pasted from a ticket, a blog or Snooper,
// with CRLF or LF line ends and possibly wrong Content-Length values.
#include <algorithm>
#include <string>

#include "base/bytes.hpp"
#include "formats/reader.hpp"
#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

// Offset of the next line at or after `from` that looks like a SIP start line.
std::size_t next_start_line(std::string_view data, std::size_t from) {
  std::size_t pos = from;
  while (pos < data.size()) {
    std::size_t newline = data.find('\n', pos);
    std::size_t end = newline == std::string_view::npos ? data.size() : newline;
    if (sip::looks_like_damaged_request_line(data.substr(pos, end - pos))) return pos;
    if (newline == std::string_view::npos) break;
    pos = newline + 1;
  }
  return std::string_view::npos;
}

std::size_t skip_blank(std::string_view data, std::size_t pos) {
  while (pos < data.size() && (data[pos] == '\r' || data[pos] == '\n' || sip::is_space(data[pos]))) ++pos;
  return pos;
}

// Offset of the line that starts at or before `pos`.
std::size_t line_start(std::string_view data, std::size_t pos) {
  std::size_t newline = data.rfind('\n', pos == 0 ? 0 : pos - 1);
  return (newline == std::string_view::npos || pos == 0) ? 0 : newline + 1;
}

}  // namespace

ReadResult read_sip_text(std::string_view data) {
  ReadResult result;
  result.format = Format::sip_text;
  std::size_t pos = next_start_line(data, 0);
  if (pos == std::string_view::npos) return result;
  if (!sip::trim(data.substr(0, pos)).empty()) {
    result.add_finding("sip_text.skipped_text", Severity::info, Location{0, 1, 0},
                       std::to_string(pos) + " bytes before the first SIP message were skipped");
  }
  std::uint32_t line = line_at(data, pos);
  while (pos != std::string_view::npos && pos < data.size()) {
    std::string_view rest = data.substr(pos);
    sip::SplitResult split = sip::split_message(rest, nullptr);
    // Trust Content-Length only when another message (or the end) follows it;
    // otherwise the message runs to the next start line after its headers.
    std::size_t end = std::string_view::npos;
    if (split.content_length && split.body_complete) {
      std::size_t after = skip_blank(data, pos + split.consumed);
      if (after >= data.size()) {
        end = data.size();
      } else {
        std::size_t ls = line_start(data, after);
        if (ls == after && next_start_line(data, after) == after) end = after;
      }
    }
    if (end == std::string_view::npos) {
      std::size_t body_begin = static_cast<std::size_t>(split.parts.body.data() - data.data());
      if (split.parts.body.empty()) body_begin = pos + split.consumed;
      std::size_t headers_end = static_cast<std::size_t>(split.parts.header_block.data() - data.data()) +
                                split.parts.header_block.size();
      std::size_t search_from = std::max(headers_end, std::min(body_begin, data.size()));
      if (search_from <= pos) search_from = pos + 1;
      std::size_t next = next_start_line(data, search_from);
      end = next == std::string_view::npos ? data.size() : next;
    }
    SipRecord record;
    record.location = Location{pos, line, 0};
    frame_delimited_message(data.substr(pos, end - pos), record);
    record.original = record.raw;
    result.messages.push_back(std::move(record));
    line += static_cast<std::uint32_t>(base::count_newlines(data.substr(pos, end - pos)));
    pos = end;
    if (pos < data.size()) {
      std::size_t next = next_start_line(data, pos);
      if (next != std::string_view::npos && next != pos) {
        line += static_cast<std::uint32_t>(base::count_newlines(data.substr(pos, next - pos)));
      }
      pos = next;
    }
  }
  return result;
}

}  // namespace sipsleuth::formats
