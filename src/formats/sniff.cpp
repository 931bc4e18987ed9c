#include "formats/sniff.hpp"

#include <cstring>

#include "formats/line_patterns.hpp"
#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

constexpr std::size_t kSniffBytes = 64 * 1024;

bool is_pcap_magic(std::string_view data) {
  if (data.size() < 4) return false;
  unsigned char m[4];
  std::memcpy(m, data.data(), 4);
  auto is = [&](unsigned a, unsigned b, unsigned c, unsigned d) {
    return m[0] == a && m[1] == b && m[2] == c && m[3] == d;
  };
  return is(0xd4, 0xc3, 0xb2, 0xa1) || is(0xa1, 0xb2, 0xc3, 0xd4) ||  // pcap, microseconds
         is(0x4d, 0x3c, 0xb2, 0xa1) || is(0xa1, 0xb2, 0x3c, 0x4d) ||  // pcap, nanoseconds
         is(0x0a, 0x0d, 0x0d, 0x0a);                                  // pcapng section header
}

}  // namespace

Format sniff(std::string_view data) {
  if (data.empty()) return Format::unknown;
  if (is_pcap_magic(data)) return Format::pcap;
  std::string_view head = data.substr(0, kSniffBytes);
  sip::LineCursor lines(head);
  std::string_view line;
  std::string_view previous;
  bool previous_was_start = false;
  int scanned = 0;
  while (lines.next(line) && scanned++ < 4000) {
    if (is_server_header_line(line)) return Format::server_log;
    if (parse_client_prefix(line)) return Format::client_log;
    // A start line followed by a header line: raw SIP text.
    if (previous_was_start && line.find(':') != std::string_view::npos) return Format::sip_text;
    previous_was_start = sip::looks_like_damaged_request_line(line);
    previous = line;
  }
  if (previous_was_start) return Format::sip_text;  // a lone start line
  return Format::unknown;
}

std::string_view describe_unknown(std::string_view data) {
  if (data.empty()) return "the file is empty";
  if (data.size() >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') || (data[0] == '\xfe' && data[1] == '\xff'))) {
    return "UTF-16 text is not supported; convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)";
  }
  std::string_view head = data.substr(0, 4096);
  std::size_t control = 0;
  for (char c : head) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x09 || (u > 0x0d && u < 0x20)) ++control;
  }
  if (control * 20 > head.size()) return "binary data that is not a pcap/pcapng capture";
  return "text that contains no SIP messages, Lync client log lines or Lync server log records";
}

}  // namespace sipsleuth::formats
