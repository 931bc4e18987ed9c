#include <fmt/format.h>

#include <algorithm>

#include "render/ladder.hpp"
#include "render/renderers.hpp"

namespace sipsleuth::render {
namespace {

// The time goes on the label line and the delta under it, on the arrow line.
constexpr std::size_t kTimeWidth = 12;     // "14:00:47.889", and "+12.345s" right-aligned below
constexpr std::size_t kGutter = kTimeWidth + 2;
constexpr std::size_t kMinCell = 9;
constexpr std::size_t kNaturalMinCell = 16;
constexpr std::size_t kMaxCell = 48;
constexpr std::size_t kMinNotes = 24;

struct Glyphs {
  const char* lane;
  const char* line;
  const char* retransmitted_line;
  const char* head_right;
  const char* head_left;
  const char* self;
  const char* answered;
  const char* hop;  // where a merged message passed through a host
};
constexpr Glyphs kUnicode{"│", "─", "┄", "▶", "◀", "↻", "★ ", "●"};
constexpr Glyphs kAscii{"|", "-", ".", ">", "<", "@", "* ", "o"};

std::string_view arrow_sgr(ArrowClass c) {
  switch (c) {
    case ArrowClass::request: return "36";
    case ArrowClass::provisional: return "33";
    case ArrowClass::success: return "32";
    case ArrowClass::failure: return "1;31";
  }
  return "";
}

// One output line as cells of one column each, so multi-byte glyphs and
// colour spans can be placed by column.
class Canvas {
 public:
  explicit Canvas(std::size_t width) : cells_(width, " "), sgr_(width) {}
  void put(std::size_t x, std::string_view glyph, std::string_view sgr = {}) {
    if (x >= cells_.size()) return;
    cells_[x] = std::string(glyph);
    sgr_[x] = sgr;
  }
  // Writes text from x on, one code point per cell, never past `limit`.
  void text(std::size_t x, std::string_view s, std::size_t limit, std::string_view sgr = {}) {
    std::string fitted = truncate_to(s, limit);
    std::size_t i = 0;
    while (i < fitted.size() && x < cells_.size()) {
      std::size_t len = 1;
      auto c = static_cast<unsigned char>(fitted[i]);
      if (c >= 0xf0) len = 4;
      else if (c >= 0xe0) len = 3;
      else if (c >= 0xc0) len = 2;
      put(x++, std::string_view(fitted).substr(i, len), sgr);
      i += len;
    }
  }
  std::string render(const Style& style) const {
    std::size_t end = cells_.size();
    while (end > 0 && cells_[end - 1] == " ") --end;
    std::string out;
    for (std::size_t x = 0; x < end;) {
      std::size_t run = x;
      std::string chunk;
      while (run < end && sgr_[run] == sgr_[x]) chunk += cells_[run++];
      out += sgr_[x].empty() ? chunk : style.paint(chunk, sgr_[x]);
      x = run;
    }
    return out;
  }

 private:
  std::vector<std::string> cells_;
  std::vector<std::string_view> sgr_;
};

struct Geometry {
  std::size_t cell = kNaturalMinCell;
  std::size_t columns = 0;
  std::size_t notes = 0;
  std::size_t lane(std::size_t i) const { return kGutter + i * cell + cell / 2; }
  std::size_t width() const { return kGutter + columns * cell + 1 + notes; }
};

Geometry fit(const Ladder& ladder, std::size_t limit) {
  Geometry g;
  g.columns = ladder.participants.size();
  std::size_t notes = 0;
  for (const auto& p : ladder.participants) {
    g.cell = std::max(g.cell, display_width(p.title) + 4);  // subtitles are cut to fit, titles not
  }
  for (const auto& row : ladder.rows) {
    std::size_t span = row.from > row.to ? row.from - row.to : row.to - row.from;
    std::size_t label = display_width(printable(row.label)) + 4;
    g.cell = std::max(g.cell, span == 0 ? label : (label + span - 1) / span);
    notes = std::max(notes, display_width(printable(row.notes)));
  }
  g.cell = std::min(g.cell, kMaxCell);
  g.notes = notes;
  if (limit == 0 || g.width() <= limit) return g;
  // Too wide: the lanes get the room first, down to kMinCell each (labels are
  // cut with "…"); the notes get what is left, which may be nothing.
  const std::size_t keep_notes = std::min(notes, kMinNotes / 3);
  std::size_t lanes_room = limit > kGutter + 1 + keep_notes ? limit - kGutter - 1 - keep_notes : 0;
  if (g.columns > 0) g.cell = std::clamp(lanes_room / g.columns, kMinCell, g.cell);
  std::size_t used = kGutter + g.columns * g.cell + 1;
  g.notes = limit > used ? std::min(notes, limit - used) : 0;
  if (g.notes < kMinNotes / 3) g.notes = 0;  // a few characters of notes say nothing
  return g;
}

void draw_lanes(Canvas& canvas, const Geometry& g, const Glyphs& glyphs) {
  for (std::size_t i = 0; i < g.columns; ++i) canvas.put(g.lane(i), glyphs.lane);
}

void draw_centered(Canvas& canvas, const Geometry& g, std::size_t column, std::string_view text) {
  std::string fitted = truncate_to(text, g.cell - 1);
  std::size_t w = display_width(fitted);
  std::size_t start = g.lane(column) >= w / 2 ? g.lane(column) - w / 2 : 0;
  canvas.text(start, fitted, g.cell - 1);
}

}  // namespace

std::size_t write_ladder_text(std::ostream& out, const model::Trace& trace, const Ladder& ladder, const Style& style,
                              const TextLadderOptions& options) {
  const Glyphs& glyphs = options.unicode ? kUnicode : kAscii;
  Geometry g = fit(ladder, options.width);
  const std::size_t width = g.width();

  for (std::size_t i = 0; i < ladder.calls.size(); ++i) {
    const auto& call = trace.calls[ladder.calls[i]];
    std::string head = ladder.calls.size() > 1 ? fmt::format("call {}: ", i + 1) : std::string("Call ");
    out << style.bold(head + printable(call.call_id));
    out << fmt::format("  {} -> {}", call.from_uri.empty() ? "?" : printable(call.from_uri),
                       call.to_uri.empty() ? "?" : printable(call.to_uri));
    out << '\n';
  }
  if (!ladder.date.empty()) out << style.dim(ladder.date) << '\n';
  out << '\n';

  bool any_subtitle = false;
  bool any_answered = false;
  Canvas titles(width);
  for (std::size_t i = 0; i < g.columns; ++i) {
    const auto& p = ladder.participants[i];
    any_subtitle |= !p.subtitle.empty();
    any_answered |= p.answered;
    draw_centered(titles, g, i, printable((p.answered ? std::string(glyphs.answered) : std::string()) + p.title));
  }
  out << style.bold(titles.render(Style{})) << '\n';
  if (any_subtitle) {
    Canvas subtitles(width);
    for (std::size_t i = 0; i < g.columns; ++i) draw_centered(subtitles, g, i, printable(ladder.participants[i].subtitle));
    out << style.dim(subtitles.render(Style{})) << '\n';
  }
  Canvas blank(width);
  draw_lanes(blank, g, glyphs);
  const std::string lanes_only = blank.render(style);
  out << lanes_only << '\n';

  for (const auto& row : ladder.rows) {
    std::string_view sgr = arrow_sgr(row.arrow);
    std::size_t a = g.lane(row.from);
    std::size_t b = g.lane(row.to);
    std::size_t left = std::min(a, b);
    std::size_t right = std::max(a, b);

    Canvas label(width);
    label.text(0, ladder_clock(row.time), kTimeWidth);
    draw_lanes(label, g, glyphs);
    std::string label_text = printable(row.label);
    if (a == b) {
      label.text(left + 2, label_text, g.cell - 3, sgr);
    } else {
      // A label that fits between two lanes goes in the middle gap of the
      // arrow (the sender's side of the middle when there are two), so it
      // does not sit on a lane the arrow crosses.
      std::size_t span = (right - left) / g.cell;
      std::size_t used = display_width(label_text);
      std::size_t start = left, room = right - left - 3;
      if (span > 1 && used + 3 <= g.cell) {
        start = left + g.cell * (row.from < row.to ? (span - 1) / 2 : span / 2);
        room = g.cell - 3;
      }
      used = std::min(used, room);
      label.text(start + 2 + (room - used) / 2, label_text, room, sgr);
    }
    label.text(kGutter + g.columns * g.cell + 1, printable(row.notes), g.notes);
    out << label.render(style) << '\n';

    Canvas arrow(width);
    std::string delta = ladder_delta(row.delta_micros);
    arrow.text(kTimeWidth > delta.size() ? kTimeWidth - delta.size() : 0, delta, kTimeWidth);
    draw_lanes(arrow, g, glyphs);
    const char* line = row.retransmission ? glyphs.retransmitted_line : glyphs.line;
    if (a == b) {
      arrow.put(a + 1, glyphs.self, sgr);
    } else if (a < b) {
      for (std::size_t x = a + 1; x + 1 < b; ++x) arrow.put(x, line, sgr);
      arrow.put(b - 1, glyphs.head_right, sgr);
    } else {
      arrow.put(b + 1, glyphs.head_left, sgr);
      for (std::size_t x = b + 2; x < a; ++x) arrow.put(x, line, sgr);
    }
    for (std::size_t hop : row.hops) {
      if (hop < g.columns && g.lane(hop) > left && g.lane(hop) < right) arrow.put(g.lane(hop), glyphs.hop, sgr);
    }
    out << arrow.render(style) << '\n';

    if (options.show_messages) {
      std::string text = printable(message_text(trace.messages[row.message], style.show_secrets));
      std::string indent(kGutter, ' ');
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out << indent << style.dim(std::string_view(text).substr(start, end - start)) << '\n';
        start = end + 1;
      }
      out << lanes_only << '\n';
    }
  }
  if (any_answered) out << '\n' << style.dim(std::string(glyphs.answered) + "answered the call") << '\n';
  return width;
}

}  // namespace sipsleuth::render
