#include "formats/pcap_subset.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>

namespace sipsleuth::formats {
namespace {

void put32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void put16(std::string& s, std::uint16_t v) { s.append(reinterpret_cast<const char*>(&v), 2); }

}  // namespace

bool copy_packets(std::string_view capture, const std::vector<std::uint32_t>& packets, std::string& out,
                  std::string& error) {
  FILE* stream = fmemopen(const_cast<char*>(capture.data()), capture.size(), "rb");
  if (!stream) {
    error = "cannot open the capture in memory";
    return false;
  }
  char message[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle = pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_MICRO, message);
  if (!handle) {
    fclose(stream);
    error = std::string("libpcap: ") + message;
    return false;
  }
  // The global header in this machine's byte order, as libpcap writes it too.
  put32(out, 0xa1b2c3d4u);
  put16(out, 2);
  put16(out, 4);
  put32(out, 0);
  put32(out, 0);
  put32(out, static_cast<std::uint32_t>(std::max(pcap_snapshot(handle), 65535)));
  put32(out, static_cast<std::uint32_t>(pcap_datalink(handle)));
  std::uint32_t number = 0;
  auto wanted = packets.begin();
  while (wanted != packets.end()) {
    struct pcap_pkthdr* header = nullptr;
    const unsigned char* bytes = nullptr;
    int status = pcap_next_ex(handle, &header, &bytes);
    if (status != 1) break;  // end of file, or a truncated last packet
    ++number;
    if (number < *wanted) continue;
    put32(out, static_cast<std::uint32_t>(header->ts.tv_sec));
    put32(out, static_cast<std::uint32_t>(header->ts.tv_usec));
    put32(out, header->caplen);
    put32(out, header->len);
    out.append(reinterpret_cast<const char*>(bytes), header->caplen);
    while (wanted != packets.end() && *wanted <= number) ++wanted;
  }
  pcap_close(handle);
  return true;
}

}  // namespace sipsleuth::formats
