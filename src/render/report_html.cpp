#include <fmt/format.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/diagnose.hpp"
#include "analysis/verdict.hpp"
#include "base/parallel.hpp"
#include "model/hops.hpp"
#include "render/ladder.hpp"
#include "render/renderers.hpp"
#include "sip/secrets.hpp"

namespace sipsleuth::render {
namespace embedded {
extern const std::string_view report_css;
extern const std::string_view report_js;
}  // namespace embedded
namespace {

std::string mask(std::string_view text, bool show_secrets) {
  return show_secrets ? std::string(text) : sip::mask_secrets(text);
}

// Data inside <script type="application/json"> ends at the first "</script";
// escaping every '<', '>' and '&' keeps a hostile trace from closing it.
void write_script_safe(std::ostream& out, std::string_view json) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char* escaped = json[i] == '<'   ? "\\u003c"
                          : json[i] == '>' ? "\\u003e"
                          : json[i] == '&' ? "\\u0026"
                                           : nullptr;
    if (!escaped) continue;
    out.write(json.data() + run, static_cast<std::streamsize>(i - run));
    out << escaped;
    run = i + 1;
  }
  out.write(json.data() + run, static_cast<std::streamsize>(json.size() - run));
}

std::string dump(const Json& value) { return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Json message_json(const model::Trace& trace, const model::Message& m, bool show_secrets) {
  Json j;
  j["time"] = m.record.time.valid ? model::format_time(m.record.time) : "";
  j["where"] = location_text(trace, m.input, m.record.location);
  std::string route;
  if (!m.record.source.empty() || !m.record.destination.empty()) {
    route = std::string(m.record.source.empty() ? "?" : m.record.source) + " → " +
            std::string(m.record.destination.empty() ? "?" : m.record.destination);
  }
  j["route"] = route;
  j["start"] = std::string(m.record.parts.start_line);
  Json headers = Json::array();
  for (std::size_t i = 0; i < m.sip.header_count(); ++i) {
    sip::Header h = m.sip.header_at(i);
    headers.push_back(Json::array({std::string(h.name), mask(h.value, show_secrets)}));
  }
  j["headers"] = std::move(headers);
  j["content_type"] = std::string(m.sip.header(sip::HeaderId::content_type));
  j["body"] = mask(m.record.parts.body, show_secrets);
  j["retransmission"] = m.retransmission_of != model::kNoId;
  Json seen = Json::array();
  if (m.hop_event != model::kNoId) {
    for (std::uint32_t id : trace.hop_events[m.hop_event].observations) {
      const auto& o = trace.messages[id];
      std::string where = location_text(trace, o.input, o.record.location);
      seen.push_back(fmt::format("{} {} at {}", o.record.time.valid ? model::format_time(o.record.time) : "-",
                                 direction_name(o.record.direction),
                                 where));
    }
    std::string path;
    for (const auto& host : model::hop_path(trace, m.id)) path += (path.empty() ? "" : " → ") + host;
    j["path"] = path;
  }
  j["seen"] = std::move(seen);
  return j;
}

// The finding a reader of the call list should see first: the most severe, the earliest among equals.
const analysis::CallFinding* headline(const std::vector<analysis::CallFinding>& findings) {
  const analysis::CallFinding* best = nullptr;
  for (const auto& f : findings) {
    if (!best || static_cast<int>(f.severity) > static_cast<int>(best->severity)) best = &f;
  }
  return best;
}

// One call of the report as JSON text, the messages behind its arrows
// included under "texts" by their row: made for many calls at once, on every core.
std::string call_entry(const model::Trace& trace, const model::Call& call,
                       const analysis::MessageFindingsByCall& message_findings, const ReportOptions& options) {
  analysis::Verdict verdict = analysis::judge(trace, call);
  auto findings = analysis::diagnose(trace, call, verdict, message_findings.of(call.id));
  Json j;
  j["call_id"] = std::string(call.call_id);
  j["start"] = call.start.valid ? model::format_time(call.start) : "";
  j["kind"] = call.kind;
  j["from"] = std::string(call.from_uri);
  j["to"] = std::string(call.to_uri);
  j["outcome"] = std::string(analysis::outcome_name(verdict.outcome));
  j["status"] = verdict.final_status ? fmt::format("{} {}", *verdict.final_status, verdict.final_reason) : "";
  j["duration"] = call.start.valid && call.end.valid ? model::format_duration(call.end.micros - call.start.micros) : "";
  j["messages"] = call.messages.size();
  j["forks"] = call.forks.size();
  j["answered_by"] = std::string(verdict.answered_by_user_agent);
  const auto* top = headline(findings);
  j["why"] = top ? top->message : "";
  j["severity"] = top ? std::string(formats::severity_name(top->severity)) : "info";
  Json list = Json::array();
  for (const auto& f : findings) {
    list.push_back({{"severity", std::string(formats::severity_name(f.severity))}, {"code", f.code}, {"message", mask(f.message, options.show_secrets)}});
  }
  j["findings"] = std::move(list);

  Ladder ladder = layout_ladder(trace, {call.id}, LadderOptions{options.columns});
  // Arrows name their messages by row, not by the trace's numbers: a call's
  // entry reads the same whether its trace holds every call or a batch.
  std::vector<std::uint32_t> shown(ladder.rows.size());
  for (std::size_t r = 0; r < ladder.rows.size(); ++r) {
    shown[r] = ladder.rows[r].message;
    ladder.rows[r].message = static_cast<std::uint32_t>(r);
  }
  std::ostringstream svg;
  write_ladder_svg(svg, trace, ladder, false);  // the page carries the ladder style once
  j["svg"] = svg.str();
  // The messages behind the arrows (merged observations are listed in them),
  // written by hand: an ordered JSON object searches every key on each insert.
  std::string json = dump(j);
  json.pop_back();  // the object's closing brace
  json += ",\"texts\":{";
  for (std::size_t r = 0; r < shown.size(); ++r) {
    json += (r ? ",\"" : "\"") + std::to_string(r) + "\":";
    json += dump(message_json(trace, trace.messages[shown[r]], options.show_secrets));
  }
  json += "}}";
  return json;
}

}  // namespace

// The report's data is one JSON object, {"inputs":[...],"calls":[...]},
// written a batch of calls at a time: a report of tens of thousands of calls
// is never held whole.
ReportWriter::ReportWriter(std::ostream& out, const model::Trace& inputs, std::size_t calls,
                           const ReportOptions& options)
    : out_(out), options_(options) {
  // A fresh nonce lets only our own script run: markup that slipped through
  // escaping could not run an inline handler or script either.
  std::random_device random;
  nonce_ = fmt::format("{:08x}{:08x}{:08x}", random(), random(), random());
  std::string title = fmt::format("sipsleuth report: {} call{}", calls, calls == 1 ? "" : "s");
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'nonce-"
      << nonce_ << "'; img-src data:\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << xml_escape(title) << "</title>\n<style>\n"
      << embedded::report_css << ladder_svg_style() << "</style>\n</head>\n<body>\n"
      << "<header><h1>" << xml_escape(title) << "</h1><p class=\"inputs\" id=\"inputs\"></p>\n"
      << "<input type=\"search\" id=\"filter\" placeholder=\"Filter: Call-ID, user, number, outcome, status…\" "
         "autocomplete=\"off\" aria-label=\"Filter calls\"> <span id=\"count\"></span></header>\n"
      << "<main>\n<table id=\"calls\"><thead><tr><th>Start</th><th>Kind</th><th>From</th><th>To</th><th>Outcome</th>"
         "<th>Status</th><th>Msgs</th><th>Forks</th><th>Duration</th><th>Why</th><th>Call-ID</th></tr></thead>"
         "<tbody></tbody></table>\n<div id=\"more\"></div>\n</main>\n"
      << "<script type=\"application/json\" id=\"sipsleuth-data\">";
  Json names = Json::array();
  for (const auto& input : inputs.inputs) names.push_back(input.name);
  out << "{\"inputs\":";
  write_script_safe(out, dump(names));
  out << ",\"calls\":[";
}

void ReportWriter::add(const model::Trace& trace, const std::vector<std::uint32_t>& calls) {
  const analysis::MessageFindingsByCall message_findings(trace);
  base::make_in_order(
      calls.size(), 512, 8,
      [&](std::size_t i) { return call_entry(trace, trace.calls[calls[i]], message_findings, options_); },
      [&](std::size_t, const std::string& entry) {
        if (!first_) out_ << ',';
        first_ = false;
        write_script_safe(out_, entry);
      });
}

void ReportWriter::finish() {
  out_ << "]}</script>\n"
       << "<script nonce=\"" << nonce_ << "\">\n"
       << embedded::report_js << "</script>\n</body>\n</html>\n";
}

void write_report_html(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                       const ReportOptions& options) {
  ReportWriter writer(out, trace, calls.size(), options);
  writer.add(trace, calls);
  writer.finish();
}

}  // namespace sipsleuth::render
