#include <set>

#include "analysis/verdict.hpp"
#include "formats/reader.hpp"
#include "render/renderers.hpp"

namespace sipsleuth::render {
namespace {

Json optional_text(std::string_view s) { return s.empty() ? Json(nullptr) : Json(std::string(s)); }
Json optional_time(const formats::Timestamp& t) { return t.valid ? Json(model::format_iso8601(t)) : Json(nullptr); }

std::string_view role_name(model::Role role) { return role == model::Role::caller ? "caller" : "callee"; }

}  // namespace

std::string json_line(const Json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json call_json(const model::Trace& trace, const model::Call& call) {
  Json j;
  j["type"] = "call";
  j["call_id"] = std::string(call.call_id);
  j["kind"] = call.kind;
  j["first_method"] = optional_text(call.first_method);
  j["from_uri"] = optional_text(call.from_uri);
  j["to_uri"] = optional_text(call.to_uri);
  j["from_display"] = optional_text(call.from_display);
  j["to_display"] = optional_text(call.to_display);
  j["start"] = optional_time(call.start);
  j["end"] = optional_time(call.end);
  j["duration_ms"] = (call.start.valid && call.end.valid) ? Json((call.end.micros - call.start.micros) / 1000) : Json(nullptr);
  j["messages"] = call.messages.size();
  j["retransmissions"] = call.retransmissions;
  analysis::Verdict verdict = analysis::judge(trace, call);
  auto optional_ms = [](const std::optional<std::int64_t>& ms) { return ms ? Json(*ms) : Json(nullptr); };
  j["outcome"] = std::string(analysis::outcome_name(verdict.outcome));
  j["final_status"] = call.final_status ? Json(*call.final_status) : Json(nullptr);
  j["final_reason"] = call.final_status ? optional_text(call.final_reason) : Json(nullptr);
  j["answered_by"] = verdict.answered_by_epid.empty() && verdict.answered_by_user_agent.empty()
                        ? Json(nullptr)
                        : Json({{"epid", optional_text(verdict.answered_by_epid)},
                                {"user_agent", optional_text(verdict.answered_by_user_agent)}});
  j["ended_by"] = verdict.ended_by ? Json(std::string(role_name(*verdict.ended_by))) : Json(nullptr);
  j["end_diagnostic"] = optional_text(verdict.end_diagnostic);
  j["timings_ms"] = {{"to_first_provisional", optional_ms(verdict.to_first_provisional_ms)},
                     {"to_answer", optional_ms(verdict.to_answer_ms)},
                     {"ring", optional_ms(verdict.ring_ms)},
                     {"talk", optional_ms(verdict.talk_ms)}};
  j["auth_rounds"] = verdict.auth_rounds;
  j["forks"] = call.forks.size();
  Json forks = Json::array();
  for (const auto& f : call.forks) {
    forks.push_back({{"to_tag", optional_text(f.to_tag)},
                     {"epid", optional_text(f.epid)},
                     {"user_agent", optional_text(f.user_agent)},
                     {"contact", optional_text(f.contact)},
                     {"status", f.best_status},
                     {"failure_status", f.failure_status ? Json(f.failure_status) : Json(nullptr)},
                     {"completed_elsewhere", f.completed_elsewhere}});
  }
  j["fork_endpoints"] = std::move(forks);
  Json endpoints = Json::array();
  for (const auto& e : call.endpoints) {
    endpoints.push_back({{"role", role_name(e.role)},
                         {"epid", optional_text(e.epid)},
                         {"user_agent", optional_text(e.user_agent)},
                         {"tag", optional_text(e.tag)},
                         {"contact", optional_text(e.contact)}});
  }
  j["endpoints"] = std::move(endpoints);
  j["conversation_id"] = optional_text(call.conversation_id);
  j["transactions"] = call.transactions.size();
  j["log_events"] = call.events.size();
  std::set<std::uint32_t> inputs(call.inputs.begin(), call.inputs.end());
  for (std::uint32_t e : call.events) inputs.insert(trace.events[e].input);
  Json sources = Json::array();
  for (std::uint32_t i : inputs) sources.push_back(trace.inputs[i].name);
  j["sources"] = std::move(sources);
  return j;
}

Json summary_json(const model::Trace& trace) {
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
  j["calls"] = trace.calls.size();
  j["messages_read"] = trace.messages.size();
  j["messages_without_call_id"] = trace.messages_without_call_id;
  Json findings = Json::object();
  for (const auto& [code, count] : trace.findings_by_code()) findings[code] = count;
  j["findings"] = std::move(findings);
  Json errors = Json::array();
  for (const auto& e : trace.errors) errors.push_back({{"input", e.name}, {"error", e.message}});
  j["errors"] = std::move(errors);
  j["linked_messages"] = trace.hop_events.size();
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

void write_calls_json(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>* only) {
  if (only) {
    for (std::uint32_t id : *only) out << json_line(call_json(trace, trace.calls[id])) << '\n';
  } else {
    for (const auto& call : trace.calls) out << json_line(call_json(trace, call)) << '\n';
  }
  Json summary = summary_json(trace);
  if (only) summary["matched_calls"] = only->size();
  out << json_line(summary) << '\n';
}

}  // namespace sipsleuth::render
