// ms-diagnostics, ms-diagnostics-public and ms-client-diagnostics headers:
//   13004;reason="Request was proxied to one or more registered endpoints";source="fe.example";appName="InboundRouting"
// and the MediaDebug fields inside ms-client-diagnostics:
//   CalleeMediaDebug="audio:ICEWarn=0x0,LocalSite=10.0.0.1:50034,LocalMR=1.1.1.1:50704,..."
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace sipsleuth::sip {

struct DiagnosticField {
  std::string_view key;
  std::string_view value;  // unquoted
};

struct Diagnostic {
  std::optional<unsigned> code;
  std::string_view reason;
  std::vector<DiagnosticField> fields;  // every key=value after the code, reason included
  std::optional<std::string_view> field(std::string_view key) const;
};

Diagnostic parse_diagnostic(std::string_view value);

struct MediaDebug {
  std::string_view media;                 // "audio", "application-sharing", ...
  std::vector<DiagnosticField> fields;    // ICEWarn, LocalSite, LocalMR, ...
  std::optional<std::string_view> field(std::string_view key) const;
};

// Splits a CallerMediaDebug/CalleeMediaDebug value; several media may be
// separated by spaces ("audio:...,... video:...").
std::vector<MediaDebug> parse_media_debug(std::string_view value);

}  // namespace sipsleuth::sip
