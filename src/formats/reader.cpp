#include "formats/reader.hpp"

#include <algorithm>

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

void frame_delimited_message(std::string_view text, SipRecord& record) {
  sip::SplitResult split = sip::split_message(text, &record.framing_issues);
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

std::uint32_t line_at(std::string_view data, std::size_t offset) {
  offset = std::min(offset, data.size());
  return static_cast<std::uint32_t>(std::count(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(offset), '\n') + 1);
}

ReadResult read_any(std::string_view data, Format format) {
  switch (format) {
    case Format::client_log: return read_client_log(data);
    case Format::server_log: return read_server_log(data);
    case Format::pcap: return read_pcap(data);
    case Format::sip_text: return read_sip_text(data);
    case Format::unknown: break;
  }
  return ReadResult{};
}

}  // namespace sipsleuth::formats
