#include "render/original.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "formats/pcap_subset.hpp"

namespace sipsleuth::render {
namespace {

struct Piece {
  std::int64_t time;
  std::uint32_t input;
  std::uint64_t offset;
  std::string_view text;
  bool server_event;  // needs its $$end_record line back
};

}  // namespace

std::vector<OriginalFile> original_files(const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                                         std::vector<std::string>& errors) {
  std::map<formats::Format, std::vector<Piece>> text_pieces;
  std::map<std::uint32_t, std::set<std::uint32_t>> capture_packets;  // input -> packet numbers
  for (std::uint32_t call_id : calls) {
    const auto& call = trace.calls[call_id];
    for (std::uint32_t id : call.messages) {
      const auto& m = trace.messages[id];
      const auto format = trace.inputs[m.input].format;
      if (format == formats::Format::pcap) {
        auto& set = capture_packets[m.input];
        if (m.record.packets.empty()) set.insert(m.record.location.packet);
        set.insert(m.record.packets.begin(), m.record.packets.end());
        continue;
      }
      if (m.record.original.empty()) continue;
      text_pieces[format].push_back({m.record.time.valid ? m.record.time.micros : INT64_MAX, m.input,
                                     m.record.location.offset, m.record.original, false});
    }
    for (std::uint32_t id : call.events) {
      const auto& e = trace.events[id];
      text_pieces[trace.inputs[e.input].format].push_back(
          {e.event.time.valid ? e.event.time.micros : INT64_MAX, e.input, e.event.location.offset, e.event.text, true});
    }
  }
  std::vector<OriginalFile> files;
  for (auto& [format, pieces] : text_pieces) {
    // One timeline; records of one input keep their order.
    std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
      return a.time != b.time ? a.time < b.time : (a.input != b.input ? a.input < b.input : a.offset < b.offset);
    });
    OriginalFile file;
    file.format = format;
    switch (format) {
      case formats::Format::client_log: file.kind = "client", file.extension = ".uccapilog"; break;
      case formats::Format::server_log: file.kind = "server", file.extension = ".log"; break;
      default: file.kind = "sip", file.extension = ".txt"; break;
    }
    for (const auto& p : pieces) {
      file.data.append(p.text);
      if (!file.data.empty() && file.data.back() != '\n') file.data.push_back('\n');
      if (p.server_event) file.data.append("$$end_record\n");
      if (format == formats::Format::sip_text) file.data.push_back('\n');  // pasted messages are separated by a blank line
    }
    files.push_back(std::move(file));
  }
  int number = 0;
  for (const auto& [input, packet_set] : capture_packets) {
    OriginalFile file;
    file.format = formats::Format::pcap;
    file.kind = ++number == 1 ? "capture" : "capture-" + std::to_string(number);
    file.extension = ".pcap";
    std::string error;
    std::vector<std::uint32_t> packets(packet_set.begin(), packet_set.end());
    if (!formats::copy_packets(trace.inputs[input].data->bytes(), packets, file.data, error)) {
      errors.push_back(trace.inputs[input].name + ": " + error);
      continue;
    }
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace sipsleuth::render
