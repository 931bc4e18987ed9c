#include "model/loading.hpp"

#include <algorithm>

#include "formats/reader.hpp"
#include "formats/sniff.hpp"

namespace sipsleuth::model::loading {

// Shifts every time an input holds by the offset the user gave for it.
void shift_times(formats::ReadResult& result, std::int64_t micros) {
  auto shift = [micros](formats::Timestamp& t) {
    if (t.valid) t.micros += micros;
  };
  for (auto& m : result.messages) shift(m.time);
  for (auto& e : result.events) shift(e.time);
  result.flows.shift_times(micros);
}

std::optional<std::int64_t> offset_for(const std::map<std::string, std::int64_t>& offsets, const std::string& name) {
  if (auto it = offsets.find(name); it != offsets.end()) return it->second;
  auto slash = name.rfind('/');
  if (slash != std::string::npos) {
    if (auto it = offsets.find(name.substr(slash + 1)); it != offsets.end()) return it->second;
  }
  return std::nullopt;
}

std::vector<std::size_t> cuts_given_back(const io::Input& input, formats::Format format, std::size_t parts) {
  constexpr std::size_t kFolio = std::size_t{2} << 20;
  std::string_view bytes = input.data->bytes();
  // Cuts are found in order, and the folios about them overlap.
  GiveBackInOrder given_back;
  std::vector<std::size_t> cuts =
      formats::record_boundaries(bytes, format, parts, [&](std::size_t offset, std::size_t length) {
        given_back.done(*input.data, offset - std::min(offset, kFolio),
                        std::min(bytes.size(), offset + length + kFolio));
      });
  given_back.finish(*input.data);
  return cuts;
}

void GiveBackInOrder::done(const io::Buffer& data, std::size_t begin, std::size_t end) {
  if (end_ > begin_ && begin > end_) finish(data);
  if (end_ <= begin_) begin_ = begin;
  end_ = std::max(end_, end);
  if (end_ - begin_ >= kGiveBackBytes) finish(data);
}

void GiveBackInOrder::finish(const io::Buffer& data, std::size_t end) {
  if (end_ > begin_) data.release(begin_, std::max(end_, end) - begin_);
  begin_ = end_ = 0;
}

std::optional<std::uint32_t> InputRegistry::add(Trace& trace, const io::Input& input, formats::Format format,
                                                formats::ReadResult& result, std::size_t found, std::uint64_t messages,
                                                std::optional<std::int64_t> offset) {
  bool recognised = format != formats::Format::unknown;
  if (input.from_directory) {
    auto& counts = per_directory_[input.origin];
    (recognised ? counts.first : counts.second)++;
    if (!recognised) {
      trace.notes.push_back(input.name + ": skipped, " + std::string(formats::describe_unknown(input.data->bytes())));
    }
  } else if (!recognised) {
    trace.errors.push_back(
        {input.name, "not a trace sipsleuth can read: " + std::string(formats::describe_unknown(input.data->bytes()))});
  }
  if (!recognised) return std::nullopt;
  auto input_id = static_cast<std::uint32_t>(trace.inputs.size());
  InputInfo info;
  info.name = input.name;
  info.format = format;
  info.data = input.data;
  info.capture = result.capture;
  if (offset) {
    shift_times(result, *offset);
    info.clock_offset_micros = *offset;
  }
  info.flows = std::move(result.flows);
  info.messages = messages;
  info.events = result.events.size();
  info.owned = std::move(result.owned);
  trace.inputs.push_back(std::move(info));
  for (auto& f : result.findings) {
    trace.findings.push_back({std::move(f.code), f.severity, input_id, f.location, std::move(f.detail), kNoId});
  }
  if (found == 0) {
    bool fatal = std::any_of(result.findings.begin(), result.findings.end(),
                             [](const formats::Finding& f) { return f.severity == Severity::error; });
    const auto& flows = trace.inputs.back().flows;
    if (!fatal && !flows.empty()) {
      // An Edge or firewall capture of media only: used to check the media path.
      trace.findings.push_back({"input.no_sip", Severity::info, input_id, Location{},
                                "the capture holds no SIP; its " + std::to_string(flows.tcp.size()) +
                                    " TCP connection attempt(s) and " + std::to_string(flows.udp.size()) +
                                    " UDP flow(s) are checked against the calls' media",
                                kNoId});
    } else if (!fatal) {
      trace.findings.push_back(
          {"input.no_sip", Severity::warning, input_id, Location{},
           "recognised as " + std::string(formats::format_name(format)) + " but it holds no SIP messages", kNoId});
    }
  }
  return input_id;
}

void InputRegistry::add_directory_errors(Trace& trace) const {
  for (const auto& [origin, counts] : per_directory_) {
    if (counts.first == 0) {
      trace.errors.push_back(
          {origin, "no trace files found in this directory (" + std::to_string(counts.second) + " file(s) skipped)"});
    }
  }
}

}  // namespace sipsleuth::model::loading
