#include "analysis/media_path.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "sip/ms_diagnostics.hpp"
#include "sip/sdp.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::analysis {
namespace {

using formats::NetEndpoint;
using formats::Severity;
using formats::TcpOutcome;

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kQuarterHour = 15 * 60 * kSecond;
constexpr std::int64_t kMaxClockOffset = 14 * 3600 * kSecond;  // time zones run from -12 to +14
constexpr std::int64_t kBeforeCall = 60 * kSecond;   // ICE may start before the final answer reaches the log
constexpr std::int64_t kAfterCall = 300 * kSecond;   // sharing and relays connect after the 200 OK

std::string normalized_media(std::string_view media) {
  std::string out;
  for (char c : media) {
    if (c != '-') out.push_back(sip::to_lower(c));
  }
  return out;
}

std::string_view side_name(model::Role side) { return side == model::Role::caller ? "caller" : "callee"; }

std::optional<std::uint16_t> port_number(std::string_view text) {
  auto n = sip::parse_uint(sip::trim(text));
  if (!n || *n == 0 || *n > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

// "1.1.1.1:50704" or "[2001:db8::1]:50704"
std::optional<NetEndpoint> endpoint_text(std::string_view text) {
  text = sip::trim(text);
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto port = port_number(text.substr(colon + 1));
  if (!port) return std::nullopt;
  return NetEndpoint::parse(text.substr(0, colon), *port);
}

bool is_tcp_transport(std::string_view transport) { return sip::istarts_with(transport, "tcp"); }

class Collector {
 public:
  explicit Collector(std::vector<SignalledAddress>& out) : out_(out) {}
  void add(std::optional<NetEndpoint> address, bool tcp, MediaAddressKind kind, model::Role side, std::string media,
           std::string role, std::uint32_t message) {
    if (!address || address->port == 0) return;
    auto key = std::make_pair(address->text(), tcp);
    if (!seen_.insert(key).second) return;
    out_.push_back({*address, tcp, kind, side, std::move(media), std::move(role), message});
  }

 private:
  std::vector<SignalledAddress>& out_;
  std::set<std::pair<std::string, bool>> seen_;
};

model::Role sender_side(const model::Call& call, const sip::Message& m) {
  std::string_view caller_tag;
  for (const auto& e : call.endpoints) {
    if (e.role == model::Role::caller) caller_tag = e.tag;
  }
  std::string_view from_tag = sip::name_addr_param(m.header(sip::HeaderId::from), "tag");
  bool from_caller = caller_tag.empty() || from_tag == caller_tag;
  // Requests come from the From side, responses from the To side.
  return (m.is_request() == from_caller) ? model::Role::caller : model::Role::callee;
}

void collect_sdp(const model::Call& call, const model::Message& message, Collector& collect) {
  const sip::Message& m = message.sip;
  auto media = sip::message_media(m.header(sip::HeaderId::content_type), message.record.parts.body);
  if (media.empty()) return;
  model::Role side = sender_side(call, m);
  std::string_view who = side_name(side);
  for (const auto& line : media) {
    std::string name = normalized_media(line.media);
    for (const auto& c : line.candidates) {
      auto port = port_number(c.port);
      if (!port) continue;
      bool tcp = is_tcp_transport(c.transport);
      MediaAddressKind kind = MediaAddressKind::host;
      if (sip::iequals(c.type, "relay")) kind = MediaAddressKind::relay;
      else if (sip::iequals(c.type, "srflx") || sip::iequals(c.type, "prflx")) kind = MediaAddressKind::reflexive;
      std::string role = kind == MediaAddressKind::relay       ? fmt::format("the {}'s Edge relay, relay candidate", who)
                         : kind == MediaAddressKind::reflexive ? fmt::format("the {}'s reflexive candidate", who)
                                                               : fmt::format("the {}'s host candidate", who);
      collect.add(NetEndpoint::parse(c.address, *port), tcp, kind, side, name, role, message.id);
      if (kind == MediaAddressKind::relay && !c.related_address.empty()) {
        if (auto related = port_number(c.related_port)) {
          collect.add(NetEndpoint::parse(c.related_address, *related), tcp, MediaAddressKind::relay_base, side, name,
                      fmt::format("the {}'s client, base of its relay candidate", who), message.id);
        }
      }
    }
    if (auto port = port_number(line.port)) {
      collect.add(NetEndpoint::parse(line.connection, *port), sip::istarts_with(line.protocol, "TCP"),
                  MediaAddressKind::connection, side, name, fmt::format("the {}'s SDP connection address", who), message.id);
    }
  }
}

void collect_media_debug(const model::Message& message, Collector& collect) {
  std::string_view value = message.sip.header(sip::HeaderId::ms_client_diagnostics);
  if (value.empty()) return;
  auto parsed = sip::parse_diagnostic(value);
  for (std::string_view key : {"CallerMediaDebug", "CalleeMediaDebug"}) {
    auto debug = parsed.field(key);
    if (!debug) continue;
    model::Role local = key == "CallerMediaDebug" ? model::Role::caller : model::Role::callee;
    model::Role remote = local == model::Role::caller ? model::Role::callee : model::Role::caller;
    for (const auto& media : sip::parse_media_debug(*debug)) {
      std::string name = normalized_media(media.media);
      bool tcp_only = name == "applicationsharing";
      for (auto [prefix, side] : {std::pair{std::string_view("Local"), local}, std::pair{std::string_view("Remote"), remote}}) {
        auto mr = media.field(std::string(prefix) + "MR");
        if (!mr) continue;
        auto address = endpoint_text(*mr);
        std::string role = fmt::format("the {}'s Edge relay, {}MR", side_name(side), prefix);
        collect.add(address, tcp_only, MediaAddressKind::media_relay, side, name, role, message.id);
        auto tcp_port = media.field(std::string(prefix) + "MRTCPPort");
        if (address && tcp_port) {
          if (auto port = port_number(*tcp_port)) {
            NetEndpoint tcp_address = *address;
            tcp_address.port = *port;
            collect.add(tcp_address, true, MediaAddressKind::media_relay, side, name,
                        fmt::format("the {}'s Edge relay, {}MRTCPPort", side_name(side), prefix), message.id);
          }
        }
      }
    }
  }
}

bool edge_port(std::uint16_t port, bool tcp) {
  if (port >= kEdgeMediaFirstPort && port <= kEdgeMediaLastPort) return true;
  return tcp ? port == 443 : port == 3478;
}

std::string clock(const formats::Timestamp& t) { return t.valid ? model::format_time_of_day(t) : "?"; }

std::string offset_text(std::int64_t micros) {
  std::int64_t minutes = (micros < 0 ? -micros : micros) / (60 * kSecond);
  return fmt::format("{}{}h{:02d}", micros < 0 ? "-" : "+", minutes / 60, minutes % 60);
}

// One end of a flow as the signalling names it.
struct EndMatch {
  const SignalledAddress* signalled = nullptr;
  bool by_port = false;  // the capture shows a private address where the signalling has a public one
};

struct MatchedFlow {
  model::FlowRef ref;
  EndMatch first, second;  // TCP: client, server; UDP: a, b
  formats::Timestamp start;
};

class Matcher {
 public:
  Matcher(const model::Trace& trace, const std::vector<SignalledAddress>& signalled) : trace_(trace), signalled_(signalled) {}

  std::vector<MatchedFlow> flows() const {
    std::vector<MatchedFlow> found;
    std::set<std::tuple<std::uint32_t, bool, std::uint32_t>> seen;
    for (const auto& s : signalled_) {
      for (const model::FlowRef& ref : trace_.flows.at(s.address)) {
        if (!seen.emplace(ref.input, ref.tcp, ref.index).second) continue;
        const auto& flows = trace_.inputs[ref.input].flows;
        MatchedFlow m{ref, {}, {}, {}};
        if (ref.tcp) {
          const auto& a = flows.tcp[ref.index];
          m.first = match(a.client, true);
          m.second = match(a.server, true);
          m.start = a.first_syn;
        } else {
          const auto& u = flows.udp[ref.index];
          m.first = match(u.a, false);
          m.second = match(u.b, false);
          m.start = u.first;
        }
        found.push_back(m);
      }
    }
    return found;
  }

 private:
  EndMatch match(const NetEndpoint& end, bool tcp) const {
    const SignalledAddress* by_port = nullptr;
    for (const auto& s : signalled_) {
      if (s.address == end) {
        if (s.tcp == tcp) return {&s, false};
        if (!by_port) by_port = &s;  // right address, other transport: still this endpoint
      }
    }
    if (by_port) return {by_port, false};
    if (!end.is_private()) return {};
    for (const auto& s : signalled_) {
      if (s.address.port == end.port && s.tcp == tcp && !s.address.is_private() && !s.address.same_ip(end)) return {&s, true};
    }
    return {};
  }

  const model::Trace& trace_;
  const std::vector<SignalledAddress>& signalled_;
};

std::string end_text(const NetEndpoint& end, const EndMatch& match) {
  if (!match.signalled) return end.text();
  if (match.by_port) return fmt::format("{} (= {} behind NAT: {})", end.text(), match.signalled->address.text(), match.signalled->role);
  return fmt::format("{} ({})", end.text(), match.signalled->role);
}

bool on_relay_path(const EndMatch& m) {
  if (!m.signalled) return false;
  auto k = m.signalled->kind;
  return k == MediaAddressKind::relay || k == MediaAddressKind::media_relay || k == MediaAddressKind::relay_base;
}

// Both ends are addresses of the call, one of each side: a leg that carries
// the media between the parties (relay to relay, or a direct pair), not a
// client's leg to its own relay.
bool end_to_end(const MatchedFlow& f) {
  return f.first.signalled && f.second.signalled && f.first.signalled->side != f.second.signalled->side;
}

std::string media_of(const MatchedFlow& f) {
  if (f.second.signalled) return f.second.signalled->media;
  if (f.first.signalled) return f.first.signalled->media;
  return "media";
}

std::vector<std::uint32_t> messages_of(const MatchedFlow& f) {
  std::vector<std::uint32_t> ids;
  for (const EndMatch* m : {&f.first, &f.second}) {
    if (m->signalled && m->signalled->message != model::kNoId &&
        std::find(ids.begin(), ids.end(), m->signalled->message) == ids.end()) {
      ids.push_back(m->signalled->message);
    }
  }
  return ids;
}

std::string advice_for_port(std::uint16_t port, bool tcp) {
  if (port >= kEdgeMediaFirstPort && port <= kEdgeMediaLastPort) {
    return fmt::format("check the firewall rules for {} {}–{} between the Edge servers' external A/V interfaces "
                       "(outbound from each Edge, and inbound to the relay)",
                       tcp ? "TCP" : "UDP", kEdgeMediaFirstPort, kEdgeMediaLastPort);
  }
  if ((tcp && port == 443) || (!tcp && port == 3478)) {
    return fmt::format("check that {} {} reaches the Edge's A/V interface", tcp ? "TCP" : "UDP", port);
  }
  return fmt::format("check the firewall and NAT rules for {} port {}", tcp ? "TCP" : "UDP", port);
}

}  // namespace

std::vector<SignalledAddress> signalled_media(const model::Trace& trace, const model::Call& call) {
  std::vector<SignalledAddress> out;
  Collector collect(out);
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.retransmission_of != model::kNoId) continue;
    collect_media_debug(m, collect);
    collect_sdp(call, m, collect);
  }
  return out;
}

MediaPathReport check_media_path(const model::Trace& trace, const model::Call& call) {
  MediaPathReport report;
  if (!sip::iequals(call.first_method, "INVITE")) return report;
  std::vector<SignalledAddress> signalled = signalled_media(trace, call);
  if (signalled.empty()) return report;

  // Relay addresses outside the Edge's A/V ports point at a misconfigured or
  // unexpected relay before any capture is read.
  for (const auto& s : signalled) {
    bool relay = s.kind == MediaAddressKind::relay || s.kind == MediaAddressKind::media_relay;
    if (!relay || edge_port(s.address.port, s.tcp)) continue;
    report.findings.push_back(
        {"media.port_outside_edge_range", Severity::warning,
         fmt::format("{}: {} {} uses {} port {}, outside the Edge A/V ranges (UDP 3478, TCP 443, {}–{}); firewall "
                     "rules written for those ranges will block it.",
                     s.media, s.role, s.address.text(), s.tcp ? "TCP" : "UDP", s.address.port, kEdgeMediaFirstPort,
                     kEdgeMediaLastPort),
         {s.message},
         {}});
  }
  if (trace.flows.empty()) return report;
  report.checked = true;

  std::vector<MatchedFlow> matched = Matcher(trace, signalled).flows();
  // Logs keep local time, captures UTC: the capture clock is taken to be the
  // log's plus the offset (in quarter hours) that puts most of these flows
  // inside the call.
  std::int64_t offset = 0;
  std::size_t in_window = matched.size();
  if (call.start.valid && call.end.valid && !matched.empty()) {
    std::size_t best = 0;
    for (std::int64_t d = 0; d <= kMaxClockOffset; d += kQuarterHour) {
      for (std::int64_t candidate : {d, -d}) {
        std::size_t count = 0;
        for (const auto& f : matched) {
          std::int64_t t = f.start.micros - candidate;
          if (f.start.valid && t >= call.start.micros - kBeforeCall && t <= call.end.micros + kAfterCall) ++count;
        }
        if (count > best) {
          best = count;
          offset = candidate;
        }
        if (d == 0) break;
      }
    }
    in_window = best;
    matched.erase(std::remove_if(matched.begin(), matched.end(),
                                 [&](const MatchedFlow& f) {
                                   std::int64_t t = f.start.micros - offset;
                                   return f.start.valid &&
                                          (t < call.start.micros - kBeforeCall || t > call.end.micros + kAfterCall);
                                 }),
                  matched.end());
  }
  if (in_window > 0) {
    // Name the clocks compared: the capture of the first matched flow and the log of the call's first message.
    const auto& capture = trace.inputs[matched.front().ref.input];
    const auto* log = call.messages.empty() ? nullptr : &trace.inputs[trace.messages[call.messages.front()].input];
    std::string given;
    for (const auto* input : {&capture, log}) {
      if (input && input->clock_offset_micros != 0) {
        given += fmt::format("; --offset moved {} by {:+.3f}s", input->name,
                             static_cast<double>(input->clock_offset_micros) / kSecond);
      }
    }
    report.findings.push_back(
        {"media.clock_offset", Severity::info,
         fmt::format("Clock offset used: {} reads {} against {} for this call (the quarter-hour offset that puts "
                     "most of the {} flow{} of its media addresses inside the call){}; capture times below are the "
                     "capture's own.",
                     capture.name, offset_text(offset), log ? log->name : std::string("the signalling"), in_window,
                     in_window == 1 ? "" : "s", given),
         {},
         {}});
  }
  std::map<std::string, bool> media_up;        // media -> some path connected
  std::map<std::string, bool> relay_failure;   // media -> a relay-path attempt failed
  std::set<std::string> nat_reported;
  for (const auto& f : matched) {
    const auto& input = trace.inputs[f.ref.input];
    std::string media = media_of(f);
    // A failure counts against the call only on a leg between the parties
    // that involves a relay; failed checks of host candidates are normal ICE.
    bool relay_path = end_to_end(f) && (on_relay_path(f.first) || on_relay_path(f.second));
    for (const EndMatch* m : {&f.first, &f.second}) {
      if (!m->by_port) continue;
      const NetEndpoint& seen = m == &f.first ? (f.ref.tcp ? input.flows.tcp[f.ref.index].client : input.flows.udp[f.ref.index].a)
                                              : (f.ref.tcp ? input.flows.tcp[f.ref.index].server : input.flows.udp[f.ref.index].b);
      std::string key = seen.ip_text() + ">" + m->signalled->address.ip_text();
      if (!nat_reported.insert(key).second) continue;
      report.findings.push_back(
          {"media.nat", Severity::info,
           fmt::format("{} shows {} where the signalling has {} ({}): that address is behind NAT; matched by port {}.",
                       input.name, seen.ip_text(), m->signalled->address.ip_text(), m->signalled->role, seen.port),
           {m->signalled->message},
           {}});
    }
    if (f.ref.tcp) {
      const auto& a = input.flows.tcp[f.ref.index];
      std::string client = end_text(a.client, f.first);
      std::string server = end_text(a.server, f.second);
      bool up = (a.outcome == TcpOutcome::established || a.outcome == TcpOutcome::midstream) && a.packets_to_client > 0;
      if (up) {
        if (end_to_end(f)) media_up[media] = true;
        report.findings.push_back(
            {"media.connected", Severity::info,
             fmt::format("{}: TCP {} → {} {} ({} packets out, {} back; {} packet {}, {}).", media, client, server,
                         a.outcome == TcpOutcome::midstream ? "was already open when the capture started" : "connected",
                         a.packets_to_server, a.packets_to_client, input.name, a.first_packet, clock(a.first_syn)),
             messages_of(f),
             {}});
        continue;
      }
      if (a.outcome == TcpOutcome::refused) {
        relay_failure[media] |= relay_path;
        report.findings.push_back(
            {"media.tcp_refused", relay_path ? Severity::error : Severity::info,
             fmt::format("{}: {} refused TCP from {}: {} SYN answered by RST, {} – {} ({} packets {}–{}); {}.", media,
                         server, client, a.syns, clock(a.first_syn), clock(a.last_reset.valid ? a.last_reset : a.answer),
                         input.name, a.first_packet, std::max(a.last_reset_packet, a.answer_packet),
                         advice_for_port(a.server.port, true)),
             messages_of(f),
             {}});
      } else if (a.outcome == TcpOutcome::unanswered) {
        relay_failure[media] |= relay_path;
        report.findings.push_back(
            {"media.tcp_unanswered", relay_path ? Severity::error : Severity::info,
             fmt::format("{}: TCP from {} to {} was never answered: {} SYN, {} – {} ({} packets {}–{}); a firewall "
                         "drops it silently: {}.",
                         media, client, server, a.syns, clock(a.first_syn), clock(a.last_syn), input.name,
                         a.first_packet, a.last_syn_packet, advice_for_port(a.server.port, true)),
             messages_of(f),
             {}});
      }
      continue;
    }
    const auto& u = input.flows.udp[f.ref.index];
    std::string a_text = end_text(u.a, f.first);
    std::string b_text = end_text(u.b, f.second);
    if (u.packets_a_to_b > 0 && u.packets_b_to_a > 0) {
      if (end_to_end(f)) media_up[media] = true;
      report.findings.push_back(
          {"media.connected", Severity::info,
           fmt::format("{}: UDP {} ⇄ {}: {} packets one way, {} back{} ({} packets {}–{}).", media, a_text, b_text,
                       u.packets_a_to_b, u.packets_b_to_a,
                       u.stun_successes ? fmt::format(", {} STUN success response(s)", u.stun_successes) : std::string(),
                       input.name, u.first_packet, u.last_packet),
           messages_of(f),
           {}});
      continue;
    }
    relay_failure[media] |= relay_path;
    report.findings.push_back(
        {"media.udp_one_way", relay_path ? Severity::error : Severity::info,
         fmt::format("{}: UDP {} → {}: {} packet{}{}, none back, {} – {} ({} packets {}–{}); the far side or a "
                     "firewall drops UDP to port {}: {}.",
                     media, a_text, b_text, u.packets_a_to_b, u.packets_a_to_b == 1 ? "" : "s",
                     u.stun_requests ? fmt::format(" ({} STUN request(s))", u.stun_requests) : std::string(),
                     clock(u.first), clock(u.last), input.name, u.first_packet, u.last_packet, u.b.port,
                     advice_for_port(u.b.port, false)),
         messages_of(f),
         {}});
  }
  for (const auto& [media, failed] : relay_failure) {
    if (failed && !media_up[media]) report.media_failed = true;
  }

  // The relay-to-relay leg MediaDebug names, with no packet at all while the capture was running.
  std::map<std::string, std::vector<const SignalledAddress*>> relays;
  for (const auto& s : signalled) {
    if (s.kind == MediaAddressKind::media_relay) relays[s.media].push_back(&s);
  }
  for (const auto& entry : relays) {
    const std::string& media = entry.first;
    const auto& list = entry.second;
    bool any = std::any_of(matched.begin(), matched.end(), [&](const MatchedFlow& f) { return media_of(f) == media; });
    if (any || list.empty() || !call.start.valid) continue;
    std::vector<std::string> names;
    for (const auto* s : list) names.push_back(fmt::format("{} {}", s->role, s->address.text()));
    for (std::uint32_t i = 0; i < trace.inputs.size(); ++i) {
      const auto& flows = trace.inputs[i].flows;
      // A capture of signalling only (a SIP port filter) says nothing about media.
      if (!flows.has_media_candidates()) continue;
      // Only a capture that was running during the call can say nothing was attempted.
      std::int64_t first = INT64_MAX, last = INT64_MIN;
      for (const auto& a : flows.tcp) {
        if (!a.signalling) first = std::min(first, a.first_syn.micros), last = std::max(last, a.first_syn.micros);
      }
      for (const auto& u : flows.udp) {
        if (!u.signalling) first = std::min(first, u.first.micros), last = std::max(last, u.last.micros);
      }
      if (first - offset > call.start.micros || last - offset < call.end.micros) continue;
      std::string joined;
      for (const auto& n : names) joined += (joined.empty() ? "" : ", ") + n;
      report.findings.push_back(
          {"media.not_attempted", Severity::warning,
           fmt::format("{}: {} ran through the call but holds no packet to or from {}; the relays never tried this "
                       "path from where the capture was taken (capture on the other Edge, or traffic blocked before it).",
                       media, trace.inputs[i].name, joined),
           {list.front()->message},
           {}});
    }
  }
  return report;
}

}  // namespace sipsleuth::analysis
