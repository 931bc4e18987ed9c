#include "render/style.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <string>

namespace sipsleuth::render {

std::string Style::paint(std::string_view text, std::string_view sgr) const {
  if (!color) return std::string(text);
  std::string out = "\x1b[";
  out.append(sgr);
  out.push_back('m');
  out.append(text);
  out.append("\x1b[0m");
  return out;
}

std::string Style::status(int code, std::string_view text) const {
  if (code >= 100 && code < 200) return paint(text, "33");
  if (code >= 200 && code < 300) return paint(text, "32");
  if (code >= 300 && code < 400) return paint(text, "36");
  if (code >= 400) return paint(text, "1;31");
  return std::string(text);
}

Style detect_style(bool force_no_color, bool show_secrets) {
  Style style;
  const char* no_color = std::getenv("NO_COLOR");
  style.color = !force_no_color && (no_color == nullptr || *no_color == '\0') && isatty(STDOUT_FILENO) == 1;
  style.show_secrets = show_secrets;
  return style;
}

bool locale_is_utf8() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    std::string lower;
    for (const char* c = value; *c; ++c) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(*c))));
    return lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
  }
  return false;
}

std::size_t terminal_width() {
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    unsigned long value = std::strtoul(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0 && value < 100000) return value;
  }
  return 0;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n' || c == '\t') {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out.append(buffer);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t n = (c >= 0xc2 && c <= 0xdf) ? 1 : ((c & 0xf0) == 0xe0) ? 2 : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;
    bool ok = n > 0 && i + n < text.size();
    for (std::size_t k = 1; ok && k <= n; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    // C1 control characters (U+0080..U+009F) can also drive terminals.
    if (ok && n == 1 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) ok = false;
    if (!ok) {
      out.append("\xef\xbf\xbd");
      ++i;
      continue;
    }
    out.append(text.substr(i, n + 1));
    i += n + 1;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++width;
  }
  return width;
}

std::string pad_right(std::string_view text, std::size_t width) {
  std::string out(text);
  std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string truncate_to(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xc0) != 0x80) {
      if (w + 1 == width) break;
      ++w;
    }
    out.push_back(text[i]);
  }
  out.append("\xe2\x80\xa6");
  return out;
}

}  // namespace sipsleuth::render
