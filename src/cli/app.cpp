#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analysis/search.hpp"
#include "cli/write_behind.hpp"
#include "io/input.hpp"
#include "model/batches.hpp"
#include "model/trace.hpp"
#include "render/decoded.hpp"
#include "render/ladder.hpp"
#include "render/original.hpp"
#include "render/progress.hpp"
#include "render/renderers.hpp"

namespace sipsleuth::cli {
namespace {

constexpr std::size_t kWarningsPerCode = 5;

constexpr const char* kDescription =
    "sipsleuth reads SIP signalling traces and tells the story of every call.\n"
    "\n"
    "Inputs (recognised by content, not by name): Lync / Skype for Business client logs\n"
    "(.uccapilog), server logs converted by OCSLogger or CLS ($$begin_record ... $$end_record),\n"
    "pcap/pcapng captures (SIP over UDP, TCP and WebSocket; IPv4/IPv6) and raw SIP text.\n"
    "Files may be gzip or zip compressed; a directory is read recursively; '-' reads stdin.\n"
    "\n"
    "Examples:\n"
    "  sipsleuth calls Lync-UccApi-0.UccApilog edge.pcap      list every call\n"
    "  sipsleuth calls --json logs/ > calls.jsonl              the same as JSON Lines\n"
    "  sipsleuth show --call a622d7b9 client.uccapilog         one call, message by message\n"
    "  sipsleuth diagnose client.uccapilog fe.log              why each call ended as it did\n"
    "  sipsleuth flow --call a622d7b9 client.uccapilog         the call as a ladder diagram\n"
    "  sipsleuth report -o calls.html client.uccapilog fe.log  one HTML file to open in a browser\n"
    "  sipsleuth search --phone +14255550100 logs/             every call with that number\n"
    "  sipsleuth diagnose client.uccapilog edge.pcap           also checks each call's media path\n"
    "  sipsleuth decode icewarn 0x40003a0                      explain a value pasted from anywhere\n"
    "\n"
    "Exit status: 0 done, 1 nothing matched, 2 an input could not be read or the command\n"
    "line is wrong (the other inputs are still analysed).\n"
    "Credentials and keys (NTLM/Kerberos/TLS-DSK signatures, SRTP keys) are masked unless\n"
    "--show-secrets is given.";

struct Options {
  std::vector<std::string> inputs;
  bool json = false;
  bool no_color = false;
  bool show_secrets = false;
  bool quiet = false;
  std::string call;
  std::vector<std::string> calls;  // flow and report: --call, repeatable
  std::string conversation;
  std::string by = "address";
  std::string format = "text";
  std::string output;
  bool ascii = false;
  bool unicode = false;
  std::size_t width = 0;
  bool show_messages = false;
  std::vector<std::string> offsets;  // "SOURCE=+3600"
  bool align_clocks = false;
  bool raw = false;  // every observation of a message, not one per message
  analysis::SearchCriteria search;
  std::string since, until;
  bool match_any = false;
  std::string decode_kind;
  std::string decode_value;
  bool qoe = false;
  bool in_memory = false;  // calls, diagnose, report: every message in memory at once, as the other commands read
};

std::string_view severity_word(formats::Severity s) {
  switch (s) {
    case formats::Severity::error: return "error";
    case formats::Severity::warning: return "warning";
    case formats::Severity::info: break;
  }
  return "note";
}

// The exit status when a command found nothing to show: input errors, if
// any, still say more.
int nothing_matched(int status) { return status == kDone ? kNothingMatched : status; }

// Problems go to stderr: every unreadable input, and the findings about the
// input (a few of each kind, then a count) so a flood of one problem does not
// hide the others.
int report_problems(const model::Trace& trace, const Options& options, std::ostream& err) {
  for (const auto& e : trace.errors) err << "sipsleuth: error: " << e.name << ": " << e.message << '\n';
  if (options.quiet) return trace.errors.empty() ? kDone : kInputError;
  for (const auto& note : trace.notes) err << "sipsleuth: note: " << note << '\n';
  std::map<std::string, std::size_t> shown;
  for (const auto& f : trace.findings) {
    if (++shown[f.code] > kWarningsPerCode) continue;
    std::string where = f.input == model::kNoId ? std::string("?") : render::location_text(trace, f.input, f.location);
    err << "sipsleuth: " << severity_word(f.severity) << ": " << where << ": " << render::printable(f.detail) << " ["
        << f.code << "]\n";
  }
  for (const auto& [code, count] : shown) {
    if (count > kWarningsPerCode) {
      err << fmt::format("sipsleuth: note: {} more [{}] not shown (see the summary of --json)\n", count - kWarningsPerCode, code);
    }
  }
  return trace.errors.empty() ? kDone : kInputError;
}

// The inputs' clock offsets, once the messages seen at several points are
// linked (for a trace built in batches, after the last batch).
void report_clocks(const model::Trace& trace, std::uint64_t linked_messages, const Options& options, std::ostream& err) {
  if (options.quiet) return;
  if (std::string clocks = render::clock_offsets_sentence(trace); !clocks.empty()) {
    err << "sipsleuth: note: clocks (from " << linked_messages << " messages seen at several points): " << clocks
        << (trace.clocks_aligned ? "; aligned\n" : "; --align-clocks lines them up\n");
  }
}

int report_problems_and_clocks(const model::Trace& trace, const Options& options, std::ostream& err) {
  int status = report_problems(trace, options, err);
  report_clocks(trace, trace.hop_events.size(), options, err);
  return status;
}

// The call a --call prefix names; explains on stderr when it names none or several.
std::optional<std::uint32_t> find_one_call(const model::Trace& trace, const std::string& prefix, std::ostream& err) {
  std::vector<std::uint32_t> matches;
  auto id = trace.find_call(prefix, &matches);
  if (id) return id;
  if (matches.empty()) {
    err << "sipsleuth: no call has a Call-ID starting with \"" << render::printable(prefix) << "\"\n";
  } else {
    err << "sipsleuth: \"" << render::printable(prefix) << "\" matches " << matches.size()
        << " calls; give more of the Call-ID:\n";
    for (std::uint32_t m : matches) err << "  " << render::printable(trace.calls[m].call_id) << '\n';
  }
  return std::nullopt;
}

// "edge.pcap=-3600" -> ("edge.pcap", -3600 s in microseconds).
std::optional<std::pair<std::string, std::int64_t>> parse_offset(const std::string& text) {
  auto equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) return std::nullopt;
  std::string number = text.substr(equals + 1);
  char* end = nullptr;
  double seconds = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0' || !(seconds > -1e7 && seconds < 1e7)) return std::nullopt;
  return std::pair{text.substr(0, equals), static_cast<std::int64_t>(std::llround(seconds * 1e6))};
}

// The loaded trace of the command being run. When the process exits right
// after the command (main says so), it is left to the operating system:
// freeing a gigabyte trace piece by piece takes longer than writing its output.
model::Trace* g_left_to_exit = nullptr;  // kept reachable from a global, so leak checkers do not report it
model::BatchedTrace* g_left_to_exit_batched = nullptr;
struct LoadedTrace {
  std::unique_ptr<model::Trace> trace;
  std::unique_ptr<model::BatchedTrace> batched;
  bool leave_to_exit = false;
  ~LoadedTrace() {
    if (leave_to_exit) {
      g_left_to_exit = trace.release();
      g_left_to_exit_batched = batched.release();
    }
  }
};
LoadedTrace* g_loaded = nullptr;

bool g_progress_allowed = false;  // stderr is a terminal of a process that exits after the command

// While inputs of 100 MB or more load, or their calls are built a batch at a
// time, redraws one line on stderr four times a second (see
// render::progress_line), and clears it when done.
class ProgressDisplay {
 public:
  static constexpr std::uint64_t kMinimumBytes = 100'000'000;

  explicit ProgressDisplay(const model::LoadProgress& progress)
      : progress_(progress), started_(std::chrono::steady_clock::now()), thread_([this] { draw_until_stopped(); }) {}
  ~ProgressDisplay() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    wake_.notify_one();
    thread_.join();
    if (drawn_) std::fputs("\r\x1b[K", stderr);
  }

 private:
  void draw_until_stopped() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopped_; })) {
      if (progress_.total_bytes < kMinimumBytes) continue;
      render::ProgressSnapshot snapshot;
      snapshot.building = progress_.stage != model::LoadProgress::Stage::reading;
      snapshot.total_bytes = progress_.total_bytes;
      snapshot.read_bytes = progress_.read_bytes;
      snapshot.messages = progress_.messages;
      snapshot.calls = progress_.calls;
      snapshot.calls_built = progress_.calls_built;
      snapshot.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
      std::string line = render::progress_line(snapshot, std::max<std::size_t>(20, render::terminal_width()) - 1);
      std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
      std::fflush(stderr);
      drawn_ = true;
    }
  }

  const model::LoadProgress& progress_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  bool drawn_ = false;
  std::thread thread_;  // last: starts once everything it uses is ready
};

bool progress_shown(const Options& options) { return g_progress_allowed && !options.quiet; }

// Reads the inputs with `read` (model::load or model::load_batched), with a
// progress display while it runs, and notes --offset names no input has.
template <typename Read>
auto read_inputs(const Options& options, std::vector<std::string> required_text, model::LoadProgress& progress,
                 Read&& read) {
  model::LoadOptions load_options;
  load_options.required_text = std::move(required_text);
  load_options.align_clocks = options.align_clocks;
  for (const auto& text : options.offsets) {
    if (auto parsed = parse_offset(text)) load_options.clock_offsets[parsed->first] = parsed->second;
  }
  std::optional<ProgressDisplay> display;
  if (progress_shown(options)) {
    load_options.progress = &progress;
    display.emplace(progress);
  }
  auto loaded = read(io::open_inputs(options.inputs), load_options);
  display.reset();
  return std::pair{std::move(loaded), std::move(load_options.clock_offsets)};
}

void note_unused_offsets(const std::map<std::string, std::int64_t>& offsets, model::Trace& trace) {
  for (const auto& offset : offsets) {
    const std::string& source = offset.first;
    const std::int64_t micros = offset.second;
    bool used = std::any_of(trace.inputs.begin(), trace.inputs.end(), [&](const model::InputInfo& input) {
      return input.clock_offset_micros == micros &&
             (input.name == source || input.name.ends_with("/" + source));
    });
    if (!used) trace.notes.push_back("--offset " + source + ": no input has that name; give it as on the command line or its file name");
  }
}

model::Trace& load(const Options& options, std::vector<std::string> required_text = {}) {
  model::LoadProgress progress;
  auto [trace, offsets] = read_inputs(options, std::move(required_text), progress,
                                      [](io::OpenedInputs opened, const model::LoadOptions& o) {
                                        return model::load(std::move(opened), o);
                                      });
  note_unused_offsets(offsets, trace);
  g_loaded->trace = std::make_unique<model::Trace>(std::move(trace));
  return *g_loaded->trace;
}

model::BatchedTrace& load_batched(const Options& options, model::LoadProgress& progress) {
  auto [batched, offsets] = read_inputs(options, {}, progress, [](io::OpenedInputs opened, const model::LoadOptions& o) {
    return model::load_batched(std::move(opened), o);
  });
  note_unused_offsets(offsets, batched.shared);
  g_loaded->batched = std::make_unique<model::BatchedTrace>(std::move(batched));
  return *g_loaded->batched;
}

// Calls built at a time. A batch's messages are spread over the input as far
// as its calls last, so smaller batches hold fewer of its pages; 512 calls
// (about 3,000 messages) still keep both cores busy: on 1 GB, 1,024 took as
// long with 10 MB more.
constexpr std::size_t kCallsPerBatch = 512;

// Every call of `batched` built a batch at a time, each batch given to `use`
// with the numbers of its calls. The progress line counts the calls built,
// unless the output goes to the terminal it would be drawn on.
void build_every_call(model::BatchedTrace& batched, model::LoadProgress& progress, const Options& options,
                      bool output_to_terminal,
                      const std::function<void(const model::Trace&, const std::vector<std::uint32_t>&)>& use) {
  std::optional<ProgressDisplay> display;
  if (progress_shown(options) && !output_to_terminal) display.emplace(progress);
  std::vector<std::uint32_t> calls;
  batched.for_each_batch(
      kCallsPerBatch,
      [&](const model::Trace& batch) {
        calls.resize(batch.calls.size());
        std::iota(calls.begin(), calls.end(), 0u);
        use(batch, calls);
      },
      0, display ? &progress : nullptr);
}

// Problems with the inputs and their clocks, once every call is built.
int report_problems_and_clocks(const model::BatchedTrace& batched, const Options& options, std::ostream& err) {
  int status = report_problems(batched.shared, options, err);
  report_clocks(batched.shared, batched.linked_messages(), options, err);
  return status;
}

// The exit status of `calls` once its calls are written: finding none is
// told (in JSON, the summary line says it) and means nothing matched.
int calls_status(std::uint64_t calls, int status, const Options& options, std::ostream& err) {
  if (calls > 0) return status;
  if (!options.json) err << "sipsleuth: no calls found in the inputs\n";
  return nothing_matched(status);
}

int run_calls(const Options& options, std::ostream& out, std::ostream& err) {
  if (options.align_clocks || options.in_memory) {
    model::Trace& trace = load(options);
    int status = report_problems_and_clocks(trace, options, err);
    if (options.json) {
      render::write_calls_json(out, trace);
    } else {
      render::Style style = render::detect_style(options.no_color, options.show_secrets);
      if (!trace.calls.empty()) render::write_calls_table(out, trace, style);
    }
    return calls_status(trace.calls.size(), status, options, err);
  }
  // Every call in bounded memory. Problems with the messages are known once
  // every call is built (each message is checked then), as are the clock
  // offsets: a table is written after them, JSON lines before.
  model::LoadProgress progress;
  model::BatchedTrace& batched = load_batched(options, progress);
  int status = kDone;
  render::CallsTable table;
  model::Trace::Counts counts{batched.call_count(), batched.message_count(), 0};
  {
    // A table is written once the progress line is gone, so it is shown with
    // one; JSON lines going to the terminal it would be drawn on are not.
    WriteBehind behind(out);
    std::ostream written_behind(&behind);
    build_every_call(batched, progress, options, options.json && isatty(STDOUT_FILENO),
                     [&](const model::Trace& batch, const std::vector<std::uint32_t>&) {
                       if (options.json)
                         render::write_call_lines(written_behind, batch);
                       else
                         table.add(batch);
                     });
    status = report_problems(batched.shared, options, err);
    counts.linked_messages = batched.linked_messages();
    if (options.json) {
      render::write_summary_line(written_behind, batched.shared, counts);
    } else if (counts.calls > 0) {
      table.write(written_behind, render::detect_style(options.no_color, options.show_secrets));
    }
  }
  report_clocks(batched.shared, counts.linked_messages, options, err);
  return calls_status(counts.calls, status, options, err);
}

// Commands about calls named by Call-ID read only the records that hold one
// of those IDs (a fast scan of a multi-gigabyte input instead of building
// every call). Not with --align-clocks: the clock estimates need every
// message that several inputs saw.
// Nothing to scan for when a call is picked another way (--conversation, or
// none named).
std::vector<std::string> scan_for(const Options& options, const std::vector<std::string>& call_ids) {
  if (options.align_clocks || !options.conversation.empty() || call_ids.empty()) return {};
  for (const auto& id : call_ids) {
    if (id.empty()) return {};
  }
  return call_ids;
}

int run_show(const Options& options, std::ostream& out, std::ostream& err) {
  model::Trace& trace = load(options, scan_for(options, {options.call}));
  int status = report_problems_and_clocks(trace, options, err);
  auto id = find_one_call(trace, options.call, err);
  if (!id) return nothing_matched(status);
  const model::Call& call = trace.calls[*id];
  if (options.json) {
    render::write_show_json(out, trace, call, options.show_secrets, options.raw);
  } else {
    render::write_show(out, trace, call, render::detect_style(options.no_color, options.show_secrets), options.raw);
  }
  return status;
}

int run_diagnose(const Options& options, std::ostream& out, std::ostream& err) {
  const render::Style style = render::detect_style(options.no_color, options.show_secrets);
  if (options.call.empty() && !options.align_clocks && !options.in_memory) {
    // Every call, in bounded memory as `calls` builds them; problems with
    // the input are known once every call is built.
    model::LoadProgress progress;
    model::BatchedTrace& batched = load_batched(options, progress);
    {
      WriteBehind behind(out);
      std::ostream written_behind(&behind);
      render::DiagnoseWriter writer(written_behind, style, options.json);
      build_every_call(
          batched, progress, options, isatty(STDOUT_FILENO),
          [&](const model::Trace& batch, const std::vector<std::uint32_t>& calls) { writer.add(batch, calls); });
      if (batched.call_count() > 0) writer.finish();
    }
    int status = report_problems_and_clocks(batched, options, err);
    if (batched.call_count() == 0) {
      err << "sipsleuth: no calls found in the inputs\n";
      return nothing_matched(status);
    }
    return status;
  }
  model::Trace& trace = load(options, scan_for(options, {options.call}));
  int status = report_problems_and_clocks(trace, options, err);
  std::vector<std::uint32_t> calls;
  if (!options.call.empty()) {
    auto id = find_one_call(trace, options.call, err);
    if (!id) return nothing_matched(status);
    calls.assign(1, *id);
  } else {
    for (const auto& call : trace.calls) calls.push_back(call.id);
  }
  if (calls.empty()) {
    err << "sipsleuth: no calls found in the inputs\n";
    return nothing_matched(status);
  }
  if (options.json) {
    render::write_diagnose_json(out, trace, calls);
  } else {
    render::write_diagnose(out, trace, calls, style);
  }
  return status;
}

// The calls that --call (repeatable) and --conversation name; all calls when
// neither is given and `all_by_default`.
std::optional<std::vector<std::uint32_t>> select_calls(const model::Trace& trace, const Options& options,
                                                       bool all_by_default, std::ostream& err) {
  std::vector<std::uint32_t> selected;
  for (const auto& prefix : options.calls) {
    auto id = find_one_call(trace, prefix, err);
    if (!id) return std::nullopt;
    if (std::find(selected.begin(), selected.end(), *id) == selected.end()) selected.push_back(*id);
  }
  if (!options.conversation.empty()) {
    std::size_t before = selected.size();
    for (const auto& call : trace.calls) {
      if (call.conversation_id.empty() || !call.conversation_id.starts_with(options.conversation)) continue;
      if (std::find(selected.begin(), selected.end(), call.id) == selected.end()) selected.push_back(call.id);
    }
    if (selected.size() == before) {
      err << "sipsleuth: no call has an Ms-Conversation-ID starting with \"" << render::printable(options.conversation)
          << "\"\n";
      return std::nullopt;
    }
  }
  if (selected.empty()) {
    if (all_by_default || trace.calls.size() == 1) {
      for (const auto& call : trace.calls) selected.push_back(call.id);
    } else if (!trace.calls.empty()) {
      err << "sipsleuth: the inputs hold " << trace.calls.size()
          << " calls; pick one with --call CALL-ID (see 'sipsleuth calls') or --conversation ID\n";
      return std::nullopt;
    }
  }
  if (selected.empty()) {
    err << "sipsleuth: no calls found in the inputs\n";
    return std::nullopt;
  }
  std::sort(selected.begin(), selected.end());  // calls are numbered in time order
  return selected;
}

// Writes to -o FILE, or to `out` when no file (or "-") is given.
int with_output(const Options& options, std::ostream& out, std::ostream& err,
                const std::function<void(std::ostream&)>& write) {
  if (options.output.empty() || options.output == "-") {
    write(out);
    return kDone;
  }
  std::ofstream file(options.output, std::ios::binary);
  if (!file) {
    err << "sipsleuth: cannot write " << options.output << ": " << std::strerror(errno) << '\n';
    return kInputError;
  }
  write(file);
  file.close();
  if (!file) {
    err << "sipsleuth: writing " << options.output << " failed: " << std::strerror(errno) << '\n';
    return kInputError;
  }
  return kDone;
}

render::LadderColumns ladder_columns(const Options& options) {
  return options.by == "endpoint" ? render::LadderColumns::endpoint : render::LadderColumns::address;
}

int run_flow(const Options& options, std::ostream& out, std::ostream& err) {
  model::Trace& trace = load(options, scan_for(options, options.calls));
  int status = report_problems_and_clocks(trace, options, err);
  auto calls = select_calls(trace, options, false, err);
  if (!calls) return nothing_matched(status);
  render::Ladder ladder = render::layout_ladder(trace, *calls, render::LadderOptions{ladder_columns(options), !options.raw});
  int written = with_output(options, out, err, [&](std::ostream& sink) {
    if (options.format == "svg") {
      render::write_ladder_svg(sink, trace, ladder);
    } else if (options.format == "mermaid") {
      render::write_ladder_mermaid(sink, trace, ladder);
    } else {
      bool to_terminal = options.output.empty() || options.output == "-";
      render::Style style = to_terminal ? render::detect_style(options.no_color, options.show_secrets)
                                        : render::Style{false, options.show_secrets};
      render::TextLadderOptions text;
      text.unicode = options.unicode || (!options.ascii && render::locale_is_utf8());
      text.width = options.width ? options.width : (to_terminal ? render::terminal_width() : 0);
      text.show_messages = options.show_messages;
      std::size_t needed = render::write_ladder_text(sink, trace, ladder, style, text);
      if (text.width && needed > text.width && !options.quiet) {
        err << "sipsleuth: note: the ladder needs " << needed << " columns and the terminal has " << text.width
            << "; pipe it to 'less -S' to scroll sideways\n";
      }
    }
  });
  return written == kDone ? status : written;
}

// A report holds every message of its calls, about 10 kB a call (the 24 MB
// generated client log's 4,804 calls made 47 MB; 209,467 calls of a 1 GB log
// made 2 GB): past this many calls, a page of hundreds of megabytes.
constexpr std::size_t kCallsInALargeReport = 20000;

// Says, before the wait, that a report of `calls` calls will be a very large page.
void warn_of_large_report(std::size_t calls, const Options& options, std::ostream& err) {
  if (calls <= kCallsInALargeReport || options.quiet) return;
  err << "sipsleuth: note: the report will hold " << calls << " calls, about " << calls / 100
      << " MB: a browser may not open it; --call or --conversation picks calls (see 'sipsleuth calls')\n";
}

int run_report(const Options& options, std::ostream& out, std::ostream& err) {
  render::ReportOptions report{ladder_columns(options), options.show_secrets};
  if (options.calls.empty() && options.conversation.empty() && !options.align_clocks && !options.in_memory) {
    // Every call, in bounded memory as `calls` builds them; problems with
    // the input are known once every call is built.
    model::LoadProgress progress;
    model::BatchedTrace& batched = load_batched(options, progress);
    const std::size_t count = batched.call_count();
    bool to_terminal = (options.output.empty() || options.output == "-") && isatty(STDOUT_FILENO);
    int written = kDone;
    bool built = false;
    if (count > 0) {
      warn_of_large_report(count, options, err);
      written = with_output(options, out, err, [&](std::ostream& sink) {
        render::ReportWriter writer(sink, batched.shared, count, report);
        build_every_call(
            batched, progress, options, to_terminal,
            [&](const model::Trace& batch, const std::vector<std::uint32_t>& calls) { writer.add(batch, calls); });
        writer.finish();
        built = true;
      });
    }
    // The findings about messages come with building (no call, or no file to write).
    if (!built) batched.for_each_batch(kCallsPerBatch, [](const model::Trace&) {});
    int status = report_problems_and_clocks(batched, options, err);
    if (count == 0) {
      err << "sipsleuth: no calls found in the inputs\n";
      return nothing_matched(status);
    }
    if (written == kDone && !options.quiet && !options.output.empty() && options.output != "-") {
      err << "sipsleuth: wrote " << options.output << " (" << count << " call" << (count == 1 ? "" : "s") << ")\n";
    }
    return written == kDone ? status : written;
  }
  model::Trace& trace = load(options, scan_for(options, options.calls));
  int status = report_problems_and_clocks(trace, options, err);
  auto calls = select_calls(trace, options, true, err);
  if (!calls) return nothing_matched(status);
  warn_of_large_report(calls->size(), options, err);
  int written = with_output(options, out, err,
                            [&](std::ostream& sink) { render::write_report_html(sink, trace, *calls, report); });
  if (written == kDone && !options.quiet && !options.output.empty() && options.output != "-") {
    err << "sipsleuth: wrote " << options.output << " (" << calls->size() << " call" << (calls->size() == 1 ? "" : "s")
        << ")\n";
  }
  return written == kDone ? status : written;
}

// search -o: the matching calls in their original formats; FILE itself when
// there is one format, else FILE's stem plus "-client.uccapilog" and so on.
int write_original(const model::Trace& trace, const std::vector<std::uint32_t>& calls, const Options& options,
                   std::ostream& err) {
  std::vector<std::string> errors;
  std::vector<render::OriginalFile> files = render::original_files(trace, calls, errors);
  for (const auto& e : errors) err << "sipsleuth: error: " << render::printable(e) << '\n';
  if (files.empty()) return errors.empty() ? kDone : kInputError;
  std::string stem = options.output;
  if (auto dot = stem.rfind('.'); dot != std::string::npos && stem.find('/', dot) == std::string::npos) stem.resize(dot);
  int status = errors.empty() ? kDone : kInputError;
  for (const auto& file : files) {
    std::string path = files.size() == 1 ? options.output : stem + "-" + file.kind + file.extension;
    Options one = options;
    one.output = path;
    int written = with_output(one, err, err, [&](std::ostream& sink) { sink.write(file.data.data(), static_cast<std::streamsize>(file.data.size())); });
    if (written != kDone) status = written;
    else if (!options.quiet) err << "sipsleuth: wrote " << path << '\n';
  }
  return status;
}

int run_search(Options& options, std::ostream& out, std::ostream& err) {
  analysis::SearchCriteria& criteria = options.search;
  for (auto [text, bound] : {std::pair{&options.since, &criteria.since}, std::pair{&options.until, &criteria.until}}) {
    if (text->empty()) continue;
    *bound = analysis::parse_search_time(*text);
    if (!*bound) {
      err << "sipsleuth: \"" << render::printable(*text)
          << "\" is not a time; write it as 2024-03-05 14:00, 2024-03-05T14:00:00.250 or with a zone: 2024-03-05T14:00Z, "
             "2024-03-05T15:00+01:00\n";
      return kInputError;
    }
  }
  if (criteria.criteria_count() == 0 && criteria.hosts.empty() && !criteria.since && !criteria.until) {
    err << "sipsleuth: search needs at least one criterion, e.g. --call-id, --uri, --phone, --ip, --contains "
           "(see 'sipsleuth search --help')\n";
    return kInputError;
  }
  analysis::CallSearch search(criteria);
  if (!search.error().empty()) {
    err << "sipsleuth: " << render::printable(search.error()) << '\n';
    return kInputError;
  }
  model::Trace& trace = load(options, search.required_text());
  int status = report_problems_and_clocks(trace, options, err);
  std::vector<std::uint32_t> matched = search.matching_calls(trace);
  if (!options.output.empty()) {
    int written = write_original(trace, matched, options, err);
    if (written != kDone) return written;
  } else if (options.json) {
    render::write_calls_json(out, trace, &matched);
  } else if (!matched.empty()) {
    render::write_calls_table(out, trace, render::detect_style(options.no_color, options.show_secrets), &matched);
  }
  if (matched.empty()) {
    if (!options.json) err << "sipsleuth: no call matches\n";
    return nothing_matched(status);
  }
  return status;
}

int run_decode(const Options& options, std::ostream& out, std::ostream& err) {
  const std::string& kind = options.decode_kind;
  const std::string& value = options.decode_value;
  if (kind == "ms-diagnostics" || kind == "ms-diagnostics-public") {
    auto decoded = analysis::decode_ms_diagnostic(value);
    if (!decoded.parsed.code && decoded.parsed.fields.empty()) {
      err << "sipsleuth: \"" << render::printable(value) << "\" is not an ms-diagnostics value (e.g. 13004;reason=\"...\")\n";
      return kInputError;
    }
    render::write_decoded(out, decoded, kind);
  } else if (kind == "ms-client-diagnostics") {
    auto decoded = analysis::decode_ms_client_diagnostic(value);
    if (!decoded.parsed.code) {
      err << "sipsleuth: \"" << render::printable(value) << "\" does not start with a code (e.g. 51007;reason=\"...\")\n";
      return kInputError;
    }
    render::write_decoded(out, decoded);
  } else if (kind == "icewarn") {
    auto flags = analysis::parse_flags_value(value);
    if (!flags) {
      err << "sipsleuth: \"" << render::printable(value) << "\" is not a number (give it as 0x40003a0 or in decimal)\n";
      return kInputError;
    }
    render::write_decoded(out, analysis::decode_ice_warnings(options.qoe ? analysis::IceFlagTable::qoe_ice_warning_flags
                                                                         : analysis::IceFlagTable::client_icewarn,
                                                             *flags));
  } else if (kind == "reason") {
    render::write_decoded(out, analysis::decode_reason(value));
  } else if (kind == "warning") {
    render::write_decoded(out, analysis::decode_warning(value));
  } else {
    err << "sipsleuth: cannot decode \"" << render::printable(kind)
        << "\"; choose ms-diagnostics, ms-diagnostics-public, ms-client-diagnostics, icewarn, reason or warning\n";
    return kInputError;
  }
  return kDone;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, Ending ending) {
  LoadedTrace loaded;
  loaded.leave_to_exit = ending == Ending::process_exits;
  g_progress_allowed = ending == Ending::process_exits && isatty(STDERR_FILENO);
  g_loaded = &loaded;
  CLI::App app{kDescription, "sipsleuth"};
  app.set_version_flag("--version", "sipsleuth 0.1.0");
  app.require_subcommand(1);
  Options options;
  auto add_offset = [&](CLI::App* sub) {
    sub->add_option("--offset", options.offsets,
                    "SOURCE=SECONDS: add SECONDS (e.g. -3600 or +1.5) to every time read from input SOURCE (its name "
                    "or file name), to line up a log in local time with a capture in UTC; repeatable")
        ->allow_extra_args(false)  // one value per --option, so inputs that follow stay inputs
        ->check([](const std::string& value) {
          return parse_offset(value) ? std::string()
                                     : std::string("--offset wants SOURCE=SECONDS, e.g. edge.pcap=-3600");
        });
    sub->add_flag("--align-clocks", options.align_clocks,
                  "move each input's times by the clock offset estimated from messages seen in several inputs, so "
                  "one call reads in order across client, server and capture");
  };
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("inputs", options.inputs, "trace files, directories, or - for stdin")->required();
    sub->add_flag("--json", options.json, "write JSON (see docs/json.md) instead of text");
    sub->add_flag("--no-color", options.no_color, "never colour the output (NO_COLOR=1 does the same)");
    sub->add_flag("--show-secrets", options.show_secrets,
                  "print credentials and SRTP keys as they are in the trace instead of [masked]");
    sub->add_flag("-q,--quiet", options.quiet, "print only errors on stderr, not warnings about the input");
    add_offset(sub);
  };
  CLI::App* calls = app.add_subcommand("calls", "list every call: when, what, who called whom, how it ended");
  add_common(calls);
  // `calls`, `diagnose` and `report` of every call build the calls a batch at
  // a time in bounded memory; this (hidden) reads as the other commands do.
  // The output is the same: tests compare the two.
  auto add_in_memory = [&](CLI::App* sub) {
    sub->add_flag("--in-memory", options.in_memory, "build every call at once, holding every message in memory")
        ->group("");
  };
  add_in_memory(calls);
  CLI::App* show = app.add_subcommand("show", "print every message of one call in time order, with its full text");
  add_common(show);
  show->add_option("-c,--call", options.call, "the Call-ID, or enough of its beginning to be unique")->required();
  show->add_flag("--raw", options.raw,
                 "show every observation of a message (each log and capture that saw it) instead of one entry per message");

  CLI::App* diagnose = app.add_subcommand(
      "diagnose", "explain every call: outcome, routing, forks, diagnostics, server records, each with its evidence");
  add_common(diagnose);
  diagnose->add_option("-c,--call", options.call, "only this call (a unique beginning of its Call-ID)");
  add_in_memory(diagnose);
  auto add_call_selection = [&](CLI::App* sub) {
    sub->add_option("-c,--call", options.calls, "a call to draw (a unique beginning of its Call-ID); repeat for several")
        ->allow_extra_args(false);  // one value per --call, so inputs that follow stay inputs
    sub->add_option("--conversation", options.conversation,
                    "every call whose Ms-Conversation-ID starts with this (IM, audio and sharing of one conversation)");
    sub->add_option("--by", options.by,
                    "columns: 'address' (one per host the logs and captures saw) or 'endpoint' (one per SIP device: "
                    "tag, epid, user agent; shows which MPOP device answered)")
        ->check(CLI::IsMember({"address", "endpoint"}));
  };
  CLI::App* flow = app.add_subcommand("flow", "draw a call as a ladder diagram: in the terminal, as SVG or as Mermaid");
  flow->add_option("inputs", options.inputs, "trace files, directories, or - for stdin")->required();
  add_call_selection(flow);
  flow->add_option("-f,--format", options.format, "text (default), svg (a standalone SVG) or mermaid (a sequenceDiagram)")
      ->check(CLI::IsMember({"text", "svg", "mermaid"}));
  flow->add_option("-o,--output", options.output, "write to this file instead of stdout");
  flow->add_flag("--ascii", options.ascii, "draw with ASCII characters only (the default when the locale is not UTF-8)");
  flow->add_flag("--unicode", options.unicode, "draw with Unicode box characters even when the locale is not UTF-8")
      ->excludes("--ascii");
  flow->add_flag("--raw", options.raw, "one arrow per observation (each log and capture that saw a message), not per message");
  flow->add_option("--width", options.width, "fit the ladder into this many columns (default: the terminal's width)");
  flow->add_flag("--show-messages", options.show_messages, "print each message's text under its arrow");
  flow->add_flag("--no-color", options.no_color, "never colour the output (NO_COLOR=1 does the same)");
  flow->add_flag("--show-secrets", options.show_secrets, "with --show-messages: print credentials and keys unmasked");
  flow->add_flag("-q,--quiet", options.quiet, "print only errors on stderr, not warnings about the input");
  add_offset(flow);

  CLI::App* report = app.add_subcommand(
      "report", "write one self-contained HTML file: the call list with verdicts, a ladder per call, every message");
  report->add_option("inputs", options.inputs, "trace files, directories, or - for stdin")->required();
  report->add_option("-o,--output", options.output, "the HTML file to write ('-' for stdout)")->required();
  add_call_selection(report);
  report->add_flag("--show-secrets", options.show_secrets, "put credentials and SRTP keys in the report unmasked");
  add_in_memory(report);
  report->add_flag("-q,--quiet", options.quiet, "print only errors on stderr, not warnings about the input");
  add_offset(report);

  CLI::App* search = app.add_subcommand(
      "search", "find whole calls by Call-ID, URI, phone number, IP, text and more, across any number of logs and "
                "captures (like Search-CsClsLogging)");
  search->add_option("inputs", options.inputs, "trace files, directories, or - for stdin")->required();
  auto criterion = [&](const char* name, std::vector<std::string>& values, const char* help) {
    search->add_option(name, values, help)->allow_extra_args(false)->group("Criteria (each repeatable)");
  };
  auto& sc = options.search;
  criterion("--call-id", sc.call_ids, "the Call-ID, or its beginning");
  criterion("--conversation-id", sc.conversation_ids, "Ms-Conversation-ID: every call of one conversation");
  criterion("--conference-id", sc.conference_ids, "a meeting: its focus URI or conference key");
  criterion("--uri", sc.uris,
            "a SIP URI (sip: optional) in From, To, Request-URI, Contact, P-Asserted-Identity or Referred-By; "
            "compared without case and parameters; a bare domain matches any user there");
  criterion("--phone", sc.phones,
            "a phone number in tel: and user=phone URIs, P-Asserted-Identity, and the dialed and translated numbers "
            "of ms-diagnostics; '+', spaces, dashes and brackets are normalised (+1 (425) 555-0100)");
  criterion("--ip", sc.ips, "an IPv4/IPv6 address: either end of a message, its Vias, Contact, SDP and candidates");
  criterion("--contains", sc.contains, "text anywhere in a message or server record, in any case");
  criterion("--regex", sc.regexes, "a regular expression (RE2 syntax, safe on any input) over messages and records");
  criterion("--correlation-id", sc.correlation_ids, "a server Trace-Correlation-Id");
  criterion("--component", sc.components, "a server record's component (SIPStack, OutboundRouting...)");
  criterion("--level", sc.levels, "a server record's level: error, warning, info, verbose");
  criterion("--status", sc.statuses, "a response status: 486, or a class: 4xx");
  criterion("--method", sc.methods, "a request method: INVITE, BYE, REFER...");
  criterion("--outcome", sc.outcomes, "the call's verdict: answered, busy, failed, media-failed...");
  search->add_flag("--match-all", sc.match_all, "a call must match every criterion");
  search->add_flag("--match-any", options.match_any, "a call must match one criterion (the default)")->excludes("--match-all");
  search->add_option("--host", sc.hosts, "filter: only calls seen in an input or by a server whose name contains this")
      ->allow_extra_args(false)
      ->group("Filters (always applied)");
  search->add_option("--since", options.since, "filter: calls with a message at or after this time (2024-03-05 14:00[Z|+01:00])")
      ->group("Filters (always applied)");
  search->add_option("--until", options.until, "filter: calls with a message at or before this time")
      ->group("Filters (always applied)");
  search->add_flag("--json", options.json, "write JSON Lines of the matching calls, as 'calls --json'");
  search->add_option("-o,--output", options.output,
                     "write the matching calls' messages to FILE in their original format (client log, server log, "
                     "pcap, SIP text); one file per format when the inputs mix them");
  search->add_flag("--no-color", options.no_color, "never colour the output (NO_COLOR=1 does the same)");
  search->add_flag("-q,--quiet", options.quiet, "print only errors on stderr, not warnings about the input");
  add_offset(search);

  CLI::App* decode = app.add_subcommand(
      "decode", "explain a diagnostic value pasted from anywhere: ms-diagnostics, ms-client-diagnostics, icewarn, reason, warning");
  decode->add_option("kind", options.decode_kind,
                     "ms-diagnostics | ms-diagnostics-public | ms-client-diagnostics | icewarn | reason | warning")
      ->required();
  decode->add_option("value", options.decode_value, "the header value, or the ICEWarn number (0x... or decimal)")
      ->required();
  decode->add_flag("--qoe", options.qoe, "icewarn: decode a QoE report's IceWarningFlags instead of a client ICEWarn");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kDone;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kDone;
  } catch (const CLI::CallForVersion&) {
    out << "sipsleuth 0.1.0\n";
    return kDone;
  } catch (const CLI::ParseError& e) {
    err << "sipsleuth: " << e.what() << "\nRun 'sipsleuth --help' for usage.\n";
    return kInputError;
  }
  if (calls->parsed()) return run_calls(options, out, err);
  if (show->parsed()) return run_show(options, out, err);
  if (decode->parsed()) return run_decode(options, out, err);
  if (diagnose->parsed()) return run_diagnose(options, out, err);
  if (flow->parsed()) return run_flow(options, out, err);
  if (report->parsed()) return run_report(options, out, err);
  if (search->parsed()) return run_search(options, out, err);
  return kInputError;
}

}  // namespace sipsleuth::cli
