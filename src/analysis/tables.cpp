#include "analysis/tables.hpp"

#include <array>

#include "sip/text.hpp"

namespace sipsleuth::analysis {
namespace embedded {
extern const std::string_view ms_diagnostics;
extern const std::string_view ms_diagnostic_ranges;
extern const std::string_view ms_client_diagnostics;
extern const std::string_view ice_flags;
extern const std::string_view q850_causes;
}  // namespace embedded

namespace {

// Rows of a TSV after its header line, split into fields (views into `text`).
template <std::size_t N>
std::vector<std::array<std::string_view, N>> rows(std::string_view text) {
  std::vector<std::array<std::string_view, N>> out;
  sip::LineCursor lines(text);
  std::string_view line;
  bool header = true;
  while (lines.next(line)) {
    if (header) {
      header = false;
      continue;
    }
    if (sip::trim(line).empty()) continue;
    std::array<std::string_view, N> fields{};
    std::size_t pos = 0;
    for (std::size_t i = 0; i < N && pos <= line.size(); ++i) {
      std::size_t tab = line.find('\t', pos);
      fields[i] = line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos);
      if (tab == std::string_view::npos) break;
      pos = tab + 1;
    }
    out.push_back(fields);
  }
  return out;
}

struct Range {
  unsigned low, high;
  std::string_view component;
};

struct Tables {
  std::vector<DiagnosticCodeInfo> diagnostics;
  std::vector<Range> ranges;
  std::vector<ClientDiagnosticInfo> client;
  std::vector<IceFlag> client_flags, qoe_flags;
  std::vector<std::pair<unsigned, std::string_view>> q850;
};

const Tables& tables() {
  static const Tables* t = [] {
    auto* tables = new Tables();
    for (const auto& f : rows<7>(embedded::ms_diagnostics)) {
      auto code = sip::parse_number(f[0]);
      if (!code) continue;
      tables->diagnostics.push_back({static_cast<unsigned>(*code), f[1], f[2], f[3], f[4], f[5], f[6]});
    }
    for (const auto& f : rows<3>(embedded::ms_diagnostic_ranges)) {
      std::size_t dash = f[0].find('-');
      auto low = sip::parse_number(f[0].substr(0, dash));
      auto high = dash == std::string_view::npos ? low : sip::parse_number(f[0].substr(dash + 1));
      if (low && high) tables->ranges.push_back({static_cast<unsigned>(*low), static_cast<unsigned>(*high), f[1]});
    }
    for (const auto& f : rows<5>(embedded::ms_client_diagnostics)) {
      auto code = sip::parse_number(f[0]);
      if (code) tables->client.push_back({static_cast<unsigned>(*code), f[1], f[2]});
    }
    for (const auto& f : rows<6>(embedded::ice_flags)) {
      auto bit = sip::parse_number(f[1]);
      if (!bit) continue;
      IceFlag flag{static_cast<std::uint32_t>(*bit), f[2], f[3], f[4]};
      if (f[0] == "client_ICEWarn") tables->client_flags.push_back(flag);
      else tables->qoe_flags.push_back(flag);
    }
    for (const auto& f : rows<2>(embedded::q850_causes)) {
      auto cause = sip::parse_number(f[0]);
      if (cause) tables->q850.emplace_back(static_cast<unsigned>(*cause), f[1]);
    }
    return tables;
  }();
  return *t;
}

}  // namespace

std::vector<const DiagnosticCodeInfo*> ms_diagnostic_info(unsigned code) {
  std::vector<const DiagnosticCodeInfo*> found;
  for (const auto& d : tables().diagnostics) {
    if (d.code == code) found.push_back(&d);
  }
  return found;
}

std::optional<std::string_view> ms_diagnostic_component(unsigned code) {
  for (const auto& r : tables().ranges) {
    if (code >= r.low && code <= r.high) return r.component;
  }
  return std::nullopt;
}

const ClientDiagnosticInfo* ms_client_diagnostic_info(unsigned code) {
  for (const auto& c : tables().client) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

std::vector<const IceFlag*> ice_flags(IceFlagTable table, std::uint32_t value, std::uint32_t* unknown_bits) {
  const auto& flags = table == IceFlagTable::client_icewarn ? tables().client_flags : tables().qoe_flags;
  std::vector<const IceFlag*> found;
  std::uint32_t named = 0;
  for (const auto& f : flags) {
    if (f.bit == 0 ? value == 0 : (value & f.bit) == f.bit) {
      found.push_back(&f);
      named |= f.bit;
    }
  }
  if (unknown_bits) *unknown_bits = value & ~named;
  return found;
}

std::optional<std::string_view> q850_cause(unsigned cause) {
  for (const auto& [c, text] : tables().q850) {
    if (c == cause) return text;
  }
  return std::nullopt;
}

std::size_t ms_diagnostic_rows() { return tables().diagnostics.size(); }
std::size_t ice_flag_rows(IceFlagTable table) {
  return table == IceFlagTable::client_icewarn ? tables().client_flags.size() : tables().qoe_flags.size();
}

}  // namespace sipsleuth::analysis
