// Decoders for the diagnostic headers Lync / Skype for Business / Teams put
// on the wire, built on the sip parsers and the code tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analysis/tables.hpp"
#include "sip/ms_diagnostics.hpp"

namespace sipsleuth::analysis {

struct DecodedDiagnostic {
  sip::Diagnostic parsed;                        // code, reason and every key=value field
  std::vector<const DiagnosticCodeInfo*> known;  // table rows for the code
  std::optional<std::string_view> component;     // the range the code falls in
  std::string_view reason;                       // the wire's reason wins over the table's
  bool reason_from_wire = false;
  std::string_view source;                       // source="fe.contoso.com"
  std::string_view app_name;                     // appName="OutboundRouting"
};
DecodedDiagnostic decode_ms_diagnostic(std::string_view value);

struct DecodedIceWarn {
  IceFlagTable table = IceFlagTable::client_icewarn;
  std::uint32_t value = 0;
  std::vector<const IceFlag*> flags;
  std::uint32_t unknown_bits = 0;
};
DecodedIceWarn decode_ice_warnings(IceFlagTable table, std::uint32_t value);
std::optional<std::uint32_t> parse_flags_value(std::string_view text);  // "0x40003a0" or decimal

struct DecodedMediaDebug {
  std::string_view side;  // "CallerMediaDebug" or "CalleeMediaDebug"
  sip::MediaDebug media;
  std::optional<DecodedIceWarn> ice;
};

struct DecodedClientDiagnostic {
  sip::Diagnostic parsed;
  const ClientDiagnosticInfo* known = nullptr;
  std::string_view reason;
  std::vector<DecodedMediaDebug> media;
  // 52xxx codes report a failure; 51xxx are informational (hang-up, ICE result).
  bool is_error() const { return parsed.code && *parsed.code / 1000 == 52; }
};
DecodedClientDiagnostic decode_ms_client_diagnostic(std::string_view value);

struct DecodedReason {
  std::string_view protocol;  // "SIP", "Q.850"
  std::optional<unsigned> cause;
  std::string_view text;      // text="..." on the wire
  std::optional<std::string_view> meaning;  // Q.850 cause name
};
std::vector<DecodedReason> decode_reason(std::string_view value);

struct DecodedWarning {
  std::optional<unsigned> code;
  std::string_view agent;
  std::string_view text;
};
std::vector<DecodedWarning> decode_warning(std::string_view value);

}  // namespace sipsleuth::analysis
