#include <fmt/format.h>

#include "render/decoded.hpp"

namespace sipsleuth::render {
namespace {

void write_fields(std::ostream& out, const sip::Diagnostic& d, std::initializer_list<std::string_view> skip) {
  for (const auto& f : d.fields) {
    bool skipped = false;
    for (auto s : skip) skipped = skipped || sip::iequals(f.key, s);
    if (!skipped) out << fmt::format("  {}: {}\n", printable(f.key), printable(f.value));
  }
}

}  // namespace

void write_decoded(std::ostream& out, const analysis::DecodedDiagnostic& d, std::string_view header_name) {
  std::string code = d.parsed.code ? std::to_string(*d.parsed.code) : std::string("(no code)");
  out << fmt::format("{} {}: {}\n", header_name, code, d.reason.empty() ? "(no reason given)" : printable(d.reason));
  if (d.component) out << fmt::format("  component: {}\n", *d.component);
  if (d.known.empty()) {
    out << "  not in sipsleuth's code table; the reason above is the one on the wire\n";
  }
  for (const auto* row : d.known) {
    out << fmt::format("  documented: {}", row->reason);
    if (!row->component.empty() || !row->release.empty()) out << fmt::format(" ({}; {})", row->component, row->release);
    out << '\n';
    if (!row->notes.empty()) out << fmt::format("    {}\n", row->notes);
  }
  write_fields(out, d.parsed, {"reason"});
}

void write_decoded(std::ostream& out, const analysis::DecodedIceWarn& d) {
  bool client = d.table == analysis::IceFlagTable::client_icewarn;
  out << fmt::format("{} 0x{:08x}\n", client ? "client ICEWarn" : "QoE IceWarningFlags", d.value);
  for (const auto* flag : d.flags) {
    out << fmt::format("  0x{:08x}  {}\n", flag->bit, flag->meaning);
    if (!flag->action.empty()) out << fmt::format("              {}\n", flag->action);
  }
  if (d.unknown_bits) out << fmt::format("  0x{:08x}  bits not documented in this table\n", d.unknown_bits);
  if (client) out << "(ICEWarn from ms-client-diagnostics; use --qoe for the IceWarningFlags of QoE reports)\n";
  else out << "(IceWarningFlags from a QoE report; without --qoe the client ICEWarn table is used)\n";
}

void write_decoded(std::ostream& out, const analysis::DecodedClientDiagnostic& d) {
  std::string code = d.parsed.code ? std::to_string(*d.parsed.code) : std::string("(no code)");
  out << fmt::format("ms-client-diagnostics {}: {}{}\n", code, d.reason.empty() ? "(no reason given)" : printable(d.reason),
                     d.is_error() ? "  [error: the client reports a failure]" : "");
  if (d.known && !d.known->context.empty()) out << fmt::format("  documented: {}\n", d.known->context);
  if (d.media.empty() || d.parsed.field("CallerMediaDebug") || d.parsed.field("CalleeMediaDebug")) {
    write_fields(out, d.parsed, {"reason", "CallerMediaDebug", "CalleeMediaDebug"});
  }
  for (const auto& media : d.media) {
    out << fmt::format("  {} {}:\n", media.side, printable(media.media.media));
    for (const auto& f : media.media.fields) out << fmt::format("    {}: {}\n", printable(f.key), printable(f.value));
    if (media.ice) {
      for (const auto* flag : media.ice->flags) out << fmt::format("      ICEWarn 0x{:x}: {}\n", flag->bit, flag->meaning);
      if (media.ice->unknown_bits) out << fmt::format("      ICEWarn 0x{:x}: not documented\n", media.ice->unknown_bits);
    }
  }
}

void write_decoded(std::ostream& out, const std::vector<analysis::DecodedReason>& reasons) {
  for (const auto& r : reasons) {
    out << fmt::format("Reason {} cause {}", printable(r.protocol), r.cause ? std::to_string(*r.cause) : std::string("?"));
    if (r.meaning) out << fmt::format(": {}", *r.meaning);
    out << '\n';
    if (!r.text.empty()) out << fmt::format("  text: {}\n", printable(r.text));
  }
}

void write_decoded(std::ostream& out, const std::vector<analysis::DecodedWarning>& warnings) {
  for (const auto& w : warnings) {
    out << fmt::format("Warning {} from {}: {}\n", w.code ? std::to_string(*w.code) : std::string("?"),
                       printable(w.agent), printable(w.text));
  }
}

}  // namespace sipsleuth::render
