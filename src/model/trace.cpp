#include "model/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iterator>
#include <optional>
#include <set>
#include <thread>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "formats/reader.hpp"
#include "formats/sniff.hpp"
#include "formats/timestamp.hpp"
#include "model/loading.hpp"

namespace sipsleuth::model {
namespace {

struct ReadJob {
  const io::Input* input = nullptr;
  formats::Format format = formats::Format::unknown;
  formats::ReadResult result;
};

// One piece of one input, read on whichever core is free. Large logs are cut
// at record starts so that both cores work on one file; the pieces are put
// back together in order afterwards.
struct Piece {
  std::size_t job = 0;
  std::size_t begin = 0, end = 0;
  formats::ReadResult result;
  std::uint32_t lines = 0;
  // Messages and records the reader found before a search dropped those it
  // does not need; pieces a search skipped unread count as holding some.
  std::size_t found = 0;           // line breaks in the piece, to number the next piece's lines
};

using base::contains_any;

void keep_only_containing(formats::ReadResult& result, const std::vector<std::string>& needles) {
  std::erase_if(result.messages, [&](const formats::SipRecord& r) {
    if (r.parts.start_line.empty()) return !contains_any(r.raw, needles);  // not framed yet
    return !contains_any(r.parts.start_line, needles) && !contains_any(r.parts.header_block, needles);
  });
  std::erase_if(result.events, [&](const formats::LogEvent& e) { return !contains_any(e.text, needles); });
}

}  // namespace

Trace load(io::OpenedInputs opened, const LoadOptions& options) {
  Trace trace;
  for (auto& e : opened.errors) trace.errors.push_back({e.name, e.message});
  trace.notes = std::move(opened.notes);

  std::vector<ReadJob> jobs(opened.inputs.size());
  unsigned threads = options.threads ? options.threads : base::core_count();
  std::vector<Piece> pieces;
  if (options.progress) {
    std::uint64_t total = 0;
    for (const auto& input : opened.inputs) total += input.data->bytes().size();
    options.progress->total_bytes = total;
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].input = &opened.inputs[i];
    std::string_view bytes = jobs[i].input->data->bytes();
    jobs[i].format = formats::sniff(bytes);
    jobs[i].result.format = jobs[i].format;
    // A search cuts into pieces of piece_bytes whatever the cores: the pieces
    // without the text are released as soon as they are scanned, so memory
    // holds only the pieces in flight and those that matched.
    std::size_t by_size = bytes.size() / std::max<std::size_t>(1, options.piece_bytes);
    std::size_t parts = !options.required_text.empty() ? by_size
                        : threads > 1                  ? std::min<std::size_t>(threads * 4, by_size)
                                                       : 1;
    // A search gives its pieces back as it reads them: the cuts' too.
    std::vector<std::size_t> cuts = !options.required_text.empty()
                                        ? loading::cuts_given_back(*jobs[i].input, jobs[i].format, parts)
                                        : formats::record_boundaries(bytes, jobs[i].format, parts);
    for (std::size_t c = 0; c < cuts.size(); ++c) {
      Piece piece;
      piece.job = i;
      piece.begin = cuts[c];
      piece.end = c + 1 < cuts.size() ? cuts[c + 1] : bytes.size();
      pieces.push_back(std::move(piece));
    }
  }
  // One piece per chunk: pieces are already about a quarter of a core's share.
  base::for_each_chunk(base::Chunking{pieces.size(), 1}, threads, [&](std::size_t i, std::size_t, std::size_t) {
    Piece& piece = pieces[i];
    const ReadJob& job = jobs[piece.job];
    std::string_view bytes = job.input->data->bytes().substr(piece.begin, piece.end - piece.begin);
    const bool followed = piece.end < job.input->data->bytes().size();  // by another piece of this input
    auto count_lines = [&](const formats::ReadResult* read) {
      if (followed) piece.lines = static_cast<std::uint32_t>(formats::line_breaks(bytes, read));
    };
    if (job.format == formats::Format::unknown) {
      count_lines(nullptr);
      if (options.progress) options.progress->read_bytes += bytes.size();
      return;
    }
    // A capture is always read: its connection attempts and media flows
    // are checked against the calls, whatever their Call-IDs.
    if (!options.required_text.empty() && job.format != formats::Format::pcap &&
        !contains_any(bytes, options.required_text)) {
      count_lines(nullptr);
      piece.found = 1;
      if (options.progress) options.progress->read_bytes += bytes.size();
      job.input->data->release(piece.begin, piece.end - piece.begin);
      return;
    }
    formats::ReadOptions read_options;
    read_options.progress = options.progress ? &options.progress->read_bytes : nullptr;
    read_options.required_text = &options.required_text;
    // Captures only: a search keeps a log's message by its start line and
    // headers, which framing finds.
    read_options.defer_framing = job.format == formats::Format::pcap;
    if (!options.required_text.empty()) {
      read_options.read_past = [&](std::size_t offset, std::size_t length) {
        job.input->data->release(piece.begin + offset, length);
      };
    }
    piece.result = formats::read_any(bytes, job.format, read_options);
    count_lines(&piece.result);
    // A capture under a search keeps only matching messages but counts them all.
    piece.found = job.format == formats::Format::pcap ? piece.result.capture.sip_packets
                                                      : piece.result.messages.size() + piece.result.events.size();
    if (!options.required_text.empty()) keep_only_containing(piece.result, options.required_text);
  });

  // Pieces back into one result per input, in order. Messages stay in their
  // pieces (moving them would cost a copy of every record) and are taken
  // from there below.
  std::vector<std::vector<std::size_t>> pieces_of(jobs.size());
  std::vector<std::size_t> messages_of(jobs.size(), 0);
  std::vector<std::size_t> found_in(jobs.size(), 0);
  std::uint32_t lines_before = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    Piece& piece = pieces[i];
    if (i > 0 && pieces[i - 1].job != piece.job) lines_before = 0;
    ReadJob& job = jobs[piece.job];
    if (piece.begin > 0) formats::rebase(piece.result, piece.begin, lines_before);
    lines_before += piece.lines;
    pieces_of[piece.job].push_back(i);
    messages_of[piece.job] += piece.result.messages.size();
    found_in[piece.job] += piece.found;
    auto& into = job.result;
    auto& from = piece.result;
    if (piece.begin == 0) {
      into.capture = from.capture;
      into.flows = std::move(from.flows);
    }
    std::move(from.events.begin(), from.events.end(), std::back_inserter(into.events));
    std::move(from.findings.begin(), from.findings.end(), std::back_inserter(into.findings));
    std::move(from.owned.begin(), from.owned.end(), std::back_inserter(into.owned));
  }

  std::size_t total_events = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) total_events += jobs[j].result.events.size();
  trace.events.reserve(total_events);
  // Where each piece's messages go in the trace, in input order: they are
  // moved there once every input is known to be readable.
  struct Placement {
    std::size_t piece = 0;
    std::size_t first = 0;
    std::uint32_t input = 0;
  };
  std::vector<Placement> placements;
  std::size_t message_count = 0;

  loading::InputRegistry registry;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    ReadJob& job = jobs[j];
    std::optional<std::int64_t> offset = loading::offset_for(options.clock_offsets, job.input->name);
    if (offset && job.format != formats::Format::unknown) {
      for (std::size_t p : pieces_of[j]) loading::shift_times(pieces[p].result, *offset);
    }
    auto input_id = registry.add(trace, *job.input, job.format, job.result, found_in[j], messages_of[j], offset);
    if (!input_id) continue;
    for (std::size_t p : pieces_of[j]) {
      placements.push_back({p, message_count, *input_id});
      message_count += pieces[p].result.messages.size();
    }
    for (auto& e : job.result.events) {
      Event ev;
      ev.id = static_cast<std::uint32_t>(trace.events.size());
      ev.input = *input_id;
      ev.event = std::move(e);
      trace.events.push_back(std::move(ev));
    }
    std::vector<formats::LogEvent>().swap(job.result.events);
  }
  registry.add_directory_errors(trace);
  // Messages are numbered in 32 bits. Beyond that the rest is not read, and
  // the user is told, rather than numbers wrapping around.
  const std::size_t kMaxMessages = std::min<std::size_t>(options.max_messages, kNoId - 1);
  if (message_count > kMaxMessages) {
    trace.errors.push_back({"(all inputs)", "more than " + std::to_string(kMaxMessages) +
                                                " SIP messages, the most one run holds; messages after that are not "
                                                "read: split the inputs or search them first"});
    while (!placements.empty() && placements.back().first >= kMaxMessages) placements.pop_back();
    if (!placements.empty()) {
      auto& last = pieces[placements.back().piece].result.messages;
      last.resize(std::min(last.size(), kMaxMessages - placements.back().first));
    }
    message_count = kMaxMessages;
  }
  trace.messages.reserve(message_count);
  for (const Placement& placement : placements) {
    auto& records = pieces[placement.piece].result.messages;
    for (auto& record : records) {
      Message& m = trace.messages.emplace_back();
      m.id = static_cast<std::uint32_t>(trace.messages.size() - 1);
      m.input = placement.input;
      m.record = std::move(record);
    }
    // The records now live in the trace; free the piece's copies at once.
    std::vector<formats::SipRecord>().swap(records);
  }
  if (options.progress) {
    options.progress->messages = trace.messages.size();
    options.progress->stage = LoadProgress::Stage::building;
  }
  // Captures' messages are framed, and every message's headers indexed, here
  // rather than in the readers' workers, so that an input read in one piece
  // (a capture) still uses every core for them.
  base::for_each_index(trace.messages.size(), threads, [&](std::size_t i) {
    formats::frame_and_parse(trace.messages[i].record, trace.messages[i].sip);
  });
  build_calls(trace, threads);
  if (options.align_clocks && !trace.clocks.empty()) align_clocks(trace);
  trace.flows.build(trace.inputs);
  if (options.progress) options.progress->stage = LoadProgress::Stage::done;
  return trace;
}

void FlowIndex::build(const std::vector<InputInfo>& inputs) {
  by_port_.clear();
  inputs_.clear();
  for (std::uint32_t i = 0; i < inputs.size(); ++i) {
    inputs_.push_back(&inputs[i]);
    const auto& flows = inputs[i].flows;
    // Flows that carried SIP are the signalling's own: never a call's media.
    for (std::uint32_t t = 0; t < flows.tcp.size(); ++t) {
      if (flows.tcp[t].signalling) continue;
      FlowRef ref{i, true, t};
      by_port_[flows.tcp[t].client.port].push_back(ref);
      if (flows.tcp[t].server.port != flows.tcp[t].client.port) by_port_[flows.tcp[t].server.port].push_back(ref);
    }
    for (std::uint32_t u = 0; u < flows.udp.size(); ++u) {
      if (flows.udp[u].signalling) continue;
      FlowRef ref{i, false, u};
      by_port_[flows.udp[u].a.port].push_back(ref);
      if (flows.udp[u].b.port != flows.udp[u].a.port) by_port_[flows.udp[u].b.port].push_back(ref);
    }
  }
}

const std::vector<FlowRef>& FlowIndex::on_port(std::uint16_t port) const {
  static const std::vector<FlowRef> none;
  auto it = by_port_.find(port);
  return it == by_port_.end() ? none : it->second;
}

std::vector<FlowRef> FlowIndex::at(const formats::NetEndpoint& endpoint) const {
  std::vector<FlowRef> found;
  for (const FlowRef& ref : on_port(endpoint.port)) {
    const auto& flows = inputs_[ref.input]->flows;
    bool match = ref.tcp ? (flows.tcp[ref.index].client == endpoint || flows.tcp[ref.index].server == endpoint)
                         : (flows.udp[ref.index].a == endpoint || flows.udp[ref.index].b == endpoint);
    if (match) found.push_back(ref);
  }
  return found;
}

std::optional<std::uint32_t> Trace::find_call(std::string_view id_or_prefix, std::vector<std::uint32_t>* matches) const {
  for (const auto& call : calls) {
    if (call.call_id == id_or_prefix) {
      if (matches) matches->assign(1, call.id);
      return call.id;
    }
  }
  std::vector<std::uint32_t> found;
  for (const auto& call : calls) {
    if (call.call_id.substr(0, id_or_prefix.size()) == id_or_prefix) found.push_back(call.id);
  }
  if (matches) *matches = found;
  if (found.size() == 1) return found.front();
  return std::nullopt;
}

std::map<std::string, std::uint64_t> Trace::findings_by_code() const {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& f : findings) ++counts[f.code];
  return counts;
}

namespace {

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(year + (m <= 2 ? 1 : 0));
}

// Writes into `out`, which then holds "" for a time not known.
void format_with(const Timestamp& t, char separator, TimeText& out) {
  out.size = 0;
  if (!t.valid) return;
  std::int64_t millis_total = t.micros / 1000;
  if (t.micros < 0 && t.micros % 1000 != 0) --millis_total;
  std::int64_t seconds = millis_total / 1000;
  int millis = static_cast<int>(millis_total % 1000);
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  const auto hour = static_cast<unsigned>(rem / 3600), minute = static_cast<unsigned>(rem / 60 % 60),
             second = static_cast<unsigned>(rem % 60);
  if (y < 0 || y > 9999) {
    // Room for any int year; one byte is kept for the zone mark.
    auto written = fmt::format_to_n(out.text, sizeof out.text - 1, "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}.{:03}", y, m,
                                    d, separator, hour, minute, second, millis);
    out.size = written.size;
    return;
  }
  // Digits written in place: every call's JSON line has several times, and
  // even compiled fmt spent more on these than on the rest of a line.
  char* text = out.text;
  auto digits = [&](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) text[at + i] = static_cast<char>('0' + value % 10);
  };
  digits(0, static_cast<unsigned>(y), 4);
  text[4] = '-';
  digits(5, m, 2);
  text[7] = '-';
  digits(8, d, 2);
  text[10] = separator;
  digits(11, hour, 2);
  text[13] = ':';
  digits(14, minute, 2);
  text[16] = ':';
  digits(17, second, 2);
  text[19] = '.';
  digits(20, static_cast<unsigned>(millis), 3);
  out.size = 23;
}

}  // namespace

std::string format_time(const Timestamp& t) {
  TimeText text;
  format_with(t, ' ', text);
  return std::string(text.view());
}

std::string format_time_of_day(const Timestamp& t) {
  std::string full = format_time(t);
  auto space = full.find(' ');
  return space == std::string::npos ? full : full.substr(space + 1);
}

TimeText iso8601_text(const Timestamp& t) {
  TimeText text;
  format_with(t, 'T', text);
  if (text.size != 0 && t.utc) text.text[text.size++] = 'Z';
  return text;
}

std::string format_iso8601(const Timestamp& t) { return std::string(iso8601_text(t).view()); }

std::string format_duration(std::int64_t micros) {
  if (micros < 0) micros = 0;
  std::int64_t millis = micros / 1000;
  char buffer[48];
  if (millis < 60000) {
    std::snprintf(buffer, sizeof buffer, "%lld.%03llds", static_cast<long long>(millis / 1000),
                  static_cast<long long>(millis % 1000));
  } else if (millis < 3600000) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(millis / 60000),
                  static_cast<long long>(millis / 1000 % 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm%02llds", static_cast<long long>(millis / 3600000),
                  static_cast<long long>(millis / 60000 % 60), static_cast<long long>(millis / 1000 % 60));
  }
  return buffer;
}

}  // namespace sipsleuth::model
