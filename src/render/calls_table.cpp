#include <fmt/format.h>

#include <vector>

#include "analysis/verdict.hpp"
#include "base/parallel.hpp"
#include "render/renderers.hpp"

namespace sipsleuth::render {
namespace {

constexpr std::size_t kMaxAddressWidth = 40;
constexpr std::size_t kMaxStatusWidth = 28;

std::string status_text(const model::Call& call) {
  if (!call.final_status) return call.messages.empty() ? "(log only)" : "-";
  std::string text = std::to_string(*call.final_status);
  if (!call.final_reason.empty()) text += " " + printable(call.final_reason);
  return truncate_to(text, kMaxStatusWidth);
}

std::string party(std::string_view uri) {
  return uri.empty() ? std::string("?") : truncate_to(printable(uri), kMaxAddressWidth);
}

std::string paint_outcome(const Style& style, analysis::Outcome outcome, const std::string& padded) {
  switch (outcome) {
    case analysis::Outcome::answered:
    case analysis::Outcome::registered:
    case analysis::Outcome::subscribed: return style.paint(padded, "32");
    case analysis::Outcome::in_progress: return style.paint(padded, "33");
    case analysis::Outcome::cancelled: return style.paint(padded, "36");
    default: return style.paint(padded, "1;31");
  }
}

}  // namespace

struct CallsTable::Row {
  std::string start, kind, from, to, outcome, status, messages, forks, duration, call_id;
  int code = 0;
  analysis::Outcome verdict = analysis::Outcome::in_progress;
};

CallsTable::CallsTable() {
  rows_.push_back({"START", "KIND", "FROM", "TO", "OUTCOME", "STATUS", "MSGS", "FORKS", "DURATION", "CALL-ID", 0,
                   analysis::Outcome::in_progress});
}

CallsTable::~CallsTable() = default;

std::size_t CallsTable::rows() const { return rows_.size() - 1; }

void CallsTable::add(const model::Trace& trace, const std::vector<std::uint32_t>* only) {
  std::vector<std::uint32_t> all;
  if (!only) {
    for (const auto& call : trace.calls) all.push_back(call.id);
    only = &all;
  }
  std::size_t first = rows_.size();
  rows_.resize(first + only->size());
  // Judging a call reads only that call: the rows are made on every core.
  base::for_each_index(only->size(), base::core_count(), [&](std::size_t i) {
    const model::Call& call = trace.calls[(*only)[i]];
    Row& r = rows_[first + i];
    r.start = call.start.valid ? model::format_time(call.start) : "-";
    r.kind = call.kind.empty() ? "?" : call.kind;
    r.from = party(call.from_uri);
    r.to = party(call.to_uri);
    r.verdict = analysis::judge(trace, call).outcome;
    r.outcome = std::string(analysis::outcome_name(r.verdict));
    r.status = status_text(call);
    r.code = call.final_status.value_or(0);
    r.messages = std::to_string(call.messages.size());
    r.forks = std::to_string(call.forks.size());
    r.duration = (call.start.valid && call.end.valid) ? model::format_duration(call.end.micros - call.start.micros) : "-";
    r.call_id = printable(call.call_id);
  }, 64);
}

void CallsTable::write(std::ostream& out, const Style& style) const {
  const std::vector<Row>& rows = rows_;
  constexpr int kColumns = 9;
  std::size_t w[kColumns] = {};
  for (const auto& r : rows) {
    const std::string* cells[kColumns] = {&r.start,  &r.kind,     &r.from,  &r.to,      &r.outcome,
                                          &r.status, &r.messages, &r.forks, &r.duration};
    for (int i = 0; i < kColumns; ++i) w[i] = std::max(w[i], display_width(*cells[i]));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    bool header = i == 0;
    std::string line;
    line += pad_right(r.start, w[0]) + "  ";
    line += pad_right(r.kind, w[1]) + "  ";
    line += pad_right(r.from, w[2]) + "  ";
    line += pad_right(r.to, w[3]) + "  ";
    std::string outcome = pad_right(r.outcome, w[4]);
    line += (header ? outcome : paint_outcome(style, r.verdict, outcome)) + "  ";
    std::string status = pad_right(r.status, w[5]);
    line += (header ? status : style.status(r.code, status)) + "  ";
    line += std::string(w[6] - display_width(r.messages), ' ') + r.messages + "  ";
    line += std::string(w[7] - display_width(r.forks), ' ') + r.forks + "  ";
    line += std::string(w[8] - display_width(r.duration), ' ') + r.duration + "  ";
    line += r.call_id;
    out << (header ? style.bold(line) : line) << '\n';
  }
}

void write_calls_table(std::ostream& out, const model::Trace& trace, const Style& style,
                       const std::vector<std::uint32_t>* only) {
  CallsTable table;
  table.add(trace, only);
  table.write(out, style);
}

}  // namespace sipsleuth::render
