#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "analysis/verdict.hpp"
#include "formats/reader.hpp"
#include "model/hops.hpp"
#include "render/json_writer.hpp"
#include "render/renderers.hpp"
#include "sip/secrets.hpp"

namespace sipsleuth::render {
namespace {

std::string_view transport_name(formats::Transport t) {
  switch (t) {
    case formats::Transport::udp: return "UDP";
    case formats::Transport::tcp: return "TCP";
    case formats::Transport::tls: return "TLS";
    case formats::Transport::unknown: break;
  }
  return "";
}

std::string addresses(const formats::SipRecord& r) {
  if (r.source.empty() && r.destination.empty()) return {};
  return std::string(r.source.empty() ? "?" : r.source) + " -> " +
         std::string(r.destination.empty() ? "?" : r.destination);
}

// Messages and events of a call merged into one time-ordered list.
struct Item {
  bool is_event;
  std::uint32_t id;
  std::int64_t time;
};

// Merged: an observation that another one stands for is left out.
bool hidden(const model::Trace& trace, std::uint32_t message, bool raw) {
  return !raw && model::representative(trace, message) != message;
}

std::vector<Item> timeline(const model::Trace& trace, const model::Call& call, bool raw) {
  std::vector<Item> items;
  for (std::uint32_t id : call.messages) {
    if (hidden(trace, id, raw)) continue;
    const auto& t = trace.messages[id].record.time;
    items.push_back({false, id, t.valid ? t.micros : INT64_MAX});
  }
  for (std::uint32_t id : call.events) {
    const auto& t = trace.events[id].event.time;
    items.push_back({true, id, t.valid ? t.micros : INT64_MAX});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.time < b.time; });
  return items;
}

std::string display_summary(const model::Call& call) {
  std::string s = fmt::format("{} message{}", call.messages.size(), call.messages.size() == 1 ? "" : "s");
  if (!call.events.empty()) s += fmt::format(", {} log event{}", call.events.size(), call.events.size() == 1 ? "" : "s");
  if (call.retransmissions) s += fmt::format(", {} retransmission{}", call.retransmissions, call.retransmissions == 1 ? "" : "s");
  s += fmt::format(", {} fork{}", call.forks.size(), call.forks.size() == 1 ? "" : "s");
  if (call.start.valid) {
    s += ", " + model::format_time(call.start);
    if (call.end.valid) s += " + " + model::format_duration(call.end.micros - call.start.micros);
  }
  return s;
}

std::string verdict_sentence(const analysis::Verdict& v) {
  std::string s(analysis::outcome_name(v.outcome));
  if (v.outcome == analysis::Outcome::media_failed) s += ": answered";
  if (!v.answered_by_user_agent.empty() || !v.answered_by_epid.empty()) {
    s += fmt::format(" by {}", v.answered_by_user_agent.empty() ? "?" : printable(v.answered_by_user_agent));
    if (!v.answered_by_epid.empty()) s += fmt::format(" (epid {})", printable(v.answered_by_epid));
  }
  if (v.to_answer_ms) s += fmt::format(" after {}", model::format_duration(*v.to_answer_ms * 1000));
  else if (v.to_first_provisional_ms) s += fmt::format("; first 18x after {}", model::format_duration(*v.to_first_provisional_ms * 1000));
  if (v.auth_rounds) s += fmt::format("; {} authentication challenge{}", v.auth_rounds, v.auth_rounds == 1 ? "" : "s");
  if (v.ended_by) {
    s += v.ended_by == model::Role::caller ? "; ended by the caller" : "; ended by the callee";
    if (v.talk_ms) s += fmt::format(" after {} of talk", model::format_duration(*v.talk_ms * 1000));
  }
  if (v.media_failure_in_capture) s += "; the capture shows the media path never connected";
  return s;
}

}  // namespace

std::string_view direction_name(formats::Direction d) {
  switch (d) {
    case formats::Direction::sent: return "sent";
    case formats::Direction::received: return "received";
    case formats::Direction::unknown: break;
  }
  return "seen";
}

std::string message_text(const model::Message& message, bool show_secrets) {
  const auto& parts = message.record.parts;
  std::string text;
  text.reserve(parts.start_line.size() + parts.header_block.size() + parts.body.size() + 8);
  text.append(parts.start_line);
  text.push_back('\n');
  text.append(parts.header_block);
  if (!parts.header_block.empty() && parts.header_block.back() != '\n') text.push_back('\n');
  if (!parts.body.empty()) {
    text.push_back('\n');
    text.append(parts.body);
  }
  return show_secrets ? text : sip::mask_secrets(text);
}

std::string clock_offsets_sentence(const model::Trace& trace) {
  if (trace.clocks.empty()) return {};
  std::string s;
  for (const auto& c : trace.clocks) {
    std::int64_t magnitude = c.offset_micros < 0 ? -c.offset_micros : c.offset_micros;
    std::string amount = fmt::format("{:.3f}s", static_cast<double>(magnitude) / 1e6);
    if (magnitude >= 60'000'000) amount += " (" + model::format_duration(magnitude) + ")";
    s += fmt::format("{}{} reads {}{}{}", s.empty() ? "" : ", ", trace.inputs[c.input].name,
                     c.offset_micros < 0 ? "-" : "+", amount, c.consistent ? "" : " (inconsistent)");
  }
  return s + " against " + trace.inputs[trace.clocks.front().reference].name;
}

std::string location_text(const model::Trace& trace, std::uint32_t input, const formats::Location& location) {
  const std::string& name = input < trace.inputs.size() ? trace.inputs[input].name : std::string("?");
  if (location.packet == 0 && location.line == 0 && location.offset == 0) return name;  // about the whole input
  if (location.packet) return fmt::format("{} packet {}", name, location.packet);
  if (location.line) return fmt::format("{}:{}", name, location.line);
  return fmt::format("{} @{}", name, location.offset);
}

// "seen at" lines and the hop path of a message observed at several points.
std::vector<std::string> observation_lines(const model::Trace& trace, std::uint32_t message) {
  const auto& m = trace.messages[message];
  if (m.hop_event == model::kNoId) return {};
  std::vector<std::string> lines;
  for (std::uint32_t id : trace.hop_events[m.hop_event].observations) {
    const auto& o = trace.messages[id];
    std::string line = fmt::format("seen {} {} at {}", o.record.time.valid ? model::format_time(o.record.time) : "-",
                                   direction_name(o.record.direction), location_text(trace, o.input, o.record.location));
    std::string addr = addresses(o.record);
    if (!addr.empty()) line += "  " + printable(addr);
    lines.push_back(std::move(line));
  }
  std::string path;
  for (const auto& host : model::hop_path(trace, message)) path += (path.empty() ? "" : " -> ") + printable(host);
  if (!path.empty()) lines.push_back("path: " + path);
  return lines;
}

void write_show(std::ostream& out, const model::Trace& trace, const model::Call& call, const Style& style, bool raw) {
  out << style.bold(fmt::format("Call {}", printable(call.call_id))) << '\n';
  out << fmt::format("  {}  {} -> {}\n", call.kind.empty() ? "?" : call.kind,
                     call.from_uri.empty() ? "?" : printable(call.from_uri),
                     call.to_uri.empty() ? "?" : printable(call.to_uri));
  std::string status = call.final_status ? fmt::format("{} {}", *call.final_status, printable(call.final_reason))
                                         : std::string("no final response");
  out << "  " << style.status(call.final_status.value_or(0), status) << "; " << display_summary(call) << '\n';
  out << "  outcome: " << verdict_sentence(analysis::judge(trace, call)) << '\n';
  if (!call.conversation_id.empty()) out << "  Ms-Conversation-ID: " << printable(call.conversation_id) << '\n';
  for (const auto& e : call.endpoints) {
    out << fmt::format("  {} endpoint: tag={} epid={}{}\n", e.role == model::Role::caller ? "caller" : "callee",
                       e.tag.empty() ? "-" : printable(e.tag), e.epid.empty() ? "-" : printable(e.epid),
                       e.user_agent.empty() ? "" : "  " + printable(e.user_agent));
  }
  int number = 0;
  std::unordered_map<std::uint32_t, int> numbered;  // message id -> display number
  for (const Item& item : timeline(trace, call, raw)) {
    ++number;
    out << '\n';
    if (item.is_event) {
      const auto& ev = trace.events[item.id];
      out << style.bold(fmt::format("#{}  {}  {}  {}({}) {}", number, model::format_time(ev.event.time),
                                    location_text(trace, ev.input, ev.event.location), ev.event.level, ev.event.flag,
                                    printable(ev.event.component)))
          << '\n';
      std::string text(ev.event.text);
      out << printable(style.show_secrets ? text : sip::mask_secrets(text)) << '\n';
      continue;
    }
    const auto& m = trace.messages[item.id];
    numbered.emplace(item.id, number);
    std::string heading = fmt::format("#{}  {}  {}  {}", number, m.record.time.valid ? model::format_time(m.record.time) : "-",
                                      location_text(trace, m.input, m.record.location), direction_name(m.record.direction));
    std::string addr = addresses(m.record);
    if (!addr.empty()) heading += "  " + printable(addr);
    std::string_view transport = transport_name(m.record.transport);
    if (!transport.empty()) heading += fmt::format(" ({})", transport);
    out << style.bold(heading);
    if (auto original = numbered.find(m.retransmission_of); original != numbered.end()) {
      out << style.dim(fmt::format("  retransmission of #{}", original->second));
    }
    out << '\n';
    for (const auto& line : observation_lines(trace, item.id)) out << style.dim("  " + line) << '\n';
    std::string text = printable(message_text(m, style.show_secrets));
    out << text;
    if (!text.empty() && text.back() != '\n') out << '\n';
  }
}

void write_show_json(std::ostream& out, const model::Trace& trace, const model::Call& call, bool show_secrets,
                     bool raw) {
  Json items = Json::array();
  int number = 0;
  for (const Item& item : timeline(trace, call, raw)) {
    ++number;
    Json entry;
    if (item.is_event) {
      const auto& ev = trace.events[item.id];
      entry["type"] = "log_event";
      entry["n"] = number;
      entry["time"] = ev.event.time.valid ? Json(model::format_iso8601(ev.event.time)) : Json(nullptr);
      entry["source_file"] = trace.inputs[ev.input].name;
      entry["line"] = ev.event.location.line;
      entry["level"] = std::string(ev.event.level);
      entry["flag"] = std::string(ev.event.flag);
      entry["component"] = std::string(ev.event.component);
      Json fields = Json::object();
      for (const auto& [k, v] : ev.event.fields) fields[std::string(k)] = show_secrets ? std::string(v) : sip::mask_secrets(v);
      entry["fields"] = std::move(fields);
    } else {
      const auto& m = trace.messages[item.id];
      entry["type"] = "message";
      entry["n"] = number;
      entry["time"] = m.record.time.valid ? Json(model::format_iso8601(m.record.time)) : Json(nullptr);
      entry["source_file"] = trace.inputs[m.input].name;
      entry["line"] = m.record.location.line ? Json(m.record.location.line) : Json(nullptr);
      entry["packet"] = m.record.location.packet ? Json(m.record.location.packet) : Json(nullptr);
      entry["offset"] = m.record.location.offset;
      entry["direction"] = std::string(direction_name(m.record.direction));
      entry["source"] = m.record.source.empty() ? Json(nullptr) : Json(m.record.source);
      entry["destination"] = m.record.destination.empty() ? Json(nullptr) : Json(m.record.destination);
      std::string_view transport = transport_name(m.record.transport);
      entry["transport"] = transport.empty() ? Json(nullptr) : Json(std::string(transport));
      entry["start_line"] = std::string(m.record.parts.start_line);
      entry["retransmission"] = m.retransmission_of != model::kNoId;
      entry["text"] = message_text(m, show_secrets);
      if (m.hop_event != model::kNoId) {
        Json seen = Json::array();
        for (std::uint32_t id : trace.hop_events[m.hop_event].observations) {
          const auto& o = trace.messages[id];
          seen.push_back({{"time", o.record.time.valid ? Json(model::format_iso8601(o.record.time)) : Json(nullptr)},
                          {"source_file", trace.inputs[o.input].name},
                          {"line", o.record.location.line ? Json(o.record.location.line) : Json(nullptr)},
                          {"packet", o.record.location.packet ? Json(o.record.location.packet) : Json(nullptr)},
                          {"direction", std::string(direction_name(o.record.direction))},
                          {"source", o.record.source.empty() ? Json(nullptr) : Json(o.record.source)},
                          {"destination", o.record.destination.empty() ? Json(nullptr) : Json(o.record.destination)}});
        }
        entry["observations"] = std::move(seen);
        entry["path"] = model::hop_path(trace, item.id);
      }
    }
    items.push_back(std::move(entry));
  }
  JsonWriter w;
  w.begin_object();
  write_call_fields(w, trace, call);
  w.key("items");
  w.raw(json_line(items));
  w.end_object();
  out << w.text() << '\n';
}

}  // namespace sipsleuth::render
