#include <fmt/format.h>

#include "analysis/diagnose.hpp"
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

Json evidence_json(const model::Trace& trace, const analysis::CallFinding& f) {
  Json evidence = Json::array();
  for (std::uint32_t id : f.messages) {
    const auto& m = trace.messages[id];
    evidence.push_back({{"kind", "message"},
                        {"source_file", trace.inputs[m.input].name},
                        {"line", m.record.location.line ? Json(m.record.location.line) : Json(nullptr)},
                        {"packet", m.record.location.packet ? Json(m.record.location.packet) : Json(nullptr)},
                        {"offset", m.record.location.offset},
                        {"summary", message_label(m)}});
  }
  for (std::uint32_t id : f.events) {
    const auto& e = trace.events[id];
    evidence.push_back({{"kind", "log_event"},
                        {"source_file", trace.inputs[e.input].name},
                        {"line", e.event.location.line},
                        {"packet", nullptr},
                        {"offset", e.event.location.offset},
                        {"summary", fmt::format("{}({})", e.event.level, e.event.flag)}});
  }
  return evidence;
}

}  // namespace

void write_diagnose(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls,
                    const Style& style) {
  bool first = true;
  for (std::uint32_t call_id : calls) {
    const model::Call& call = trace.calls[call_id];
    analysis::Verdict verdict = analysis::judge(trace, call);
    if (!first) out << '\n';
    first = false;
    out << style.bold(fmt::format("Call {}  {}  {} -> {}  {}", printable(call.call_id), call.kind.empty() ? "?" : call.kind,
                                  call.from_uri.empty() ? "?" : printable(call.from_uri),
                                  call.to_uri.empty() ? "?" : printable(call.to_uri),
                                  analysis::outcome_name(verdict.outcome)))
        << '\n';
    for (const auto& f : analysis::diagnose(trace, call, verdict)) {
      out << "  " << severity_label(style, f.severity) << ' ' << f.code << '\n';
      out << "    " << printable(sip::mask_secrets(f.message)) << '\n';
      std::string evidence;
      for (std::uint32_t id : f.messages) {
        const auto& m = trace.messages[id];
        evidence += fmt::format("{}{} ({})", evidence.empty() ? "" : ", ", location_text(trace, m.input, m.record.location),
                                printable(message_label(m)));
      }
      for (std::uint32_t id : f.events) {
        const auto& e = trace.events[id];
        evidence += fmt::format("{}{} ({}({}))", evidence.empty() ? "" : ", ",
                                location_text(trace, e.input, e.event.location), e.event.level, e.event.flag);
      }
      if (!evidence.empty()) out << "    " << style.dim("evidence: " + evidence) << '\n';
    }
  }
}

void write_diagnose_json(std::ostream& out, const model::Trace& trace, const std::vector<std::uint32_t>& calls) {
  std::map<std::string, std::uint64_t> by_severity;
  for (std::uint32_t call_id : calls) {
    const model::Call& call = trace.calls[call_id];
    analysis::Verdict verdict = analysis::judge(trace, call);
    for (const auto& f : analysis::diagnose(trace, call, verdict)) {
      std::string severity(formats::severity_name(f.severity));
      ++by_severity[severity];
      Json j;
      j["type"] = "finding";
      j["call_id"] = std::string(call.call_id);
      j["outcome"] = std::string(analysis::outcome_name(verdict.outcome));
      j["code"] = f.code;
      j["severity"] = severity;
      j["message"] = sip::mask_secrets(f.message);
      j["evidence"] = evidence_json(trace, f);
      out << json_line(j) << '\n';
    }
  }
  Json summary;
  summary["type"] = "summary";
  summary["calls"] = calls.size();
  Json counts = Json::object();
  for (const auto& [severity, n] : by_severity) counts[severity] = n;
  summary["findings"] = std::move(counts);
  out << json_line(summary) << '\n';
}

}  // namespace sipsleuth::render
