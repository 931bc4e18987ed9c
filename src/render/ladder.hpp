// Ladder (sequence) diagrams of one or more calls. layout_ladder() is pure: it
// turns the call model into participants (columns) and rows (one per message)
// with every label and marker decided, so the terminal, SVG, Mermaid and HTML
// writers only place and escape what it gives them.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/trace.hpp"
#include "render/style.hpp"

namespace sipsleuth::render {

enum class LadderColumns : std::uint8_t {
  address,   // one column per host (what each log or capture saw)
  endpoint,  // one column per SIP endpoint: From/To tag, epid and user agent
};

struct LadderParticipant {
  std::string key;       // what identifies it: "200.1.1.20", "tag:0fae8454e3"
  std::string title;     // first header line: address, or user@domain
  std::string subtitle;  // second header line: observer, epid and user agent; may be empty
  bool answered = false; // endpoint columns: the device that answered the call
};

enum class ArrowClass : std::uint8_t { request, provisional, success, failure };

struct LadderRow {
  std::uint32_t message = model::kNoId;
  std::uint32_t call = model::kNoId;
  std::size_t from = 0;  // participant indices; equal when both ends are one column
  std::size_t to = 0;
  formats::Timestamp time;
  std::optional<std::int64_t> delta_micros;  // since the previous row with a time
  std::string label;                         // "INVITE", "183 Session Progress"
  std::string cseq;                          // "1 INVITE"
  ArrowClass arrow = ArrowClass::request;
  bool retransmission = false;
  bool has_sdp = false;
  std::uint32_t fork = 0;         // 1-based early dialog when the call forked, else 0
  bool answering_fork = false;    // the 2xx of the device that took the call
  std::string diagnostic;         // "ms-diagnostics 13004", "ms-client-diagnostics 51007"
  std::vector<std::size_t> hops;  // columns the message passed between `from` and `to` (merged observations)
  std::uint32_t observations = 0; // points that saw this message, when merged
  // The markers above as one short note ("1 INVITE · SDP · fork 2/3 · retransmission").
  std::string notes;
};

struct Ladder {
  std::vector<std::uint32_t> calls;
  std::vector<LadderParticipant> participants;
  std::vector<LadderRow> rows;  // in time order
  std::string date;             // "2010-01-05" of the first row, when known
};

struct LadderOptions {
  LadderColumns columns = LadderColumns::address;
  // One row per message seen at several points (client, servers, captures),
  // drawn along its hops; false draws every observation.
  bool merge_hops = true;
};

Ladder layout_ladder(const model::Trace& trace, const std::vector<std::uint32_t>& calls, const LadderOptions& options);

// "14:00:47.889" and "+0.122s" for the gutter of every writer.
std::string ladder_clock(const formats::Timestamp& t);
std::string ladder_delta(const std::optional<std::int64_t>& micros);

struct TextLadderOptions {
  bool unicode = true;
  std::size_t width = 0;  // 0: as wide as the labels need
  bool show_messages = false;
};

// Returns the width the ladder needed, which is more than options.width when
// it could not be squeezed (the caller may suggest a pager).
std::size_t write_ladder_text(std::ostream& out, const model::Trace& trace, const Ladder& ladder, const Style& style,
                              const TextLadderOptions& options);
// `with_style` false leaves out the <style> element, for pages that hold many
// ladders and carry ladder_svg_style() once.
void write_ladder_svg(std::ostream& out, const model::Trace& trace, const Ladder& ladder, bool with_style = true);
std::string_view ladder_svg_style();  // the CSS rules, without the <style> element
void write_ladder_mermaid(std::ostream& out, const model::Trace& trace, const Ladder& ladder);

// Text made safe inside XML/HTML text and attribute values: markup characters
// become entities, and characters XML cannot carry (controls, invalid UTF-8)
// are shown as printable() shows them.
std::string xml_escape(std::string_view text);

struct ReportOptions {
  LadderColumns columns = LadderColumns::address;
  bool show_secrets = false;
};

// One self-contained HTML file: the call list with verdicts, a ladder per call
// drawn when it is opened, and every message's text behind its arrow.
void write_report_html(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                       const ReportOptions& options);

// The same file, its calls given a batch at a time: the page up to them is
// written when it is made (`inputs` names the trace's inputs, `calls` counts
// every call to come), the rest by finish().
class ReportWriter {
 public:
  ReportWriter(std::ostream& out, const model::Trace& inputs, std::size_t calls, const ReportOptions& options);
  void add(const model::Trace& trace, const std::vector<std::uint32_t>& calls);
  void finish();

 private:
  std::ostream& out_;
  ReportOptions options_;
  std::string nonce_;
  bool first_ = true;
};

}  // namespace sipsleuth::render
