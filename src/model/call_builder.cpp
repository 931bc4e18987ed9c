// Groups messages into calls and works out what each call is: its kind, who
// called whom, its transactions, forks, endpoints and outcome.
#include <algorithm>
#include <array>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/parallel.hpp"
#include "model/call_ids.hpp"
#include "model/hops.hpp"
#include "model/trace.hpp"
#include "sip/sdp.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::model {
namespace {

void widen_span(Call& call, const Timestamp& t) {
  if (!t.valid) return;
  if (!call.start.valid || t < call.start) call.start = t;
  if (!call.end.valid || call.end < t) call.end = t;
}

// The media types a message's SDP offers, as a call's kind reads them. Lync
// uses its own names ("applicationsharing") next to RFC ones.
struct MediaSeen {
  bool audio = false, video = false, sharing = false, message = false, data = false;
  std::optional<std::string> other;  // the first in sorted order of any other type, lower-cased (maybe "")

  void add(std::string_view type) {
    if (sip::iequals(type, "audio")) {
      audio = true;
    } else if (sip::iequals(type, "video")) {
      video = true;
    } else if (sip::iequals(type, "applicationsharing") || sip::iequals(type, "application-sharing")) {
      sharing = true;
    } else if (sip::iequals(type, "message")) {
      message = true;
    } else if (sip::iequals(type, "data")) {
      data = true;
    } else {
      std::string lower = sip::to_lower_copy(type);
      if (!other || lower < *other) other = std::move(lower);
    }
  }
  // Empty when there is no SDP, or no m= line in it.
  std::string kind() const {
    if (sharing) return "application-sharing";
    if (message) return "im";
    if (audio && video) return "audio-video";
    if (video) return "video";
    if (audio) return "audio";
    if (data) return "data";
    return other.value_or(std::string{});
  }
};

MediaSeen media_of(const sip::Message& m) {
  MediaSeen media;
  for (const auto& part : sip::split_body(m.header(sip::HeaderId::content_type), m.parts().body)) {
    if (!sip::iequals(part.content_type, "application/sdp") && !sip::looks_like_sdp(part.body)) continue;
    sip::for_each_sdp_media_type(part.body, [&](std::string_view type) { media.add(type); });
  }
  return media;
}

std::string kind_of(std::string_view method, const Trace& trace, const Call& call) {
  std::string lower = sip::to_lower_copy(method);
  if (lower == "invite") {
    for (std::uint32_t id : call.messages) {
      const sip::Message& m = trace.messages[id].sip;
      if (m.cseq_method() != "INVITE" && !sip::iequals(m.cseq_method(), "invite")) continue;
      std::string_view type = m.header(sip::HeaderId::content_type);
      if (sip::istarts_with(type, "application/cccp+xml")) return "conference";
      std::string kind = media_of(m).kind();
      if (!kind.empty()) return kind;
    }
    return "invite";
  }
  if (lower == "message") return "im";
  if (lower == "benotify") return "notify";
  return lower;
}

// A retransmission repeats every byte, so numbers that differ between the
// messages of one call (CSeq, status, the parts' sizes) find the candidates
// without reading the text; same_content() then compares everything.
std::size_t content_hash(const Message& m) {
  std::size_t v = m.sip.cseq_number().value_or(0);
  v = v * 1000003u ^ static_cast<std::size_t>(m.sip.status());
  v = v * 1000003u ^ m.record.parts.start_line.size();
  v = v * 1000003u ^ m.record.parts.header_block.size();
  v = v * 1000003u ^ m.record.parts.body.size();
  return v;
}

bool same_content(const formats::SipRecord& a, const formats::SipRecord& b) {
  return a.parts.start_line == b.parts.start_line && a.parts.header_block == b.parts.header_block &&
         a.parts.body == b.parts.body && a.source == b.source && a.destination == b.destination;
}

}  // namespace

void check_message(Message& m, std::vector<Finding>& findings) {
  auto add = [&](std::string code, Severity severity, std::string detail) {
    findings.push_back({std::move(code), severity, m.input, m.record.location, std::move(detail), m.id});
  };
  for (auto& issue : m.record.framing_issues) add(std::string(issue.code), Severity::warning, std::move(issue.detail));
  for (const auto& issue : m.sip.issues()) add(std::string(issue.code), Severity::warning, issue.detail);
  // Nearly every message is plain ASCII: one quick look rules out both.
  const sip::MessageParts& parts = m.record.parts;
  if (!sip::ascii_without_nul(parts.start_line) || !sip::ascii_without_nul(parts.header_block)) {
    if (parts.start_line.find('\0') != std::string_view::npos ||
        parts.header_block.find('\0') != std::string_view::npos) {
      add("sip.nul_byte", Severity::warning, "the message contains NUL bytes (shown as \\x00)");
    }
    if (!sip::valid_utf8(parts.start_line) || !sip::valid_utf8(parts.header_block)) {
      add("sip.invalid_utf8", Severity::warning,
          "the message headers are not valid UTF-8 (shown with replacement characters)");
    }
  }
  if (m.sip.header(sip::HeaderId::call_id).empty()) {
    add("sip.missing_call_id", Severity::warning, "the message has no Call-ID; it cannot be grouped into a call");
  }
  if (!m.sip.header(sip::HeaderId::call_id).empty() && !m.sip.cseq_number()) {
    add("sip.missing_cseq", Severity::warning, "the message has no valid CSeq");
  }
}

namespace {

void add_endpoint(Call& call, Role role, std::string_view tag, std::string_view epid, std::string_view ua,
                  std::string_view contact) {
  if (tag.empty() && epid.empty()) return;
  for (auto& e : call.endpoints) {
    if (e.role == role && e.tag == tag && (e.epid == epid || e.epid.empty() || epid.empty())) {
      if (e.epid.empty()) e.epid = epid;
      if (e.user_agent.empty()) e.user_agent = ua;
      if (e.contact.empty()) e.contact = contact;
      return;
    }
  }
  call.endpoints.push_back({role, epid, tag, ua, contact});
}

std::string_view contact_uri(const sip::Message& m) {
  std::string_view value = m.header(sip::HeaderId::contact);
  if (value.empty()) return {};
  sip::ListCursor list(value);
  std::string_view first;
  if (!list.next(first)) return {};
  return sip::parse_name_addr(first).uri;
}

// When one endpoint answers, the server cancels the others with
// "Reason: SIP;cause=200;text=\"Call completed elsewhere\"" and they answer 487.
void mark_forks_cancelled(const Trace& trace, Call& call) {
  if (call.forks.empty()) return;
  bool completed_elsewhere = false;
  for (std::uint32_t id : call.messages) {
    const Message& m = trace.messages[id];
    if (!m.sip.is_request() || m.sip.method() != "CANCEL") continue;
    std::string_view reason = m.sip.header(sip::HeaderId::reason);
    if (sip::ifind(reason, "cause=200") != std::string_view::npos ||
        sip::ifind(reason, "completed elsewhere") != std::string_view::npos) {
      completed_elsewhere = true;
    }
  }
  for (const auto& tx : call.transactions) {
    if (tx.method != "INVITE" || tx.in_dialog) continue;
    for (std::uint32_t id : tx.messages) {
      const Message& m = trace.messages[id];
      if (m.sip.status() < 300) continue;
      std::string_view tag = m.sip.to_tag();
      for (auto& fork : call.forks) {
        if (!tag.empty() && fork.to_tag == tag) {
          fork.failure_status = m.sip.status();
          fork.completed_elsewhere = completed_elsewhere && m.sip.status() == 487;
        }
      }
    }
  }
}

void analyse_call(Trace& trace, Call& call) {
  const Message& first = trace.messages[call.messages.front()];
  call.first_method = first.sip.is_request() ? first.sip.method() : first.sip.cseq_method();
  // The initial request's From/To, if the trace has it; else the first message's.
  const Message* origin = &first;
  for (std::uint32_t id : call.messages) {
    const Message& m = trace.messages[id];
    if (m.sip.is_request() && m.sip.method() == call.first_method) {
      origin = &m;
      break;
    }
  }
  auto from = sip::parse_name_addr(origin->sip.header(sip::HeaderId::from));
  auto to = sip::parse_name_addr(origin->sip.header(sip::HeaderId::to));
  call.from_uri = sip::uri_address_of_record(from.uri);
  call.to_uri = sip::uri_address_of_record(to.uri);
  call.from_display = from.display_name;
  call.to_display = to.display_name;
  std::string_view caller_tag = origin->sip.from_tag();

  std::vector<std::uint32_t> inputs;
  // First observations by content hash, open addressing: on the stack for
  // the handful of messages most calls have, else in one allocation.
  std::size_t capacity = 8;
  int capacity_bits = 3;
  while (capacity < call.messages.size() * 2) {
    capacity <<= 1;
    ++capacity_bits;
  }
  using Seen = std::pair<std::size_t, std::uint32_t>;
  constexpr std::size_t kSeenOnStack = 64;
  std::array<Seen, kSeenOnStack> seen_on_stack;
  std::vector<Seen> seen_on_heap;
  Seen* seen = seen_on_stack.data();
  if (capacity > kSeenOnStack) {
    seen_on_heap.resize(capacity);
    seen = seen_on_heap.data();
  }
  std::fill(seen, seen + capacity, Seen{0, kNoId});
  // Room for a usual call at once, rather than grown one doubling at a time:
  // an INVITE, its ACK and BYE, each with a few responses, from two ends.
  call.transactions.reserve(std::min<std::size_t>(call.messages.size(), 4));
  call.endpoints.reserve(2);
  for (std::uint32_t id : call.messages) {
    Message& m = trace.messages[id];
    if (inputs.empty() || inputs.back() != m.input) inputs.push_back(m.input);
    widen_span(call, m.record.time);
    if (call.conversation_id.empty()) call.conversation_id = m.sip.header(sip::HeaderId::ms_conversation_id);

    // Retransmissions: the same bytes observed again at the same point.
    std::size_t key = content_hash(m) ^ (std::size_t{m.input} << 1) ^ static_cast<std::size_t>(m.record.direction);
    std::size_t slot = static_cast<std::size_t>((std::uint64_t{key} * 0x9e3779b97f4a7c15ull) >> (64 - capacity_bits));
    for (; seen[slot].second != kNoId; slot = (slot + 1) & (capacity - 1)) {
      if (seen[slot].first != key) continue;
      const Message& e = trace.messages[seen[slot].second];
      if (e.input == m.input && e.record.direction == m.record.direction && same_content(e.record, m.record)) {
        m.retransmission_of = seen[slot].second;
        ++call.retransmissions;
        break;
      }
    }
    if (m.retransmission_of == kNoId) seen[slot] = {key, id};

    // Transactions by CSeq number and method.
    auto number = m.sip.cseq_number();
    std::string_view method = m.sip.cseq_method();
    if (number) {
      Transaction* tx = nullptr;
      for (auto& t : call.transactions) {
        if (t.cseq == *number && t.method == method) tx = &t;
      }
      if (!tx) {
        call.transactions.push_back({*number, method, {}, false, {}, 0});
        tx = &call.transactions.back();
        tx->messages.reserve(4);  // a request, a provisional, a final response, a copy
      }
      tx->messages.push_back(id);
      if (m.sip.is_request()) {
        if (tx->branch.empty()) {
          auto via = sip::parse_via(m.sip.header(sip::HeaderId::via));
          tx->branch = via.branch().value_or(std::string_view{});
        }
        if (!m.sip.to_tag().empty()) tx->in_dialog = true;
      } else if (m.sip.status() >= 200 && (tx->final_status < 200 || tx->final_status >= 300)) {
        tx->final_status = m.sip.status();
      }
    }

    // Endpoints: the sender of a request is identified by From, of a response by To.
    std::string_view ua = m.sip.header(sip::HeaderId::user_agent);
    if (ua.empty()) ua = m.sip.header(sip::HeaderId::server);
    if (m.sip.is_request()) {
      std::string_view tag = m.sip.from_tag();
      add_endpoint(call, tag == caller_tag ? Role::caller : Role::callee, tag, m.sip.from_epid(), ua,
                   contact_uri(m.sip));
    } else if (m.sip.is_response()) {
      std::string_view tag = m.sip.to_tag();
      if (!tag.empty()) add_endpoint(call, Role::callee, tag, m.sip.to_epid(), ua, contact_uri(m.sip));
    }
  }
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  call.inputs = std::move(inputs);

  // Outcome: the final response to the last out-of-dialog transaction of the
  // initial method (authentication retries send the request again with a new CSeq).
  const Transaction* initial = nullptr;
  for (const auto& tx : call.transactions) {
    if (tx.method == call.first_method && !tx.in_dialog && tx.final_status > 0) initial = &tx;
  }
  // A trace that starts inside a dialog (an IM session, a capture begun late)
  // has only in-dialog requests: the first of them stands for the call.
  if (!initial) {
    for (const auto& tx : call.transactions) {
      if (tx.method == call.first_method && tx.final_status > 0) {
        initial = &tx;
        break;
      }
    }
  }
  if (initial) {
    call.final_status = initial->final_status;
    for (std::uint32_t id : initial->messages) {
      const Message& m = trace.messages[id];
      if (m.sip.is_response() && m.sip.status() == initial->final_status) {
        call.final_reason = m.sip.reason();
        break;
      }
    }
  }

  // Forks: distinct remote endpoints (To-tag, epid) that sent 18x or 2xx to an initial INVITE.
  if (sip::iequals(call.first_method, "INVITE")) {
    for (const auto& tx : call.transactions) {
      if (tx.method != "INVITE" || tx.in_dialog) continue;
      for (std::uint32_t id : tx.messages) {
        const Message& m = trace.messages[id];
        int status = m.sip.status();
        if (!(status >= 180 && status < 300)) continue;
        std::string_view tag = m.sip.to_tag();
        std::string_view epid = m.sip.to_epid();
        if (tag.empty() && epid.empty()) continue;
        auto it = std::find_if(call.forks.begin(), call.forks.end(),
                               [&](const Fork& f) { return f.to_tag == tag && f.epid == epid; });
        if (it == call.forks.end()) {
          std::string_view ua = m.sip.header(sip::HeaderId::user_agent);
          if (ua.empty()) ua = m.sip.header(sip::HeaderId::server);
          call.forks.push_back({tag, epid, ua, contact_uri(m.sip), status, id});
        } else {
          it->best_status = std::max(it->best_status, status);
        }
      }
    }
  }
  mark_forks_cancelled(trace, call);
  call.kind = kind_of(call.first_method, trace, call);
}

void group_calls(Trace& trace, unsigned threads);

}  // namespace

void build_calls(Trace& trace, unsigned threads) {
  if (threads == 0) threads = base::core_count();
  // Findings per chunk, appended in chunk order: the same list whatever the threads did.
  base::Chunking chunks = base::chunking(trace.messages.size(), threads, 4096);
  std::vector<std::vector<Finding>> findings(chunks.chunks());
  base::for_each_chunk(chunks, threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) check_message(trace.messages[i], findings[chunk]);
  });
  for (auto& list : findings) std::move(list.begin(), list.end(), std::back_inserter(trace.findings));
  group_calls(trace, threads);
  link_hops(trace, threads);
  estimate_clocks(trace);
}

void align_clocks(Trace& trace, unsigned threads) {
  std::vector<std::int64_t> shift(trace.inputs.size(), 0);
  for (const auto& c : trace.clocks) shift[c.input] = -c.offset_micros;
  auto move = [&](Timestamp& t, std::uint32_t input) {
    if (t.valid) t.micros += shift[input];
  };
  for (auto& m : trace.messages) {
    move(m.record.time, m.input);
    m.call = kNoId;
    m.retransmission_of = kNoId;
    m.hop_event = kNoId;
  }
  for (auto& e : trace.events) {
    move(e.event.time, e.input);
    e.call = kNoId;
  }
  for (std::uint32_t i = 0; i < trace.inputs.size(); ++i) {
    auto& info = trace.inputs[i];
    info.clock_offset_micros += shift[i];
    info.flows.shift_times(shift[i]);
  }
  trace.messages_without_call_id = 0;
  trace.calls.clear();
  group_calls(trace, threads);
  link_hops(trace, threads);
  trace.clocks_aligned = true;  // the estimates stay as they were measured
}

namespace {

void group_calls(Trace& trace, unsigned threads) {
  // One timeline across inputs; untimed messages (raw text) keep their order, last.
  std::vector<std::uint32_t> order(trace.messages.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto time_key = [&](std::uint32_t id) {
    const auto& t = trace.messages[id].record.time;
    return t.valid ? t.micros : INT64_MAX;
  };
  auto earlier = [&](std::uint32_t a, std::uint32_t b) { return time_key(a) < time_key(b); };
  // A single log is nearly always in time order already.
  if (!std::is_sorted(order.begin(), order.end(), earlier)) std::stable_sort(order.begin(), order.end(), earlier);

  std::vector<std::size_t> hashes(trace.messages.size());
  base::for_each_index(
      trace.messages.size(), threads,
      [&](std::size_t i) { hashes[i] = formats::hash_call_id(trace.messages[i].sip.call_id()); }, 4096);
  std::vector<Call> calls;
  CallIdIndex table(trace.messages.size() / 4 + trace.events.size() / 4 + 16, false);
  auto call_index = [&](std::string_view call_id, std::size_t hash) {
    auto [index, added] = table.find_or_add(call_id, hash);
    if (added) calls.emplace_back().call_id = call_id;
    return index;
  };
  for (std::uint32_t id : order) {
    Message& m = trace.messages[id];
    std::string_view call_id = m.sip.call_id();
    if (call_id.empty()) {
      ++trace.messages_without_call_id;
      continue;
    }
    m.call = call_index(call_id, hashes[id]);
    calls[m.call].messages.push_back(id);
  }
  // Server diagnostic records belong to the call named in SIP-Call-ID.
  std::vector<std::uint32_t> event_order(trace.events.size());
  for (std::uint32_t i = 0; i < event_order.size(); ++i) event_order[i] = i;
  std::stable_sort(event_order.begin(), event_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return trace.events[a].event.time.micros < trace.events[b].event.time.micros;
  });
  for (std::uint32_t id : event_order) {
    Event& e = trace.events[id];
    std::string_view call_id = sip::trim(e.event.field("SIP-Call-ID"));
    if (call_id.empty()) continue;
    e.call = call_index(call_id, formats::hash_call_id(call_id));
    calls[e.call].events.push_back(id);
  }

  // Each call touches only its own messages: the calls are worked out on every core.
  base::for_each_index(calls.size(), threads, [&](std::size_t i) { work_out_call(trace, calls[i]); }, 64);
  std::stable_sort(calls.begin(), calls.end(), [](const Call& a, const Call& b) {
    std::int64_t ta = a.start.valid ? a.start.micros : INT64_MAX;
    std::int64_t tb = b.start.valid ? b.start.micros : INT64_MAX;
    return ta < tb;
  });
  for (std::uint32_t i = 0; i < calls.size(); ++i) {
    calls[i].id = i;
    for (std::uint32_t m : calls[i].messages) trace.messages[m].call = i;
    for (std::uint32_t e : calls[i].events) trace.events[e].call = i;
  }
  trace.calls = std::move(calls);
}

}  // namespace

void work_out_call(Trace& trace, Call& call) {
  if (!call.messages.empty()) {
    analyse_call(trace, call);
  } else {
    // Only diagnostic records name this call: take what they tell.
    const Event& e = trace.events[call.events.front()];
    std::string_view start_line = e.event.field("SIP-Start-Line");
    std::string_view method = start_line.substr(0, start_line.find(' '));
    if (method.empty())
      method = sip::trim(e.event.field("SIP-CSeq")).substr(sip::trim(e.event.field("SIP-CSeq")).find(' ') + 1);
    call.first_method = method;
    call.kind = sip::to_lower_copy(method);
    if (call.kind == "message") call.kind = "im";
    std::size_t space = start_line.find(' ');
    if (space != std::string_view::npos) {
      std::string_view uri = start_line.substr(space + 1);
      call.to_uri = sip::uri_address_of_record(uri.substr(0, uri.find(' ')));
    }
  }
  for (std::uint32_t id : call.events) widen_span(call, trace.events[id].event.time);
}

}  // namespace sipsleuth::model
