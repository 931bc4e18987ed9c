#include <fmt/format.h>

#include <algorithm>

#include "render/ladder.hpp"

namespace sipsleuth::render {
namespace {

// Pixel geometry; the font is monospace so text width is characters × kCharWidth.
constexpr int kCharWidth = 7;
constexpr int kGutter = 170;
constexpr int kMinCell = 150;
constexpr int kMaxCell = 340;
constexpr int kHeaderHeight = 58;
constexpr int kRowHeight = 34;
constexpr int kMargin = 12;
constexpr std::size_t kMaxLabelChars = 46;

// Styles by class keep each of thousands of rows short; the SVG stays standalone.
constexpr std::string_view kStyle =
    "svg.ladder text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;fill:#1f2328}\n"
    "svg.ladder .box{fill:#f6f8fa;stroke:#57606a}svg.ladder .answered .box{fill:#dafbe1}\n"
    "svg.ladder .title{font-weight:bold;text-anchor:middle}\n"
    "svg.ladder .sub{font-size:10px;fill:#57606a;text-anchor:middle}\n"
    "svg.ladder .lane{stroke:#8c959f}svg.ladder .hit{fill:transparent}\n"
    "svg.ladder .t{fill:#57606a}svg.ladder .d{fill:#8c959f;font-size:10px}svg.ladder .n{fill:#57606a;font-size:11px}\n"
    "svg.ladder .msg line,svg.ladder .msg .self{stroke-width:1.5px;fill:none}\n"
    "svg.ladder .l{text-anchor:middle}svg.ladder .self+.l{text-anchor:start}\n"
    "svg.ladder .retransmission line,svg.ladder .retransmission .self{stroke-dasharray:4 3}\n"
    "svg.ladder .request line,svg.ladder .request .self{stroke:#1f6feb}svg.ladder .request .head,svg.ladder .request .l{fill:#1f6feb}\n"
    "svg.ladder .provisional line,svg.ladder .provisional .self{stroke:#9a6700}svg.ladder .provisional .head,svg.ladder .provisional .l{fill:#9a6700}\n"
    "svg.ladder .success line,svg.ladder .success .self{stroke:#1a7f37}svg.ladder .success .head,svg.ladder .success .l{fill:#1a7f37}\n"
    "svg.ladder .failure line,svg.ladder .failure .self{stroke:#cf222e}svg.ladder .failure .head,svg.ladder .failure .l{fill:#cf222e}\n";

std::string_view arrow_class_name(ArrowClass c) {
  switch (c) {
    case ArrowClass::request: return "request";
    case ArrowClass::provisional: return "provisional";
    case ArrowClass::success: return "success";
    case ArrowClass::failure: return "failure";
  }
  return "";
}

std::string cut(std::string_view text, std::size_t chars) { return truncate_to(printable(text), chars); }

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string safe = printable(text);  // no controls (XML 1.0 forbids them), valid UTF-8
  std::string out;
  out.reserve(safe.size());
  for (char c : safe) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string_view ladder_svg_style() { return kStyle; }

void write_ladder_svg(std::ostream& out, const model::Trace& trace, const Ladder& ladder, bool with_style) {
  std::size_t label_chars = 12;
  for (const auto& p : ladder.participants) label_chars = std::max(label_chars, p.title.size() + 4);  // bold titles run wider
  for (const auto& row : ladder.rows) {
    std::size_t span = std::max<std::size_t>(1, row.from > row.to ? row.from - row.to : row.to - row.from);
    label_chars = std::max(label_chars, (std::min(row.label.size(), kMaxLabelChars) + 4 + span - 1) / span);
  }
  const int cell = std::clamp(static_cast<int>(label_chars) * kCharWidth, kMinCell, kMaxCell);
  const std::size_t cell_chars = static_cast<std::size_t>(cell / kCharWidth) - 2;
  std::size_t notes_chars = 0;
  for (const auto& row : ladder.rows) notes_chars = std::max(notes_chars, row.notes.size());
  const int columns = static_cast<int>(ladder.participants.size());
  const int width = kGutter + columns * cell + static_cast<int>(notes_chars) * kCharWidth + 2 * kMargin;
  const int height = kHeaderHeight + static_cast<int>(ladder.rows.size()) * kRowHeight + 2 * kMargin + 20;
  auto lane = [&](std::size_t i) { return kGutter + static_cast<int>(i) * cell + cell / 2; };

  std::string calls;
  for (std::uint32_t id : ladder.calls) calls += (calls.empty() ? "" : " ") + std::string(trace.calls[id].call_id);
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n",
      width, height);
  if (with_style) out << "<style>\n" << kStyle << "</style>\n";
  out << "<title>SIP ladder: " << xml_escape(calls) << "</title>\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  const int lanes_top = kMargin + kHeaderHeight - 10;
  const int lanes_bottom = height - kMargin;
  for (std::size_t i = 0; i < ladder.participants.size(); ++i) {
    const auto& p = ladder.participants[i];
    int x = lane(i);
    out << fmt::format("<g class=\"participant{}\" data-column=\"{}\">", p.answered ? " answered" : "", i);
    out << fmt::format("<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"40\" rx=\"4\"/>", x - cell / 2 + 4,
                       kMargin, cell - 8);
    out << fmt::format("<text class=\"title\" x=\"{}\" y=\"{}\">{}{}</text>", x, kMargin + 16, p.answered ? "★ " : "",
                       xml_escape(cut(p.title, cell_chars)));
    if (!p.subtitle.empty()) {
      out << fmt::format("<text class=\"sub\" x=\"{}\" y=\"{}\">{}</text>", x, kMargin + 32,
                         xml_escape(cut(p.subtitle, cell_chars + 2)));
    }
    out << fmt::format("<line class=\"lane\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/></g>\n", x, lanes_top,
                       lanes_bottom);
  }
  if (!ladder.date.empty()) {
    out << fmt::format("<text class=\"t\" x=\"{}\" y=\"{}\">{}</text>\n", kMargin, kMargin + 16, xml_escape(ladder.date));
  }

  for (std::size_t r = 0; r < ladder.rows.size(); ++r) {
    const auto& row = ladder.rows[r];
    const int y = kMargin + kHeaderHeight + static_cast<int>(r) * kRowHeight + 20;
    const int x1 = lane(row.from);
    const int x2 = lane(row.to);
    out << fmt::format("<g class=\"msg {}{}\" data-message=\"{}\" data-row=\"{}\">", arrow_class_name(row.arrow),
                       row.retransmission ? " retransmission" : "", row.message, r);
    // A transparent band over the whole row so a click anywhere on it selects the message.
    out << fmt::format("<rect class=\"hit\" y=\"{}\" width=\"100%\" height=\"{}\"/>", y - kRowHeight + 8, kRowHeight);
    out << fmt::format("<text class=\"t\" x=\"{}\" y=\"{}\">{}</text>", kMargin, y - 4, xml_escape(ladder_clock(row.time)));
    if (row.delta_micros) {
      out << fmt::format("<text class=\"d\" x=\"{}\" y=\"{}\">{}</text>", kMargin + 96, y - 4,
                         xml_escape(ladder_delta(row.delta_micros)));
    }
    if (x1 == x2) {
      out << fmt::format("<path class=\"self\" d=\"M{} {} h24 v10 h-20\"/>", x1, y - 6);
      out << fmt::format("<text class=\"l\" x=\"{}\" y=\"{}\">{}</text>", x1 + 30, y - 2,
                         xml_escape(cut(row.label, kMaxLabelChars)));
    } else {
      int direction = x2 > x1 ? 1 : -1;
      int tip = x2 - direction;
      out << fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", x1, y, tip - 8 * direction, y);
      out << fmt::format("<path class=\"head\" d=\"M{} {} l{} -4 v8 z\"/>", tip, y, -9 * direction);
      for (std::size_t hop : row.hops) {
        int hx = lane(hop);
        if ((hx - x1) * (hx - x2) < 0) out << fmt::format("<circle class=\"hop head\" cx=\"{}\" cy=\"{}\" r=\"3.5\"/>", hx, y);
      }
      std::size_t room = static_cast<std::size_t>(std::abs(x2 - x1) / kCharWidth) - 2;
      out << fmt::format("<text class=\"l\" x=\"{}\" y=\"{}\">{}</text>", (x1 + x2) / 2, y - 5,
                         xml_escape(cut(row.label, std::min(room, kMaxLabelChars))));
    }
    if (!row.notes.empty()) {
      out << fmt::format("<text class=\"n\" x=\"{}\" y=\"{}\">{}</text>", kGutter + columns * cell + 4, y - 4,
                         xml_escape(row.notes));
    }
    out << "</g>\n";
  }
  out << "</svg>\n";
}

void write_ladder_mermaid(std::ostream& out, const model::Trace& trace, const Ladder& ladder) {
  // Mermaid has no quoting; characters that end a statement or start markup
  // are written as its #code; entities.
  auto safe = [](std::string_view text) {
    std::string in = printable(text);
    std::string s;
    for (char c : in) {
      switch (c) {
        case ';': s += "#59;"; break;
        case '#': s += "#35;"; break;
        case '<': s += "#60;"; break;
        case '>': s += "#62;"; break;
        case '%': s += "#37;"; break;
        case '\n': case '\t': s += ' '; break;
        default: s.push_back(c);
      }
    }
    return s;
  };
  out << "sequenceDiagram\n";
  for (std::uint32_t id : ladder.calls) out << "  %% Call-ID " << safe(trace.calls[id].call_id) << '\n';
  for (std::size_t i = 0; i < ladder.participants.size(); ++i) {
    const auto& p = ladder.participants[i];
    std::string text = safe(p.title);
    if (p.answered) text = "★ " + text;
    if (!p.subtitle.empty()) text += "<br/>" + safe(p.subtitle);
    out << "  participant P" << i << " as " << text << '\n';
  }
  for (const auto& row : ladder.rows) {
    std::string arrow = row.arrow == ArrowClass::request ? "->>" : "-->>";
    if (row.retransmission) arrow = row.arrow == ArrowClass::request ? "-)" : "--)";
    std::string label = ladder_clock(row.time) + " " + row.label;
    if (!row.notes.empty()) label += " (" + row.notes + ")";
    out << "  P" << row.from << arrow << "P" << row.to << ": " << safe(label) << '\n';
  }
}

}  // namespace sipsleuth::render
