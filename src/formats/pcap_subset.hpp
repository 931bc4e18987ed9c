// Writing part of a capture back out: the packets a search selected, as they
// were, so the result opens in Wireshark and in sipsleuth alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipsleuth::formats {

// Classic pcap (microsecond) with the packets of `capture` (pcap or pcapng)
// whose 1-based numbers are in `packets` (sorted), in capture order. Returns
// false and sets `error` when the capture cannot be read.
bool copy_packets(std::string_view capture, const std::vector<std::uint32_t>& packets, std::string& out,
                  std::string& error);

}  // namespace sipsleuth::formats
