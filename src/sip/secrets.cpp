#include "sip/secrets.hpp"

#include <array>

#include "sip/text.hpp"

namespace sipsleuth::sip {
namespace {

constexpr std::array<std::string_view, 6> kSecretParams = {"response", "rspauth", "gssapi-data", "crand",
                                                          "srand", "cnonce"};

bool boundary_before(std::string_view text, std::size_t pos) {
  if (pos == 0) return true;
  char c = text[pos - 1];
  return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '\n' || c == '\r';
}

// Finds the next secret value; returns [begin, end) of the value to mask.
bool next_secret(std::string_view text, std::size_t from, std::size_t& begin, std::size_t& end) {
  std::size_t best_begin = std::string_view::npos;
  std::size_t best_end = 0;
  auto consider = [&](std::size_t b, std::size_t e) {
    if (b < best_begin) {
      best_begin = b;
      best_end = e;
    }
  };
  for (std::string_view name : kSecretParams) {
    for (std::size_t pos = ifind(text, name, from); pos != std::string_view::npos;
         pos = ifind(text, name, pos + 1)) {
      if (pos >= best_begin) break;
      std::size_t i = pos + name.size();
      while (i < text.size() && is_space(text[i])) ++i;
      if (!boundary_before(text, pos) || i >= text.size() || text[i] != '=') continue;
      ++i;
      while (i < text.size() && is_space(text[i])) ++i;
      if (i < text.size() && text[i] == '"') {
        std::size_t close = text.find('"', i + 1);
        if (close == std::string_view::npos) close = text.size();
        consider(i + 1, close);
      } else {
        std::size_t e = i;
        while (e < text.size() && text[e] != ',' && text[e] != ';' && text[e] != '\r' && text[e] != '\n' &&
               !is_space(text[e]))
          ++e;
        consider(i, e);
      }
      break;
    }
  }
  // SRTP keys: "inline:BASE64|lifetime|mki" in a=crypto lines.
  for (std::size_t pos = ifind(text, "inline:", from); pos != std::string_view::npos;
       pos = ifind(text, "inline:", pos + 1)) {
    if (pos >= best_begin) break;
    std::size_t i = pos + 7;
    std::size_t e = i;
    while (e < text.size() && text[e] != '|' && text[e] != '\r' && text[e] != '\n' && !is_space(text[e])) ++e;
    consider(i, e);
    break;
  }
  // SDP encryption key lines (RFC 4566 §5.12): "k=base64:KEY", "k=clear:KEY".
  for (std::size_t pos = text.find("k=", from); pos != std::string_view::npos; pos = text.find("k=", pos + 1)) {
    if (pos >= best_begin) break;
    if (pos > 0 && text[pos - 1] != '\n') continue;
    std::size_t colon = text.find(':', pos);
    std::size_t eol = text.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) eol = text.size();
    if (colon == std::string_view::npos || colon > eol) continue;
    consider(colon + 1, eol);
    break;
  }
  // "Authorization: Basic dXNlcjpwYXNz"
  for (std::size_t pos = ifind(text, "Basic ", from); pos != std::string_view::npos;
       pos = ifind(text, "Basic ", pos + 1)) {
    if (pos >= best_begin) break;
    if (pos < 1 || (text[pos - 1] != ' ' && text[pos - 1] != ':')) continue;
    std::size_t line_start = text.rfind('\n', pos);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    std::string_view line_head = text.substr(line_start, pos - line_start);
    if (ifind(line_head, "authorization") == std::string_view::npos) continue;
    std::size_t i = pos + 6;
    std::size_t e = i;
    while (e < text.size() && text[e] != '\r' && text[e] != '\n' && !is_space(text[e])) ++e;
    consider(i, e);
    break;
  }
  if (best_begin == std::string_view::npos) return false;
  begin = best_begin;
  end = best_end;
  return true;
}

}  // namespace

bool contains_secrets(std::string_view text) {
  std::size_t b = 0, e = 0;
  return next_secret(text, 0, b, e);
}

std::string mask_secrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  std::size_t begin = 0, end = 0;
  while (next_secret(text, pos, begin, end)) {
    out.append(text.substr(pos, begin - pos));
    if (end > begin) out.append(kMasked);
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace sipsleuth::sip
