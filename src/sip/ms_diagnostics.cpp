#include "sip/ms_diagnostics.hpp"

#include <algorithm>

#include "sip/text.hpp"

namespace sipsleuth::sip {
namespace {

std::optional<std::string_view> lookup(const std::vector<DiagnosticField>& fields, std::string_view key) {
  for (const auto& f : fields) {
    if (iequals(f.key, key)) return f.value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> Diagnostic::field(std::string_view key) const { return lookup(fields, key); }
std::optional<std::string_view> MediaDebug::field(std::string_view key) const { return lookup(fields, key); }

Diagnostic parse_diagnostic(std::string_view value) {
  Diagnostic d;
  value = trim(value);
  std::size_t i = 0;
  while (i < value.size() && is_digit(value[i])) ++i;
  if (i > 0 && i <= 9) d.code = static_cast<unsigned>(*parse_uint(value.substr(0, i)));
  // Fields are ';'-separated key=value pairs; values may be quoted and contain ';'.
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ';' || is_space(value[i]) || value[i] == '\r' || value[i] == '\n')) ++i;
    std::size_t key_begin = i;
    while (i < value.size() && value[i] != '=' && value[i] != ';') ++i;
    std::string_view key = trim(value.substr(key_begin, i - key_begin));
    std::string_view field_value;
    if (i < value.size() && value[i] == '=') {
      ++i;
      while (i < value.size() && is_space(value[i])) ++i;
      if (i < value.size() && value[i] == '"') {
        std::size_t close = value.find('"', i + 1);
        if (close == std::string_view::npos) close = value.size();
        field_value = value.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        std::size_t begin = i;
        while (i < value.size() && value[i] != ';') ++i;
        field_value = trim(value.substr(begin, i - begin));
      }
    }
    if (!key.empty()) {
      d.fields.push_back({key, field_value});
      if (iequals(key, "reason")) d.reason = field_value;
    }
  }
  return d;
}

std::vector<MediaDebug> parse_media_debug(std::string_view value) {
  std::vector<MediaDebug> result;
  auto is_break = [](char c) { return is_space(c) || c == '\r' || c == '\n'; };
  std::size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && is_break(value[pos])) ++pos;
    std::size_t end = pos;
    while (end < value.size() && !is_break(value[end])) ++end;
    std::string_view word = value.substr(pos, end - pos);
    pos = end;
    if (word.empty()) continue;
    // "audio:ICEWarn=0x0,..." opens a media block; ':' after '=' is inside a value (an address).
    std::size_t colon = word.find(':');
    std::size_t eq = word.find('=');
    if (colon != std::string_view::npos && colon < eq && word.substr(0, colon).find(',') == std::string_view::npos) {
      result.push_back({word.substr(0, colon), {}});
      word.remove_prefix(colon + 1);
    } else if (result.empty()) {
      result.push_back({});
    }
    for (std::size_t begin = 0; begin <= word.size();) {
      std::size_t comma = std::min(word.find(',', begin), word.size());
      std::string_view piece = word.substr(begin, comma - begin);
      std::size_t piece_eq = piece.find('=');
      std::string_view key = trim(piece.substr(0, piece_eq));
      if (!key.empty()) {
        result.back().fields.push_back(
            {key, piece_eq == std::string_view::npos ? std::string_view{} : piece.substr(piece_eq + 1)});
      }
      begin = comma + 1;
    }
  }
  return result;
}

}  // namespace sipsleuth::sip
