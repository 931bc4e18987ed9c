// Renderers: turn the call model into text for people and JSON for scripts.
// They never parse trace text; they only format what the model holds.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "model/trace.hpp"
#include "render/style.hpp"

namespace sipsleuth::render {

using Json = nlohmann::ordered_json;

// One aligned row per call, in time order; `only` limits it to those calls.
void write_calls_table(std::ostream& out, const model::Trace& trace, const Style& style,
                       const std::vector<std::uint32_t>* only = nullptr);

// The same table, its rows added a batch of calls at a time and written
// once the column widths are known.
class CallsTable {
 public:
  CallsTable();
  ~CallsTable();
  void add(const model::Trace& trace, const std::vector<std::uint32_t>* only = nullptr);
  std::size_t rows() const;  // calls added
  void write(std::ostream& out, const Style& style) const;

 private:
  struct Row;
  std::vector<Row> rows_;  // the header first
};

// JSON Lines: one {"type":"call"} object per call, then one {"type":"summary"}.
// The schema is documented in docs/json.md.
// With `only`, just those calls, and the summary says how many matched.
void write_calls_json(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>* only = nullptr);
// The call objects alone (a batch of calls at a time), and the summary line
// alone, with the counts of the whole trace.
void write_call_lines(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>* only = nullptr);
void write_summary_line(std::ostream& out, const model::Trace& trace, const model::Trace::Counts& counts);
class JsonWriter;
// The members of one call object, written into an object the caller opened.
void write_call_fields(JsonWriter& w, const model::Trace& trace, const model::Call& call);
Json summary_json(const model::Trace& trace);
Json summary_json(const model::Trace& trace, const model::Trace::Counts& counts);

// Every message and log event of one call, in time order, with its full text.
// A message seen at several points is shown once, with where it was seen and
// the hosts it passed; `raw` shows every observation instead.
void write_show(std::ostream& out, const model::Trace& trace, const model::Call& call, const Style& style,
                bool raw = false);
void write_show_json(std::ostream& out, const model::Trace& trace, const model::Call& call, bool show_secrets,
                     bool raw = false);

// Per call: the verdict and the findings with their evidence (`sipsleuth diagnose`).
void write_diagnose(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                    const Style& style);
void write_diagnose_json(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls);

// The same, the calls given a batch at a time; finish() ends the output
// (JSON: the summary line, with the counts of every batch).
class DiagnoseWriter {
 public:
  DiagnoseWriter(std::ostream& out, const Style& style, bool json);
  void add(const model::Trace& trace, const std::vector<std::uint32_t>& calls);
  void finish();

 private:
  std::ostream& out_;
  Style style_;
  bool json_;
  bool first_ = true;
  std::size_t calls_ = 0;
  std::map<std::string, std::uint64_t> by_severity_;  // JSON: findings of each severity
};

// The SIP text of a message as it would appear on the wire (server-log records
// are reassembled from their Start-Line / headers / Message-Body fields), with
// secrets masked unless asked otherwise.
std::string message_text(const model::Message& message, bool show_secrets);

// "sent", "received", or "seen" (captures, pasted text).
std::string_view direction_name(formats::Direction d);

// "file:line", "file packet 12" or "file @offset"
std::string location_text(const model::Trace& trace, std::uint32_t input, const formats::Location& location);

std::string json_line(const Json& value);

// "fe2.log reads -2.500s, client.uccapilog +1h00m00.350s against fe1.log" from
// trace.clocks; empty when no input's clock could be compared with another's.
std::string clock_offsets_sentence(const model::Trace& trace);  // invalid UTF-8 replaced, never throws

}  // namespace sipsleuth::render
