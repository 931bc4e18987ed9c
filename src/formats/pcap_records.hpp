// The records of a pcap or pcapng capture held in memory, one at a time.
//
// libpcap reads from a FILE*, which over bytes in memory (fmemopen) copies
// every record twice: into the FILE's buffer, then into libpcap's packet
// buffer. In a capture of small SIP packets that copying was two thirds of
// the reading thread's time. The records of a classic pcap file are
// therefore walked here, over the bytes themselves, for as long as they are
// plain; libpcap still opens every capture (checking its header), reads
// every pcapng file and every link type whose pseudo-headers it rewrites,
// and takes over from the first record that is in any way unusual, so that
// every anomaly is judged, and reported, by libpcap as before.
#pragma once

#include <pcap/pcap.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>

namespace sipsleuth::formats {

// How a capture's records are read.
enum class RecordWalk {
  mapped_when_plain,  // plain classic pcap records over the bytes, libpcap for the rest
  libpcap_only,       // every record through libpcap: the reference the walk is checked against
};

// One record, as pcap_next_ex() gives it.
struct CaptureRecord {
  int status = 0;          // pcap_next_ex()'s: 1 a packet, PCAP_ERROR_BREAK the end, PCAP_ERROR a broken record
  std::size_t offset = 0;  // where the record starts in the input
  std::size_t after = 0;   // and where the next starts
  pcap_pkthdr header{};    // with status 1
  // The packet (status 1): a view of the input where it lies there as it
  // is, else of a copy kept in the `copies` next() was given.
  std::string_view captured;
  std::string error;  // libpcap's, with PCAP_ERROR
};

// A record's time in whole seconds. Classic pcap stores them as an unsigned
// 32-bit number, which libpcap may sign-extend: that would put times after
// 2038 in 1901.
inline std::int64_t capture_seconds(const pcap_pkthdr& header) {
  std::int64_t seconds = static_cast<std::int64_t>(header.ts.tv_sec);
  if (seconds < 0) seconds += std::int64_t{1} << 32;
  return seconds;
}

// `bytes`, found `at` bytes into a packet of `packet_size` bytes, as a view
// of the `record` it was read from, or an empty view: a classic pcap record
// ends with its packet, and a pcapng Enhanced Packet Block puts it 28 bytes
// after the block's start.
std::string_view bytes_in_record(std::string_view record, std::size_t packet_size, std::size_t at,
                                 std::string_view bytes);

// Whether two reads of a record agree in all that sipsleuth takes from it:
// status, place, time, lengths, packet bytes and libpcap's error.
bool same_record(const CaptureRecord& a, const CaptureRecord& b);

class CaptureRecords {
 public:
  CaptureRecords(std::string_view data, RecordWalk walk);
  ~CaptureRecords();
  CaptureRecords(const CaptureRecords&) = delete;
  CaptureRecords& operator=(const CaptureRecords&) = delete;

  // False when libpcap could not open the capture; open_error() says why.
  bool opened() const { return handle_ != nullptr; }
  const std::string& open_error() const { return open_error_; }
  int link_type() const;
  std::uint32_t snapshot() const;  // the snapshot length libpcap gives the capture

  // The next record; after one with status PCAP_ERROR_BREAK or PCAP_ERROR
  // there are no more.
  void next(CaptureRecord& record, std::deque<std::string>& copies);
  // Records taken as they lie, without libpcap.
  std::size_t walked() const { return walked_; }

 private:
  bool walk_plain(CaptureRecord& record);
  void read_through_libpcap(CaptureRecord& record, std::deque<std::string>& copies);

  std::string_view data_;
  FILE* stream_ = nullptr;
  pcap_t* handle_ = nullptr;
  std::string open_error_;
  std::size_t next_offset_ = 0;
  bool walking_ = false;  // still over the bytes; once libpcap takes over, it reads the rest
  bool swapped_ = false;  // the file's byte order is not this machine's
  bool nanoseconds_ = false;
  std::uint32_t snapshot_ = 0;
  std::size_t walked_ = 0;
  std::size_t prefetched_ = 0;  // the walk has asked for the bytes below this
};

}  // namespace sipsleuth::formats
