#include "formats/reader.hpp"

#include <algorithm>

#include "base/bytes.hpp"
#include "formats/sniff.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {

std::string_view format_name(Format f) {
  switch (f) {
    case Format::client_log: return "lync-client-log";
    case Format::server_log: return "lync-server-log";
    case Format::pcap: return "pcap";
    case Format::sip_text: return "sip-text";
    case Format::unknown: break;
  }
  return "unknown";
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "warning";
}

std::string_view LogEvent::field(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (sip::iequals(k, key)) return v;
  }
  return {};
}

namespace {

// A record's parts as split_message() found them in `text`, and a body
// longer than its Content-Length.
void take_split(std::string_view text, const sip::SplitResult& split, SipRecord& record) {
  record.parts = split.parts;
  record.raw = sip::trim(text);
  if (split.consumed < text.size()) {
    std::string_view rest = sip::trim(text.substr(split.consumed));
    if (!rest.empty()) {
      record.framing_issues.push_back(
          {"sip.content_length_mismatch",
           "Content-Length " + std::to_string(split.content_length.value_or(0)) + " is shorter than the body (" +
               std::to_string(text.size() - (split.parts.body.data() - text.data())) + " bytes)",
           split.consumed});
    }
  }
}

bool deferred(const SipRecord& record) { return record.parts.start_line.empty() && !record.raw.empty(); }

}  // namespace

void frame_delimited_message(std::string_view text, SipRecord& record) {
  take_split(text, sip::split_message(text, &record.framing_issues), record);
}

void frame_deferred(SipRecord& record) {
  if (deferred(record)) frame_delimited_message(record.raw, record);
}

void frame_and_parse(SipRecord& record, sip::Message& message) {
  if (!deferred(record)) {
    message.parse_from(record.parts);
    return;
  }
  std::string_view text = record.raw;
  sip::SplitResult split;
  message.frame_and_parse_from(text, &record.framing_issues, split);
  take_split(text, split, record);
}

void join_pieces(SipRecord& record, std::string& storage) {
  if (!record.raw.empty() || record.pieces.empty()) return;
  storage.clear();
  for (std::string_view piece : record.pieces) storage += piece;
  record.raw = storage;
}

std::uint64_t line_breaks(std::string_view bytes, const ReadResult* read) {
  return read && read->line_breaks ? *read->line_breaks : base::count_newlines(bytes);
}

std::uint32_t line_at(std::string_view data, std::size_t offset) {
  offset = std::min(offset, data.size());
  return static_cast<std::uint32_t>(base::count_newlines(data.substr(0, offset)) + 1);
}

ReadResult read_any(std::string_view data, Format format, const ReadOptions& options) {
  ReadResult result;
  switch (format) {
    case Format::client_log: result = read_client_log(data, options.defer_framing); break;
    case Format::server_log:
      result = read_server_log(data, options.defer_framing);
      break;
    case Format::pcap: return read_pcap(data, options);
    case Format::sip_text: result = read_sip_text(data); break;
    case Format::unknown: break;
  }
  if (options.progress) *options.progress += data.size();
  return result;
}

namespace {

// The start of the first record at or after `from`, or npos.
std::size_t next_record_start(std::string_view data, Format format, std::size_t from) {
  while (from < data.size()) {
    std::size_t at = std::string_view::npos;
    if (format == Format::client_log) {
      std::size_t sending = data.find(":: Sending Packet", from);
      std::size_t received = data.find(":: Data Received", from);
      at = std::min(sending, received);
    } else if (format == Format::server_log) {
      std::size_t header = data.find("\nTL_", from);
      at = header == std::string_view::npos ? header : header + 1;
    }
    if (at == std::string_view::npos) return at;
    std::size_t line = data.rfind('\n', at);
    line = line == std::string_view::npos ? 0 : line + 1;
    std::size_t line_end = data.find('\n', at);
    std::string_view text = data.substr(line, (line_end == std::string_view::npos ? data.size() : line_end) - line);
    bool opens = format == Format::client_log ? (!text.empty() && text[0] >= '0' && text[0] <= '9')
                                              : text.find("$$begin_record") != std::string_view::npos;
    if (opens && line >= from) return line;
    from = (line_end == std::string_view::npos ? data.size() : line_end + 1);
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::size_t> record_boundaries(std::string_view data, Format format, std::size_t parts,
                                           const std::function<void(std::size_t, std::size_t)>& probed) {
  std::vector<std::size_t> cuts{0};
  if (parts < 2 || (format != Format::client_log && format != Format::server_log)) return cuts;
  for (std::size_t i = 1; i < parts; ++i) {
    std::size_t target = data.size() / parts * i;
    if (target <= cuts.back()) continue;
    std::size_t at = next_record_start(data, format, target);
    if (probed) probed(target, (at == std::string_view::npos ? data.size() : at) - target);
    if (at == std::string_view::npos) break;
    if (at > cuts.back()) cuts.push_back(at);
  }
  return cuts;
}

void rebase(Location& location, std::size_t offset, std::uint32_t lines_before) {
  location.offset += offset;
  if (location.line) location.line += lines_before;
}

void rebase(ReadResult& result, std::size_t offset, std::uint32_t lines_before) {
  for (auto& m : result.messages) rebase(m.location, offset, lines_before);
  for (auto& e : result.events) rebase(e.location, offset, lines_before);
  for (auto& f : result.findings) rebase(f.location, offset, lines_before);
}

}  // namespace sipsleuth::formats
