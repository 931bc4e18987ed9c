#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "formats/reader.hpp"
#include "model/hops.hpp"
#include "render/ladder.hpp"
#include "sip/ms_diagnostics.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::render {
namespace {

constexpr std::size_t kUserAgentChars = 40;

std::string short_user_agent(std::string_view ua) {
  std::string text(sip::trim(ua));
  if (text.size() > kUserAgentChars) text = text.substr(0, kUserAgentChars - 1) + "~";
  return text;
}

ArrowClass arrow_class(const sip::Message& m) {
  if (m.is_request()) return ArrowClass::request;
  if (m.status() < 200) return ArrowClass::provisional;
  if (m.status() < 300) return ArrowClass::success;
  return ArrowClass::failure;
}

std::string diagnostic_marker(const sip::Message& m) {
  for (auto [id, name] : {std::pair{sip::HeaderId::ms_diagnostics, "ms-diagnostics"},
                          std::pair{sip::HeaderId::ms_diagnostics_public, "ms-diagnostics"},
                          std::pair{sip::HeaderId::ms_client_diagnostics, "ms-client-diagnostics"},
                          std::pair{sip::HeaderId::ms_client_diagnostics_public, "ms-client-diagnostics"}}) {
    std::string_view value = m.header(id);
    if (value.empty()) continue;
    auto parsed = sip::parse_diagnostic(value);
    if (parsed.code) return fmt::format("{} {}", name, *parsed.code);
  }
  return {};
}

std::string message_label(const sip::Message& m) {
  if (m.is_request()) return std::string(m.method().empty() ? std::string_view("?") : m.method());
  if (m.is_response()) {
    std::string label = std::to_string(m.status());
    if (!m.reason().empty()) label += " " + std::string(m.reason());
    return label;
  }
  return std::string(m.parts().start_line.substr(0, 40));
}

// Assigns participants to messages; the two column rules differ only in how
// a message's ends are named.
class Columns {
 public:
  std::size_t get(const std::string& key, std::string_view title, std::string_view subtitle) {
    auto [it, inserted] = index_.emplace(key, participants_.size());
    if (inserted) participants_.push_back({key, std::string(title), std::string(subtitle), false});
    else if (participants_[it->second].subtitle.empty() && !subtitle.empty()) participants_[it->second].subtitle = subtitle;
    return it->second;
  }
  std::vector<LadderParticipant>& participants() { return participants_; }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<LadderParticipant> participants_;
};

std::string uri_title(std::string_view uri) {
  std::string_view aor = sip::uri_address_of_record(uri);
  if (sip::istarts_with(aor, "sip:")) aor.remove_prefix(4);
  else if (sip::istarts_with(aor, "sips:")) aor.remove_prefix(5);
  return std::string(aor.empty() ? std::string_view("?") : aor);
}

struct EndpointNames {
  std::string key, title, subtitle;
};

// The endpoint a From or To header names: its tag (and epid) when it has one;
// a To without a tag is the called address before any device has answered.
EndpointNames endpoint_names(std::string_view header_value, std::string_view user_agent) {
  std::string_view tag = sip::name_addr_param(header_value, "tag");
  std::string_view epid = sip::name_addr_param(header_value, "epid");
  auto name_addr = sip::parse_name_addr(header_value);
  EndpointNames names;
  names.title = uri_title(name_addr.uri);
  if (tag.empty()) {
    names.key = "aor:" + sip::to_lower_copy(names.title);
    names.subtitle = "(called address)";  // requests before a device answers, the proxy's 1xx
    return names;
  }
  names.key = "tag:" + std::string(tag);
  if (!epid.empty()) names.subtitle = "epid " + std::string(epid);
  if (!user_agent.empty()) names.subtitle += (names.subtitle.empty() ? "" : " ") + short_user_agent(user_agent);
  return names;
}

std::pair<std::size_t, std::size_t> endpoint_ends(Columns& columns, const model::Message& message) {
  const sip::Message& m = message.sip;
  std::string_view agent = m.header(m.is_request() ? sip::HeaderId::user_agent : sip::HeaderId::server);
  if (agent.empty()) agent = m.header(sip::HeaderId::user_agent);
  // The From side sends requests and receives responses, except for requests
  // the called party sends inside the dialog, where From is the called party.
  auto from = endpoint_names(m.header(sip::HeaderId::from), m.is_request() ? agent : std::string_view());
  auto to = endpoint_names(m.header(sip::HeaderId::to), m.is_request() ? std::string_view() : agent);
  std::size_t from_column = columns.get(from.key, from.title, from.subtitle);
  std::size_t to_column = columns.get(to.key, to.title, to.subtitle);
  if (m.is_request()) return {from_column, to_column};
  return {to_column, from_column};
}

class AddressColumns {
 public:
  AddressColumns(const model::Trace& trace, const std::vector<std::uint32_t>& messages) : trace_(trace) {
    // Hosts name columns unless two ports of one host talk to each other
    // (several SIP programs on one machine); then host:port does.
    for (std::uint32_t id : messages) {
      const auto& r = trace.messages[id].record;
      if (!r.source.empty() && !r.destination.empty() && r.source != r.destination &&
          sip::address_host(r.source) == sip::address_host(r.destination)) {
        by_port_ = true;
      }
    }
  }

  std::optional<std::pair<std::size_t, std::size_t>> ends(Columns& columns, const model::Message& message) {
    const auto& r = message.record;
    if (r.source.empty() || r.destination.empty()) return std::nullopt;
    std::string source = name(message, true);
    std::string destination = name(message, false);
    std::size_t from = columns.get("addr:" + source, source, observer(message, true));
    std::size_t to = columns.get("addr:" + destination, destination, observer(message, false));
    if (message.sip.is_request() && message.sip.via_count() == 1) {
      // A request with a single Via was sent by the user agent that wrote it.
      std::string_view agent = message.sip.header(sip::HeaderId::user_agent);
      auto& p = columns.participants()[from];
      std::string ua = short_user_agent(agent);
      if (!ua.empty() && p.subtitle.find(ua) == std::string::npos && p.subtitle.find(" · ") == std::string::npos) {
        p.subtitle += (p.subtitle.empty() ? "" : " · ") + ua;
      }
    }
    return std::pair{from, to};
  }

  // A merged message: one arrow from its first sender to its last receiver
  // along the hops its Vias name, through the hosts in between.
  std::optional<std::pair<std::size_t, std::size_t>> path_ends(Columns& columns, const model::Message& message,
                                                                std::vector<std::size_t>& hops) {
    if (by_port_) return std::nullopt;
    std::vector<std::string> path = model::hop_path(trace_, message.id);
    if (path.size() < 2) return std::nullopt;
    // Columns in path order, so a message's hops lie between its ends.
    std::vector<std::size_t> along;
    for (const auto& host : path) along.push_back(columns.get("addr:" + host, host, ""));
    auto representative_ends = ends(columns, message);  // gives the columns their subtitles
    std::size_t from = along.front();
    std::size_t to = along.back();
    hops.assign(along.begin() + 1, along.end() - 1);
    if (representative_ends && representative_ends->first != from && representative_ends->first != to &&
        std::find(hops.begin(), hops.end(), representative_ends->first) == hops.end()) {
      return representative_ends;  // the Vias disagree with where the message was seen: trust the logs
    }
    return std::pair{from, to};
  }

 private:
  // A column per host (model::end_host), or per host:port when by_port_.
  std::string name(const model::Message& message, bool source_end) const {
    if (by_port_) return std::string(source_end ? message.record.source : message.record.destination);
    return model::end_host(trace_, message, source_end);
  }

  // The local side of a log is the machine that wrote it.
  std::string observer(const model::Message& message, bool is_source) const {
    const auto& r = message.record;
    const auto& input = trace_.inputs[message.input];
    if (input.format != formats::Format::client_log && input.format != formats::Format::server_log) return {};
    bool local = (r.direction == formats::Direction::sent) == is_source && r.direction != formats::Direction::unknown;
    if (!local) return {};
    std::string_view name = input.name;
    if (auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
    return fmt::format("{} {}", input.format == formats::Format::client_log ? "client log" : "server log", name);
  }

  const model::Trace& trace_;
  bool by_port_ = false;
};

std::string notes_for(const LadderRow& row, std::size_t fork_count, bool several_calls, std::size_t call_number) {
  std::vector<std::string> parts;
  if (several_calls) parts.push_back(fmt::format("call {}", call_number));
  if (!row.cseq.empty()) parts.push_back(row.cseq);
  if (row.has_sdp) parts.emplace_back("SDP");
  if (row.fork) parts.push_back(fmt::format("fork {}/{}", row.fork, fork_count));
  if (row.answering_fork) parts.emplace_back("answered here");
  if (!row.diagnostic.empty()) parts.push_back(row.diagnostic);
  if (row.observations > 1) parts.push_back(fmt::format("seen {}×", row.observations));
  if (row.retransmission) parts.emplace_back("retransmission");
  std::string notes;
  for (const auto& p : parts) notes += (notes.empty() ? "" : " · ") + p;
  return notes;
}

}  // namespace

std::string ladder_clock(const formats::Timestamp& t) { return t.valid ? model::format_time_of_day(t) : "-"; }

std::string ladder_delta(const std::optional<std::int64_t>& micros) {
  if (!micros) return "";
  if (*micros < 60'000'000) return fmt::format("+{:.3f}s", static_cast<double>(*micros) / 1e6);
  return "+" + model::format_duration(*micros);
}

Ladder layout_ladder(const model::Trace& trace, const std::vector<std::uint32_t>& calls, const LadderOptions& options) {
  Ladder ladder;
  ladder.calls = calls;
  struct Entry {
    std::uint32_t message;
    std::uint32_t call_index;
  };
  std::vector<Entry> entries;
  for (std::uint32_t i = 0; i < calls.size(); ++i) {
    for (std::uint32_t id : trace.calls[calls[i]].messages) entries.push_back({id, i});
  }
  auto time_of = [&](const Entry& e) {
    const auto& t = trace.messages[e.message].record.time;
    return t.valid ? t.micros : INT64_MAX;
  };
  // Each call's messages are already in order; merging several keeps that order for equal times.
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) { return time_of(a) < time_of(b); });

  std::vector<std::uint32_t> all_messages;
  all_messages.reserve(entries.size());
  for (const auto& e : entries) all_messages.push_back(e.message);
  Columns columns;
  AddressColumns address_columns(trace, all_messages);

  std::optional<std::int64_t> previous_time;
  std::vector<std::pair<std::uint32_t, std::size_t>> answered;  // (call, fork) whose answer is marked
  for (const Entry& entry : entries) {
    if (options.merge_hops && model::representative(trace, entry.message) != entry.message) continue;
    const model::Message& message = trace.messages[entry.message];
    const model::Call& call = trace.calls[calls[entry.call_index]];
    const sip::Message& m = message.sip;
    LadderRow row;
    row.message = entry.message;
    row.call = call.id;
    std::optional<std::pair<std::size_t, std::size_t>> ends;
    if (options.columns == LadderColumns::address && options.merge_hops && message.hop_event != model::kNoId) {
      ends = address_columns.path_ends(columns, message, row.hops);
    }
    if (!ends && options.columns == LadderColumns::address) ends = address_columns.ends(columns, message);
    if (options.merge_hops && message.hop_event != model::kNoId) {
      row.observations = static_cast<std::uint32_t>(trace.hop_events[message.hop_event].observations.size());
    }
    if (!ends) ends = endpoint_ends(columns, message);
    row.from = ends->first;
    row.to = ends->second;
    row.time = message.record.time;
    if (row.time.valid) {
      if (previous_time) row.delta_micros = row.time.micros - *previous_time;
      previous_time = row.time.micros;
      if (ladder.date.empty()) ladder.date = model::format_time(row.time).substr(0, 10);
    }
    row.label = message_label(m);
    if (auto number = m.cseq_number()) row.cseq = fmt::format("{} {}", *number, m.cseq_method());
    row.arrow = arrow_class(m);
    row.retransmission = message.retransmission_of != model::kNoId;
    row.has_sdp = !message.record.parts.body.empty() &&
                  sip::ifind(m.header(sip::HeaderId::content_type), "application/sdp") != std::string_view::npos;
    row.diagnostic = diagnostic_marker(m);
    if (call.forks.size() > 1) {
      std::string_view to_tag = sip::name_addr_param(m.header(sip::HeaderId::to), "tag");
      for (std::size_t f = 0; f < call.forks.size() && !to_tag.empty(); ++f) {
        if (call.forks[f].to_tag != to_tag) continue;
        row.fork = static_cast<std::uint32_t>(f + 1);
        bool answer = m.is_response() && m.status() >= 200 && m.status() < 300 &&
                      sip::iequals(m.cseq_method(), "INVITE") && !row.retransmission;
        // Only the first 2xx of the fork is its answer; later ones answer re-INVITEs.
        if (answer && std::find(answered.begin(), answered.end(), std::pair{call.id, f}) == answered.end()) {
          answered.emplace_back(call.id, f);
          row.answering_fork = true;
        }
      }
    }
    row.notes = notes_for(row, call.forks.size(), calls.size() > 1, entry.call_index + 1);
    ladder.rows.push_back(std::move(row));
  }
  ladder.participants = std::move(columns.participants());
  if (options.columns == LadderColumns::endpoint) {
    for (const auto& row : ladder.rows) {
      if (row.answering_fork) ladder.participants[row.from].answered = true;
    }
  }
  return ladder;
}

}  // namespace sipsleuth::render
