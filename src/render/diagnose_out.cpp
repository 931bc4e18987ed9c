#include <fmt/format.h>

#include "analysis/diagnose.hpp"
#include "base/parallel.hpp"
#include "render/json_writer.hpp"
#include "render/renderers.hpp"
#include "sip/secrets.hpp"

namespace sipsleuth::render {
namespace {

std::string message_label(const model::Message& m) {
  if (m.sip.is_request()) return std::string(m.sip.method());
  return fmt::format("{} {}", m.sip.status(), m.sip.reason());
}

std::string severity_label(const Style& style, formats::Severity s) {
  switch (s) {
    case formats::Severity::error: return style.paint("[error]", "1;31");
    case formats::Severity::warning: return style.paint("[warning]", "33");
    case formats::Severity::info: break;
  }
  return style.paint("[info]", "36");
}

// A finding's evidence: the messages and server records it rests on.
void write_evidence(JsonWriter& w, const model::Trace& trace, const analysis::CallFinding& f) {
  auto number_or_null = [&](std::uint32_t n) { n ? w.number(std::uint64_t{n}) : w.null(); };
  w.begin_array();
  for (std::uint32_t id : f.messages) {
    const auto& m = trace.messages[id];
    w.begin_object();
    w.key("kind");
    w.string("message");
    w.key("source_file");
    w.string(trace.inputs[m.input].name);
    w.key("line");
    number_or_null(m.record.location.line);
    w.key("packet");
    number_or_null(m.record.location.packet);
    w.key("offset");
    w.number(std::uint64_t{m.record.location.offset});
    w.key("summary");
    w.string(message_label(m));
    w.end_object();
  }
  for (std::uint32_t id : f.events) {
    const auto& e = trace.events[id];
    w.begin_object();
    w.key("kind");
    w.string("log_event");
    w.key("source_file");
    w.string(trace.inputs[e.input].name);
    w.key("line");
    w.number(std::uint64_t{e.event.location.line});
    w.key("packet");
    w.null();
    w.key("offset");
    w.number(std::uint64_t{e.event.location.offset});
    w.key("summary");
    w.string(fmt::format("{}({})", e.event.level, e.event.flag));
    w.end_object();
  }
  w.end_array();
}

// One call's part of the output, made on any core.
struct CallDiagnosis {
  std::string text;
  std::map<std::string, std::uint64_t> by_severity;  // JSON: its findings of each severity
};

CallDiagnosis diagnose_call(const model::Trace& trace, const model::Call& call,
                            const analysis::MessageFindingsByCall& message_findings, const Style& style, bool json) {
  CallDiagnosis out;
  analysis::Verdict verdict = analysis::judge(trace, call);
  auto findings = analysis::diagnose(trace, call, verdict, message_findings.of(call.id));
  if (json) {
    JsonWriter w;
    for (const auto& f : findings) {
      std::string_view severity = formats::severity_name(f.severity);
      ++out.by_severity[std::string(severity)];
      w.begin_object();
      w.key("type");
      w.string("finding");
      w.key("call_id");
      w.string(call.call_id);
      w.key("outcome");
      w.string(analysis::outcome_name(verdict.outcome));
      w.key("code");
      w.string(f.code);
      w.key("severity");
      w.string(severity);
      w.key("message");
      w.string(sip::mask_secrets(f.message));
      w.key("evidence");
      write_evidence(w, trace, f);
      w.end_object();
      w.line_break();
    }
    out.text = w.take();
    return out;
  }
  out.text = style.bold(
      fmt::format("Call {}  {}  {} -> {}  {}", printable(call.call_id), call.kind.empty() ? "?" : call.kind,
                  call.from_uri.empty() ? "?" : printable(call.from_uri),
                  call.to_uri.empty() ? "?" : printable(call.to_uri), analysis::outcome_name(verdict.outcome)));
  out.text += '\n';
  for (const auto& f : findings) {
    out.text += fmt::format("  {} {}\n    {}\n", severity_label(style, f.severity), f.code,
                            printable(sip::mask_secrets(f.message)));
    std::string evidence;
    for (std::uint32_t id : f.messages) {
      const auto& m = trace.messages[id];
      evidence += fmt::format("{}{} ({})", evidence.empty() ? "" : ", ",
                              location_text(trace, m.input, m.record.location), printable(message_label(m)));
    }
    for (std::uint32_t id : f.events) {
      const auto& e = trace.events[id];
      evidence += fmt::format("{}{} ({}({}))", evidence.empty() ? "" : ", ",
                              location_text(trace, e.input, e.event.location), e.event.level, e.event.flag);
    }
    if (!evidence.empty()) out.text += "    " + style.dim("evidence: " + evidence) + '\n';
  }
  return out;
}

}  // namespace

DiagnoseWriter::DiagnoseWriter(std::ostream& out, const Style& style, bool json)
    : out_(out), style_(style), json_(json) {}

void DiagnoseWriter::add(const model::Trace& trace, const std::vector<std::uint32_t>& calls) {
  const analysis::MessageFindingsByCall message_findings(trace);
  calls_ += calls.size();
  // Each call's findings worked out and written on every core, then put out in order.
  base::make_in_order(
      calls.size(), 256, 8,
      [&](std::size_t i) { return diagnose_call(trace, trace.calls[calls[i]], message_findings, style_, json_); },
      [&](std::size_t, const CallDiagnosis& diagnosis) {
        if (!json_ && !first_) out_ << '\n';
        first_ = false;
        out_ << diagnosis.text;
        for (const auto& [severity, n] : diagnosis.by_severity) by_severity_[severity] += n;
      });
}

void DiagnoseWriter::finish() {
  if (!json_) return;
  Json summary;
  summary["type"] = "summary";
  summary["calls"] = calls_;
  Json counts = Json::object();
  for (const auto& [severity, n] : by_severity_) counts[severity] = n;
  summary["findings"] = std::move(counts);
  out_ << json_line(summary) << '\n';
}

void write_diagnose(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                    const Style& style) {
  DiagnoseWriter writer(out, style, false);
  writer.add(trace, calls);
  writer.finish();
}

void write_diagnose_json(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls) {
  DiagnoseWriter writer(out, Style{}, true);
  writer.add(trace, calls);
  writer.finish();
}

}  // namespace sipsleuth::render
