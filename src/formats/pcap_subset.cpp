#include "formats/pcap_subset.hpp"

#include <algorithm>
#include <deque>

#include "formats/pcap_records.hpp"

namespace sipsleuth::formats {
namespace {

void put32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void put16(std::string& s, std::uint16_t v) { s.append(reinterpret_cast<const char*>(&v), 2); }

}  // namespace

bool copy_packets(std::string_view capture, const std::vector<std::uint32_t>& packets, std::string& out,
                  std::string& error) {
  CaptureRecords records(capture, RecordWalk::mapped_when_plain);
  if (!records.opened()) {
    error = records.open_error();
    return false;
  }
  // The global header in this machine's byte order, as libpcap writes it too.
  put32(out, 0xa1b2c3d4u);
  put16(out, 2);
  put16(out, 4);
  put32(out, 0);
  put32(out, 0);
  put32(out, std::max(records.snapshot(), 65535u));
  put32(out, static_cast<std::uint32_t>(records.link_type()));
  std::uint32_t number = 0;
  auto wanted = packets.begin();
  CaptureRecord record;
  std::deque<std::string> copies;
  while (wanted != packets.end()) {
    copies.clear();  // the last packet, if copied, is written by now
    records.next(record, copies);
    if (record.status != 1) break;  // end of file, or a truncated last packet
    ++number;
    if (number < *wanted) continue;
    put32(out, static_cast<std::uint32_t>(record.header.ts.tv_sec));
    put32(out, static_cast<std::uint32_t>(record.header.ts.tv_usec));
    put32(out, record.header.caplen);
    put32(out, record.header.len);
    out.append(record.captured);
    while (wanted != packets.end() && *wanted <= number) ++wanted;
  }
  return true;
}

}  // namespace sipsleuth::formats
