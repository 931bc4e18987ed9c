// Terminal presentation shared by the text renderers: colour on/off, safe
// printing of trace text, column widths that count characters, not bytes.
#pragma once

#include <string>
#include <string_view>

namespace sipsleuth::render {

struct Style {
  bool color = false;
  bool show_secrets = false;

  std::string paint(std::string_view text, std::string_view sgr) const;  // sgr like "1;32"
  std::string status(int code, std::string_view text) const;           // coloured by class
  std::string dim(std::string_view text) const { return paint(text, "2"); }
  std::string bold(std::string_view text) const { return paint(text, "1"); }
};

// Colour when stdout is a terminal and NO_COLOR is unset (https://no-color.org).
Style detect_style(bool force_no_color, bool show_secrets);

// True when LC_ALL, LC_CTYPE or LANG (the first one set) names UTF-8.
bool locale_is_utf8();
// Columns of the terminal on stdout; COLUMNS when stdout is not a terminal;
// 0 when neither says.
std::size_t terminal_width();

// Trace text made safe for a terminal: control characters (escape sequences a
// hostile trace could carry) become \xNN, invalid UTF-8 becomes U+FFFD; tab
// and line breaks stay; CR before LF is dropped.
std::string printable(std::string_view text);

// Display width in columns of UTF-8 text (one per code point; good enough for
// the Latin, Cyrillic and CJK-free text of SIP headers).
std::size_t display_width(std::string_view text);
std::string pad_right(std::string_view text, std::size_t width);
std::string truncate_to(std::string_view text, std::size_t width);  // ends with "…" when cut

}  // namespace sipsleuth::render
