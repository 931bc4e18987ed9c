// Code tables compiled from data/*.tsv: ms-diagnostics codes and ranges,
// ms-client-diagnostics codes, ICE warning flags (client ICEWarn and QoE
// IceWarningFlags are separate tables), and Q.850 causes. All views have
// static storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sipsleuth::analysis {

struct DiagnosticCodeInfo {
  unsigned code = 0;
  std::string_view reason;
  std::string_view header;     // "ms-diagnostics", or the Teams response-code family
  std::string_view component;
  std::string_view release;
  std::string_view notes;
  std::string_view source;
};

// Every row for `code` (some codes have several wordings or products).
std::vector<const DiagnosticCodeInfo*> ms_diagnostic_info(unsigned code);
// The server component whose range holds `code` ("VoIP – outbound call routing").
std::optional<std::string_view> ms_diagnostic_component(unsigned code);

struct ClientDiagnosticInfo {
  unsigned code = 0;
  std::string_view reason;
  std::string_view context;
};
const ClientDiagnosticInfo* ms_client_diagnostic_info(unsigned code);

enum class IceFlagTable { client_icewarn, qoe_ice_warning_flags };

struct IceFlag {
  std::uint32_t bit = 0;
  std::string_view meaning;
  std::string_view action;
  std::string_view ortc_name;
};
// The documented flags set in `value`; bits no table row names are returned in `unknown_bits`.
std::vector<const IceFlag*> ice_flags(IceFlagTable table, std::uint32_t value, std::uint32_t* unknown_bits);

std::optional<std::string_view> q850_cause(unsigned cause);

// Sizes, for tests that compare with shared/research.
std::size_t ms_diagnostic_rows();
std::size_t ice_flag_rows(IceFlagTable table);

}  // namespace sipsleuth::analysis
