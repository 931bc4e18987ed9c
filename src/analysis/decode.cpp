#include "analysis/decode.hpp"

#include "sip/text.hpp"

namespace sipsleuth::analysis {

DecodedDiagnostic decode_ms_diagnostic(std::string_view value) {
  DecodedDiagnostic d;
  d.parsed = sip::parse_diagnostic(value);
  if (d.parsed.code) {
    d.known = ms_diagnostic_info(*d.parsed.code);
    d.component = ms_diagnostic_component(*d.parsed.code);
  }
  d.reason_from_wire = !d.parsed.reason.empty();
  d.reason = d.reason_from_wire ? d.parsed.reason : (d.known.empty() ? std::string_view{} : d.known.front()->reason);
  d.source = d.parsed.field("source").value_or(std::string_view{});
  d.app_name = d.parsed.field("appName").value_or(std::string_view{});
  return d;
}

std::optional<std::uint32_t> parse_flags_value(std::string_view text) {
  auto value = sip::parse_number(text);
  if (!value || *value > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

DecodedIceWarn decode_ice_warnings(IceFlagTable table, std::uint32_t value) {
  DecodedIceWarn d;
  d.table = table;
  d.value = value;
  d.flags = ice_flags(table, value, &d.unknown_bits);
  return d;
}

DecodedClientDiagnostic decode_ms_client_diagnostic(std::string_view value) {
  DecodedClientDiagnostic d;
  d.parsed = sip::parse_diagnostic(value);
  if (d.parsed.code) d.known = ms_client_diagnostic_info(*d.parsed.code);
  d.reason = !d.parsed.reason.empty() ? d.parsed.reason : (d.known ? d.known->reason : std::string_view{});
  for (std::string_view side : {std::string_view("CallerMediaDebug"), std::string_view("CalleeMediaDebug")}) {
    auto field = d.parsed.field(side);
    if (!field) continue;
    for (auto& media : sip::parse_media_debug(*field)) {
      DecodedMediaDebug md{side, media, std::nullopt};
      if (auto ice = media.field("ICEWarn")) {
        if (auto v = parse_flags_value(*ice)) md.ice = decode_ice_warnings(IceFlagTable::client_icewarn, *v);
      }
      d.media.push_back(std::move(md));
    }
  }
  // Lync 2013 and later also write the same fields flat, each quoted:
  // 51007;reason="...";UserType="Callee";MediaType="audio";ICEWarn="0x0";LocalMR="1.2.3.4:5"...
  if (d.media.empty() && (d.parsed.field("LocalMR") || d.parsed.field("ICEWarn"))) {
    DecodedMediaDebug md;
    md.side = sip::iequals(d.parsed.field("UserType").value_or(""), "Caller") ? "CallerMediaDebug" : "CalleeMediaDebug";
    md.media.media = d.parsed.field("MediaType").value_or("media");
    for (const auto& f : d.parsed.fields) {
      if (sip::iequals(f.key, "reason") || sip::iequals(f.key, "UserType") || sip::iequals(f.key, "MediaType")) continue;
      md.media.fields.push_back(f);
    }
    if (auto ice = md.media.field("ICEWarn")) {
      if (auto v = parse_flags_value(*ice)) md.ice = decode_ice_warnings(IceFlagTable::client_icewarn, *v);
    }
    d.media.push_back(std::move(md));
  }
  return d;
}

namespace {

// Decodes each comma-separated item of a header value with `decode_item`.
template <typename T, typename F>
std::vector<T> decode_list(std::string_view value, F decode_item) {
  std::vector<T> out;
  sip::ListCursor list(value);
  std::string_view item;
  while (list.next(item)) out.push_back(decode_item(item));
  return out;
}

}  // namespace

std::vector<DecodedReason> decode_reason(std::string_view value) {
  return decode_list<DecodedReason>(value, [](std::string_view item) {
    DecodedReason r;
    std::size_t semi = item.find(';');
    r.protocol = sip::trim(item.substr(0, semi));
    std::string_view params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi);
    if (auto cause = sip::find_param(params, "cause")) {
      if (auto n = sip::parse_uint(sip::trim(*cause)); n && *n < 100000) r.cause = static_cast<unsigned>(*n);
    }
    r.text = sip::find_param(params, "text").value_or(std::string_view{});
    if (r.cause && sip::iequals(r.protocol, "Q.850")) r.meaning = q850_cause(*r.cause);
    return r;
  });
}

std::vector<DecodedWarning> decode_warning(std::string_view value) {
  return decode_list<DecodedWarning>(value, [](std::string_view item) {
    DecodedWarning w;
    std::string_view rest = item;
    if (auto n = sip::parse_uint(sip::pop_word(rest)); n && *n < 1000) w.code = static_cast<unsigned>(*n);
    w.agent = sip::pop_word(rest);
    w.text = sip::unquote(rest);
    return w;
  });
}

}  // namespace sipsleuth::analysis
