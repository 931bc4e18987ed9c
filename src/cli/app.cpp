#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/input.hpp"
#include "model/trace.hpp"
#include "render/decoded.hpp"
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
  std::string decode_kind;
  std::string decode_value;
  bool qoe = false;
};

std::string_view severity_word(formats::Severity s) {
  switch (s) {
    case formats::Severity::error: return "error";
    case formats::Severity::warning: return "warning";
    case formats::Severity::info: break;
  }
  return "note";
}

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

model::Trace load(const Options& options) { return model::load(io::open_inputs(options.inputs)); }

int run_calls(const Options& options, std::ostream& out, std::ostream& err) {
  model::Trace trace = load(options);
  int status = report_problems(trace, options, err);
  if (options.json) {
    render::write_calls_json(out, trace);
  } else {
    render::Style style = render::detect_style(options.no_color, options.show_secrets);
    if (!trace.calls.empty()) render::write_calls_table(out, trace, style);
  }
  if (trace.calls.empty()) {
    if (!options.json) err << "sipsleuth: no calls found in the inputs\n";
    return status == kDone ? kNothingMatched : status;
  }
  return status;
}

int run_show(const Options& options, std::ostream& out, std::ostream& err) {
  model::Trace trace = load(options);
  int status = report_problems(trace, options, err);
  auto id = find_one_call(trace, options.call, err);
  if (!id) return status == kDone ? kNothingMatched : status;
  const model::Call& call = trace.calls[*id];
  if (options.json) {
    render::write_show_json(out, trace, call, options.show_secrets);
  } else {
    render::write_show(out, trace, call, render::detect_style(options.no_color, options.show_secrets));
  }
  return status;
}

int run_diagnose(const Options& options, std::ostream& out, std::ostream& err) {
  model::Trace trace = load(options);
  int status = report_problems(trace, options, err);
  std::vector<std::uint32_t> calls;
  if (!options.call.empty()) {
    auto id = find_one_call(trace, options.call, err);
    if (!id) return status == kDone ? kNothingMatched : status;
    calls.assign(1, *id);
  } else {
    for (const auto& call : trace.calls) calls.push_back(call.id);
  }
  if (calls.empty()) {
    err << "sipsleuth: no calls found in the inputs\n";
    return status == kDone ? kNothingMatched : status;
  }
  if (options.json) render::write_diagnose_json(out, trace, calls);
  else render::write_diagnose(out, trace, calls, render::detect_style(options.no_color, options.show_secrets));
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

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{kDescription, "sipsleuth"};
  app.set_version_flag("--version", "sipsleuth 0.1.0");
  app.require_subcommand(1);
  Options options;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("inputs", options.inputs, "trace files, directories, or - for stdin")->required();
    sub->add_flag("--json", options.json, "write JSON (see docs/json.md) instead of text");
    sub->add_flag("--no-color", options.no_color, "never colour the output (NO_COLOR=1 does the same)");
    sub->add_flag("--show-secrets", options.show_secrets,
                  "print credentials and SRTP keys as they are in the trace instead of [masked]");
    sub->add_flag("-q,--quiet", options.quiet, "print only errors on stderr, not warnings about the input");
  };
  CLI::App* calls = app.add_subcommand("calls", "list every call: when, what, who called whom, how it ended");
  add_common(calls);
  CLI::App* show = app.add_subcommand("show", "print every message of one call in time order, with its full text");
  add_common(show);
  show->add_option("-c,--call", options.call, "the Call-ID, or enough of its beginning to be unique")->required();

  CLI::App* diagnose = app.add_subcommand(
      "diagnose", "explain every call: outcome, routing, forks, diagnostics, server records, each with its evidence");
  add_common(diagnose);
  diagnose->add_option("-c,--call", options.call, "only this call (a unique beginning of its Call-ID)");
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
  return kInputError;
}

}  // namespace sipsleuth::cli
