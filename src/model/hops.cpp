#include "model/hops.hpp"

#include <algorithm>
#include <climits>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "base/parallel.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::model {
namespace {

constexpr int kMaxVias = 64;

std::string_view branch_of(std::string_view via_value) {
  auto branch = sip::parse_via(via_value).branch();
  return branch ? *branch : std::string_view{};
}

// What stays the same for one message at every point it passes. A 100 Trying
// is made afresh at each hop, so it is keyed by the hop's own Via. Views into
// the message: building the key allocates nothing.
struct HopKey {
  std::uint32_t cseq = 0;
  int status = 0;
  std::string_view cseq_method, method, from_tag, to_tag, branch;
  // Several responses with one status may answer one request (two 101
  // Progress Reports with different ms-diagnostics, reliable 183s).
  std::string_view rseq, diagnostic;
  bool operator==(const HopKey&) const = default;
};

struct HopKeyHash {
  std::size_t operator()(const HopKey& k) const {
    std::hash<std::string_view> h;
    // The branch is unique per transaction; the rest only tells apart the messages of one.
    std::size_t v = h(k.branch);
    v = v * 1000003u ^ k.cseq;
    v = v * 1000003u ^ static_cast<std::size_t>(k.status);
    v = v * 1000003u ^ k.method.size() ^ (k.to_tag.size() << 8) ^ (k.diagnostic.size() << 16);
    return v;
  }
};

std::optional<HopKey> hop_key(const Message& message) {
  const sip::Message& m = message.sip;
  auto cseq = m.cseq_number();
  if (!cseq) return std::nullopt;
  HopKey key;
  key.branch = branch_of((m.is_response() && m.status() == 100) ? m.top_via() : m.bottom_via());
  if (key.branch.empty()) return std::nullopt;
  key.cseq = *cseq;
  key.status = m.is_request() ? 0 : m.status();
  key.cseq_method = m.cseq_method();
  key.method = m.is_request() ? m.method() : std::string_view{};
  key.from_tag = m.from_tag();
  key.to_tag = m.to_tag();
  if (m.is_response() && m.status() < 200) {
    key.rseq = sip::trim(m.header(sip::HeaderId::rseq));
    key.diagnostic = m.header(sip::HeaderId::ms_diagnostics).substr(0, 5);
  }
  return key;
}

}  // namespace

int path_position(const Message& m) {
  int vias = static_cast<int>(std::min<std::size_t>(m.sip.via_count(), kMaxVias));
  int step = m.record.direction == formats::Direction::sent ? 0 : m.record.direction == formats::Direction::received ? 2 : 1;
  return 4 * (m.sip.is_request() ? vias : kMaxVias - vias) + step;
}

LinkedObservations linked_observations(const Trace& trace, const Call& call) {
  LinkedObservations linked;
  // A client log or pasted text sees each message once: nothing to link.
  if (call.inputs.size() == 1) {
    auto format = trace.inputs[call.inputs.front()].format;
    if (format == formats::Format::client_log || format == formats::Format::sip_text) return linked;
  }
  // Copies of one message share their CSeq, method and status. When no two
  // messages of the call do, there is nothing to link and no key is built:
  // a capture at one point sees nearly every message once. The scratch
  // lists are kept per thread: every call of every batch needs them.
  thread_local std::vector<std::uint64_t> brief;
  brief.clear();
  for (std::uint32_t id : call.messages) {
    const Message& m = trace.messages[id];
    if (m.retransmission_of != kNoId || !m.sip.cseq_number()) continue;
    std::uint64_t method = std::hash<std::string_view>{}(m.sip.cseq_method());
    auto status = static_cast<std::uint64_t>(m.sip.status());
    brief.push_back((std::uint64_t{*m.sip.cseq_number()} << 32) ^ (method << 10) ^ status);
  }
  std::sort(brief.begin(), brief.end());
  if (std::adjacent_find(brief.begin(), brief.end()) == brief.end()) return linked;

  // Keys sorted by hash, so that equal keys sit together, each run in call
  // order; a run of one hash with different keys is rare and taken apart.
  struct Keyed {
    std::size_t hash;
    std::uint32_t order, id;  // id is kNoId once its group is taken
    HopKey key;
  };
  thread_local std::vector<Keyed> keyed;
  keyed.clear();
  for (std::uint32_t id : call.messages) {
    const Message& m = trace.messages[id];
    if (m.retransmission_of != kNoId) continue;
    auto key = hop_key(m);
    if (!key) continue;
    keyed.push_back({HopKeyHash{}(*key), static_cast<std::uint32_t>(keyed.size()), id, *key});
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const Keyed& a, const Keyed& b) { return a.hash != b.hash ? a.hash < b.hash : a.order < b.order; });
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> groups;  // by the order of their first
  for (std::size_t run = 0; run < keyed.size();) {
    std::size_t run_end = run + 1;
    while (run_end < keyed.size() && keyed[run_end].hash == keyed[run].hash) ++run_end;
    for (std::size_t a = run; a < run_end; ++a) {
      if (keyed[a].id == kNoId) continue;
      std::vector<std::uint32_t> ids;
      for (std::size_t b = a + 1; b < run_end; ++b) {
        if (keyed[b].id == kNoId || !(keyed[b].key == keyed[a].key)) continue;
        if (ids.empty()) ids.push_back(keyed[a].id);
        ids.push_back(keyed[b].id);
        keyed[b].id = kNoId;
      }
      if (!ids.empty()) groups.emplace_back(keyed[a].order, std::move(ids));
    }
    run = run_end;
  }
  // First-seen order, so events are numbered in time order.
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  thread_local std::vector<std::pair<int, std::uint32_t>> positioned;  // path position computed once per message
  for (auto& [first, ids] : groups) {
    positioned.clear();
    for (std::uint32_t id : ids) positioned.emplace_back(path_position(trace.messages[id]), id);
    std::stable_sort(positioned.begin(), positioned.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = positioned[i].second;
    linked.push_back(std::move(ids));
  }
  return linked;
}

void link_hops(Trace& trace, unsigned threads) {
  if (threads == 0) threads = base::core_count();
  std::vector<LinkedObservations> per_call(trace.calls.size());
  base::for_each_index(trace.calls.size(), threads,
                       [&](std::size_t c) { per_call[c] = linked_observations(trace, trace.calls[c]); }, 64);
  link_observations(trace, per_call);
}

void link_observations(Trace& trace, std::vector<LinkedObservations>& per_call) {
  trace.hop_events.clear();
  // Numbered and applied in call order, as one thread would have done.
  for (auto& groups : per_call) {
    for (auto& ids : groups) {
      auto event = static_cast<std::uint32_t>(trace.hop_events.size());
      for (std::uint32_t id : ids) trace.messages[id].hop_event = event;
      // A server log names itself, not its address; its peers' logs give the address.
      for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
        const Message& x = trace.messages[ids[i]];
        const Message& y = trace.messages[ids[i + 1]];
        if (x.record.direction != formats::Direction::sent || y.record.direction != formats::Direction::received ||
            x.input == y.input) {
          continue;
        }
        auto& sender = trace.inputs[x.input];
        auto& receiver = trace.inputs[y.input];
        if (sender.format == formats::Format::server_log && sender.local_address.empty() && !y.record.source.empty()) {
          sender.local_address = std::string(sip::address_host(y.record.source));
        }
        if (receiver.format == formats::Format::server_log && receiver.local_address.empty() &&
            !x.record.destination.empty()) {
          receiver.local_address = std::string(sip::address_host(x.record.destination));
        }
      }
      trace.hop_events.push_back({std::move(ids)});
    }
    LinkedObservations().swap(groups);
  }
}

std::int64_t ClockEvidence::Bounds::estimate(bool& consistent) const {
  consistent = low <= high;
  if (low != INT64_MIN && high != INT64_MAX) return low / 2 + high / 2;
  // One direction only: the messages' delay is unknown and taken as none.
  return high != INT64_MAX ? high : low;
}

void ClockEvidence::add(const Trace& trace) {
  for (const auto& event : trace.hop_events) {
    const auto& ids = event.observations;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      for (std::size_t j = i + 1; j < ids.size(); ++j) {
        const Message& x = trace.messages[ids[i]];
        const Message& y = trace.messages[ids[j]];
        if (x.input == y.input || !x.record.time.valid || !y.record.time.valid) continue;
        int px = path_position(x), py = path_position(y);
        std::int64_t d = y.record.time.micros - x.record.time.micros;  // y's clock minus x's, plus the delay
        // y is later on the path, so it happened later: o_y - o_x <= d. At the
        // same point (two captures side by side) the two clocks read the same.
        bool same_point = px == py;
        auto& b = pairs_[{std::min(x.input, y.input), std::max(x.input, y.input)}];
        ++b.links;
        if (x.input < y.input) {
          b.high = std::min(b.high, d);
          if (same_point) b.low = std::max(b.low, d);
        } else {
          b.low = std::max(b.low, -d);
          if (same_point) b.high = std::min(b.high, -d);
        }
      }
    }
  }
}

std::vector<ClockEstimate> ClockEvidence::estimates(const std::vector<InputInfo>& inputs) const {
  std::vector<ClockEstimate> clocks;
  if (pairs_.empty()) return clocks;
  // The reference: the input with the most links, preferring UTC clocks (server logs, captures).
  std::map<std::uint32_t, std::uint32_t> links;
  for (const auto& [key, b] : pairs_) {
    links[key.first] += b.links;
    links[key.second] += b.links;
  }
  std::uint32_t reference = links.begin()->first;
  auto utc = [&](std::uint32_t input) { return inputs[input].format != formats::Format::client_log; };
  for (const auto& [input, count] : links) {
    bool better = utc(input) != utc(reference) ? utc(input) : count > links[reference];
    if (better) reference = input;
  }
  std::map<std::uint32_t, ClockEstimate> found;
  found[reference] = {reference, reference, 0, links[reference], true};
  std::deque<std::uint32_t> queue{reference};
  while (!queue.empty()) {
    std::uint32_t a = queue.front();
    queue.pop_front();
    for (const auto& [key, b] : pairs_) {
      if (key.first != a && key.second != a) continue;
      std::uint32_t other = key.first == a ? key.second : key.first;
      if (found.count(other)) continue;
      bool consistent = true;
      std::int64_t difference = b.estimate(consistent);  // o_second - o_first
      std::int64_t offset = found[a].offset_micros + (key.first == a ? difference : -difference);
      found[other] = {other, reference, offset, b.links, consistent && found[a].consistent};
      queue.push_back(other);
    }
  }
  for (auto& [input, estimate] : found) {
    if (input != reference) clocks.push_back(estimate);
  }
  return clocks;
}

void estimate_clocks(Trace& trace) {
  ClockEvidence evidence;
  evidence.add(trace);
  trace.clocks = evidence.estimates(trace.inputs);
}

std::uint32_t representative(const Trace& trace, std::uint32_t message) {
  const Message& m = trace.messages[message];
  std::uint32_t original = m.retransmission_of != kNoId ? m.retransmission_of : message;
  std::uint32_t event = trace.messages[original].hop_event;
  if (event == kNoId) return message;
  std::uint32_t first = trace.hop_events[event].observations.front();
  return original == first ? message : first;
}

std::string end_host(const Trace& trace, const Message& message, bool source_end) {
  const auto& r = message.record;
  const auto& input = trace.inputs[message.input];
  bool local = r.direction != formats::Direction::unknown && (r.direction == formats::Direction::sent) == source_end;
  if (local && input.format == formats::Format::server_log && !input.local_address.empty()) return input.local_address;
  return std::string(sip::address_host(source_end ? r.source : r.destination));
}

std::vector<std::string> hop_path(const Trace& trace, std::uint32_t message) {
  const Message* fullest = &trace.messages[message];
  if (fullest->hop_event != kNoId) {
    for (std::uint32_t id : trace.hop_events[fullest->hop_event].observations) {
      if (trace.messages[id].sip.via_count() > fullest->sip.via_count()) fullest = &trace.messages[id];
    }
  }
  std::vector<std::string> vias;  // sent-by hosts, top first
  fullest->sip.for_each(sip::HeaderId::via, [&](std::string_view value) {
    sip::ListCursor list(value);
    std::string_view item;
    while (list.next(item)) vias.emplace_back(sip::address_host(sip::parse_via(item).sent_by));
  });
  std::vector<std::string> path;
  auto add = [&](const std::string& host) {
    if (!host.empty() && (path.empty() || path.back() != host)) path.push_back(host);
  };
  if (fullest->sip.is_request()) {
    for (auto it = vias.rbegin(); it != vias.rend(); ++it) add(*it);
    add(end_host(trace, *fullest, false));
  } else {
    add(end_host(trace, *fullest, true));
    // A 100 Trying goes back one hop only; other responses retrace every Via.
    for (const auto& v : vias) {
      add(v);
      if (fullest->sip.status() == 100) break;
    }
  }
  return path;
}

}  // namespace sipsleuth::model
