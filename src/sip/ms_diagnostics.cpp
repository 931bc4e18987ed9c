#include "sip/ms_diagnostics.hpp"

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
  value = trim(value);
  std::size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && (is_space(value[pos]) || value[pos] == '\r' || value[pos] == '\n')) ++pos;
    std::size_t colon = value.find(':', pos);
    if (colon == std::string_view::npos) break;
    MediaDebug media;
    media.media = trim(value.substr(pos, colon - pos));
    std::size_t i = colon + 1;
    // Fields run until a space that starts the next "media:" block.
    while (i < value.size()) {
      while (i < value.size() && (value[i] == ',' || value[i] == '\r' || value[i] == '\n' || is_space(value[i]))) {
        // A space followed by "word:" (no '=' before ':') starts the next media.
        if (is_space(value[i])) {
          std::size_t j = i;
          while (j < value.size() && is_space(value[j])) ++j;
          std::size_t next_colon = value.find(':', j);
          std::size_t next_eq = value.find('=', j);
          if (next_colon != std::string_view::npos && (next_eq == std::string_view::npos || next_colon < next_eq) &&
              value.substr(j, next_colon - j).find(',') == std::string_view::npos) {
            i = j;
            goto next_media;
          }
        }
        ++i;
      }
      {
        std::size_t key_begin = i;
        while (i < value.size() && value[i] != '=' && value[i] != ',') ++i;
        std::string_view key = trim(value.substr(key_begin, i - key_begin));
        std::string_view field_value;
        if (i < value.size() && value[i] == '=') {
          std::size_t begin = ++i;
          while (i < value.size() && value[i] != ',' && !is_space(value[i])) ++i;
          field_value = value.substr(begin, i - begin);
        }
        if (!key.empty()) media.fields.push_back({key, field_value});
      }
    }
  next_media:
    result.push_back(media);
    pos = i;
  }
  return result;
}

}  // namespace sipsleuth::sip
