// The messages of some calls written back in the format they were read from:
// a client log stays a client log, a server log a server log (with its
// diagnostic records), a capture a pcap, pasted SIP stays SIP text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::render {

struct OriginalFile {
  formats::Format format = formats::Format::unknown;
  std::string kind;       // "client", "server", "capture", "sip" (plus "-N" for a second capture)
  std::string extension;  // ".uccapilog", ".log", ".pcap", ".txt"
  std::string data;
};

// One file per input format among the calls' messages and records (one per
// capture, since captures cannot be concatenated); problems go to `errors`.
std::vector<OriginalFile> original_files(const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                                         std::vector<std::string>& errors);

}  // namespace sipsleuth::render
