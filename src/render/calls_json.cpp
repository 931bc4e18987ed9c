#include <algorithm>
#include <vector>

#include "analysis/verdict.hpp"
#include "base/parallel.hpp"
#include "formats/reader.hpp"
#include "render/json_writer.hpp"
#include "render/renderers.hpp"

namespace sipsleuth::render {
namespace {

std::string_view role_name(model::Role role) { return role == model::Role::caller ? "caller" : "callee"; }

}  // namespace

std::string json_line(const Json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One key and its value a line: the fields read as the schema does.
// clang-format off
void write_call_fields(JsonWriter& w, const model::Trace& trace, const model::Call& call) {
  auto time = [&](const formats::Timestamp& t) { t.valid ? w.string(model::iso8601_text(t).view()) : w.null(); };
  auto optional_ms = [&](const std::optional<std::int64_t>& ms) { ms ? w.number(*ms) : w.null(); };
  auto count = [&](std::size_t n) { w.number(static_cast<std::uint64_t>(n)); };
  w.key("type"); w.string("call");
  w.key("call_id"); w.string(call.call_id);
  w.key("kind"); w.string(call.kind);
  w.key("first_method"); w.optional_string(call.first_method);
  w.key("from_uri"); w.optional_string(call.from_uri);
  w.key("to_uri"); w.optional_string(call.to_uri);
  w.key("from_display"); w.optional_string(call.from_display);
  w.key("to_display"); w.optional_string(call.to_display);
  w.key("start"); time(call.start);
  w.key("end"); time(call.end);
  w.key("duration_ms");
  (call.start.valid && call.end.valid) ? w.number((call.end.micros - call.start.micros) / 1000) : w.null();
  w.key("messages"); count(call.messages.size());
  w.key("retransmissions"); count(call.retransmissions);
  analysis::Verdict verdict = analysis::judge(trace, call);
  w.key("outcome"); w.string(analysis::outcome_name(verdict.outcome));
  w.key("final_status"); call.final_status ? w.number(std::int64_t{*call.final_status}) : w.null();
  w.key("final_reason"); call.final_status ? w.optional_string(call.final_reason) : w.null();
  w.key("answered_by");
  if (verdict.answered_by_epid.empty() && verdict.answered_by_user_agent.empty()) {
    w.null();
  } else {
    w.begin_object();
    w.key("epid"); w.optional_string(verdict.answered_by_epid);
    w.key("user_agent"); w.optional_string(verdict.answered_by_user_agent);
    w.end_object();
  }
  w.key("ended_by"); verdict.ended_by ? w.string(role_name(*verdict.ended_by)) : w.null();
  w.key("end_diagnostic"); w.optional_string(verdict.end_diagnostic);
  w.key("timings_ms");
  w.begin_object();
  w.key("to_first_provisional"); optional_ms(verdict.to_first_provisional_ms);
  w.key("to_answer"); optional_ms(verdict.to_answer_ms);
  w.key("ring"); optional_ms(verdict.ring_ms);
  w.key("talk"); optional_ms(verdict.talk_ms);
  w.end_object();
  w.key("auth_rounds"); count(verdict.auth_rounds);
  w.key("forks"); count(call.forks.size());
  w.key("fork_endpoints");
  w.begin_array();
  for (const auto& f : call.forks) {
    w.begin_object();
    w.key("to_tag"); w.optional_string(f.to_tag);
    w.key("epid"); w.optional_string(f.epid);
    w.key("user_agent"); w.optional_string(f.user_agent);
    w.key("contact"); w.optional_string(f.contact);
    w.key("status"); w.number(std::int64_t{f.best_status});
    w.key("failure_status"); f.failure_status ? w.number(std::int64_t{f.failure_status}) : w.null();
    w.key("completed_elsewhere"); w.boolean(f.completed_elsewhere);
    w.end_object();
  }
  w.end_array();
  w.key("endpoints");
  w.begin_array();
  for (const auto& e : call.endpoints) {
    w.begin_object();
    w.key("role"); w.string(role_name(e.role));
    w.key("epid"); w.optional_string(e.epid);
    w.key("user_agent"); w.optional_string(e.user_agent);
    w.key("tag"); w.optional_string(e.tag);
    w.key("contact"); w.optional_string(e.contact);
    w.end_object();
  }
  w.end_array();
  w.key("conversation_id"); w.optional_string(call.conversation_id);
  w.key("transactions"); count(call.transactions.size());
  w.key("log_events"); count(call.events.size());
  w.key("sources");
  w.begin_array();
  if (call.events.empty()) {  // call.inputs is sorted and unique already
    for (std::uint32_t i : call.inputs) w.string(trace.inputs[i].name);
  } else {
    std::vector<std::uint32_t> inputs = call.inputs;
    for (std::uint32_t e : call.events) inputs.push_back(trace.events[e].input);
    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    for (std::uint32_t i : inputs) w.string(trace.inputs[i].name);
  }
  w.end_array();
}
// clang-format on

Json summary_json(const model::Trace& trace) { return summary_json(trace, trace.counts()); }

Json summary_json(const model::Trace& trace, const model::Trace::Counts& counts) {
  Json j;
  j["type"] = "summary";
  Json inputs = Json::array();
  for (const auto& input : trace.inputs) {
    inputs.push_back({{"name", input.name},
                      {"format", std::string(formats::format_name(input.format))},
                      {"messages", input.messages},
                      {"log_events", input.events}});
  }
  j["inputs"] = std::move(inputs);
  j["calls"] = counts.calls;
  j["messages_read"] = counts.messages;
  j["messages_without_call_id"] = trace.messages_without_call_id;
  Json findings = Json::object();
  for (const auto& [code, count] : trace.findings_by_code()) findings[code] = count;
  j["findings"] = std::move(findings);
  Json errors = Json::array();
  for (const auto& e : trace.errors) errors.push_back({{"input", e.name}, {"error", e.message}});
  j["errors"] = std::move(errors);
  j["linked_messages"] = counts.linked_messages;
  Json clocks = Json::array();
  for (const auto& c : trace.clocks) {
    clocks.push_back({{"input", trace.inputs[c.input].name},
                      {"reference", trace.inputs[c.reference].name},
                      {"offset_seconds", static_cast<double>(c.offset_micros) / 1e6},
                      {"links", c.links},
                      {"consistent", c.consistent},
                      {"applied", trace.clocks_aligned}});
  }
  j["clock_offsets"] = std::move(clocks);
  return j;
}

void write_call_lines(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>* only) {
  const std::size_t count = only ? only->size() : trace.calls.size();
  // Calls differ in length: small chunks of them keep both cores busy to the
  // end of a batch (`calls` renders 512 at a time). Each chunk's lines are
  // written into one text, which goes out with one write of tens of kilobytes.
  constexpr std::size_t kCallsPerChunk = 16;
  constexpr std::size_t kUsualLineBytes = 2048;  // room for most chunks at once, not grown a doubling at a time
  constexpr std::size_t kChunksAtOnce = 64;      // rendered before any is written: about 2 MB
  const std::size_t chunks = (count + kCallsPerChunk - 1) / kCallsPerChunk;
  base::make_in_order(
      chunks, kChunksAtOnce, 1,
      [&](std::size_t chunk) {
        JsonWriter lines(kCallsPerChunk * kUsualLineBytes);
        for (std::size_t i = chunk * kCallsPerChunk; i < std::min(count, (chunk + 1) * kCallsPerChunk); ++i) {
          lines.begin_object();
          write_call_fields(lines, trace, trace.calls[only ? (*only)[i] : i]);
          lines.end_object();
          lines.line_break();
        }
        return lines;
      },
      [&](std::size_t, const JsonWriter& lines) {
        out.write(lines.text().data(), static_cast<std::streamsize>(lines.text().size()));
      });
}

void write_summary_line(std::ostream& out, const model::Trace& trace, const model::Trace::Counts& counts) {
  out << json_line(summary_json(trace, counts)) << '\n';
}

void write_calls_json(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>* only) {
  write_call_lines(out, trace, only);
  Json summary = summary_json(trace);
  if (only) summary["matched_calls"] = only->size();
  out << json_line(summary) << '\n';
}

}  // namespace sipsleuth::render
