#include "formats/flows.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace sipsleuth::formats {
namespace {

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
constexpr std::uint32_t kStunMagicCookie = 0x2112a442;

enum class StunClass { none, request, success, error };

// A STUN (RFC 5389) or MS-TURN message: two zero bits, a length that is the
// rest of the datagram in whole 4-byte words, and a known class. The magic
// cookie is not required: MS-TURN predates it.
StunClass stun_class(std::string_view payload) {
  if (payload.size() < 20) return StunClass::none;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(payload[i]); };
  std::uint16_t type = static_cast<std::uint16_t>((byte(0) << 8) | byte(1));
  std::uint16_t length = static_cast<std::uint16_t>((byte(2) << 8) | byte(3));
  if ((type & 0xc000) != 0 || length % 4 != 0 || std::size_t{length} + 20 != payload.size()) return StunClass::none;
  std::uint32_t cookie = (std::uint32_t{byte(4)} << 24) | (std::uint32_t{byte(5)} << 16) | (std::uint32_t{byte(6)} << 8) | byte(7);
  std::uint16_t method = type & 0x3eef;
  if (cookie != kStunMagicCookie && method > 0x000f) return StunClass::none;
  switch (type & 0x0110) {
    case 0x0000: return StunClass::request;
    case 0x0100: return StunClass::success;
    case 0x0110: return StunClass::error;
    default: return StunClass::none;  // indications are not counted
  }
}

}  // namespace

NetEndpoint NetEndpoint::from_bytes(int family, const unsigned char* address, std::uint16_t port_number) {
  NetEndpoint e;
  e.family = family == AF_INET6 ? 6 : 4;
  std::memcpy(e.ip.data(), address, e.family == 6 ? 16 : 4);
  e.port = port_number;
  return e;
}

std::optional<NetEndpoint> NetEndpoint::parse(std::string_view ip_text, std::uint16_t port_number) {
  if (!ip_text.empty() && ip_text.front() == '[' && ip_text.back() == ']') ip_text = ip_text.substr(1, ip_text.size() - 2);
  if (ip_text.empty() || ip_text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, ip_text.data(), ip_text.size());
  NetEndpoint e;
  e.port = port_number;
  if (inet_pton(AF_INET, buffer, e.ip.data()) == 1) {
    e.family = 4;
    return e;
  }
  if (inet_pton(AF_INET6, buffer, e.ip.data()) == 1) {
    e.family = 6;
    return e;
  }
  return std::nullopt;
}

std::string NetEndpoint::ip_text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == 6 ? AF_INET6 : AF_INET, ip.data(), buffer, sizeof buffer);
  return buffer;
}

std::string NetEndpoint::text() const {
  if (family == 6) return "[" + ip_text() + "]:" + std::to_string(port);
  return ip_text() + ":" + std::to_string(port);
}

bool NetEndpoint::is_private() const {
  if (family == 4) {
    std::uint8_t a = ip[0], b = ip[1];
    return a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) || (a == 100 && b >= 64 && b <= 127) ||
           a == 127 || (a == 169 && b == 254);
  }
  return (ip[0] & 0xfe) == 0xfc || (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80);
}

std::string_view tcp_outcome_name(TcpOutcome o) {
  switch (o) {
    case TcpOutcome::established: return "established";
    case TcpOutcome::refused: return "refused";
    case TcpOutcome::unanswered: return "unanswered";
    case TcpOutcome::midstream: return "midstream";
  }
  return "?";
}

void NetworkFlows::shift_times(std::int64_t micros) {
  auto shift = [micros](Timestamp& t) {
    if (t.valid) t.micros += micros;
  };
  for (auto& a : tcp) {
    for (Timestamp* t : {&a.first_syn, &a.last_syn, &a.answer, &a.last_reset}) shift(*t);
  }
  for (auto& u : udp) {
    shift(u.first);
    shift(u.last);
  }
}

namespace {

// A word at a time, not a byte: every packet of a capture looks up its
// flow and its addresses.
void mix(std::uint64_t& h, std::uint64_t word) {
  h ^= word;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 32;
}

void mix(std::uint64_t& h, const NetEndpoint& e) {
  std::uint64_t low, high;
  std::memcpy(&low, e.ip.data(), 8);
  std::memcpy(&high, e.ip.data() + 8, 8);
  mix(h, low);
  mix(h, high);
  mix(h, (std::uint64_t{e.port} << 8) | e.family);
}

}  // namespace

std::size_t NetEndpoint::hash() const {
  std::uint64_t h = 0x9e3779b97f4a7c15ull;
  mix(h, *this);
  return static_cast<std::size_t>(h);
}

void FlowTable::add_attempt(const NetEndpoint& client, const NetEndpoint& server, TcpOutcome outcome,
                            const Timestamp& time, std::uint32_t packet) {
  TcpAttempt attempt;
  attempt.client = client;
  attempt.server = server;
  attempt.outcome = outcome;
  attempt.first_syn = time;  // for a midstream connection: its first packet
  attempt.first_packet = packet;
  flows_.tcp.push_back(attempt);
  last_marked_.reset();  // marking that pair again may now find this attempt too
}

void FlowTable::tcp(const NetEndpoint& source, const NetEndpoint& destination, std::uint8_t flags, const Timestamp& time,
                    std::uint32_t packet) {
  const bool syn = flags & kSyn, ack = flags & kAck, rst = flags & kRst;
  if (syn && !ack) {
    auto it = tcp_index_.try_emplace(PairKey{source, destination}).first;
    std::uint32_t& index = attempt_from(*it, source);
    if (index == kNoAttempt) {
      index = static_cast<std::uint32_t>(flows_.tcp.size());
      add_attempt(source, destination, TcpOutcome::unanswered, time, packet);
    }
    TcpAttempt& attempt = flows_.tcp[index];
    ++attempt.syns;
    ++attempt.packets_to_server;
    attempt.last_syn = time;
    attempt.last_syn_packet = packet;
    return;
  }
  // Any other segment belongs to the attempt in one direction or the other:
  // first the one this segment's source opened, else the one its destination did.
  bool to_server = true;
  std::uint32_t index = kNoAttempt;
  auto it = tcp_index_.find(PairKey{source, destination});
  if (it != tcp_index_.end()) {
    index = attempt_from(*it, source);
    if (index == kNoAttempt) {
      index = attempt_from(*it, destination);
      to_server = false;
    }
  }
  if (index == kNoAttempt) {
    if (rst || (flags & kFin)) return;  // the end of a connection the capture never saw
    // Data of a connection opened before the capture started.
    if (it == tcp_index_.end()) it = tcp_index_.try_emplace(PairKey{source, destination}).first;
    index = static_cast<std::uint32_t>(flows_.tcp.size());
    attempt_from(*it, source) = index;
    add_attempt(source, destination, TcpOutcome::midstream, time, packet);
    to_server = true;
  }
  TcpAttempt& attempt = flows_.tcp[index];
  ++(to_server ? attempt.packets_to_server : attempt.packets_to_client);
  if (to_server || attempt.outcome == TcpOutcome::established || attempt.outcome == TcpOutcome::midstream) return;
  if (syn && ack) {
    attempt.outcome = TcpOutcome::established;
    attempt.answer = time;
    attempt.answer_packet = packet;
  } else if (rst) {
    if (attempt.resets++ == 0) {
      attempt.answer = time;
      attempt.answer_packet = packet;
    }
    attempt.last_reset = time;
    attempt.last_reset_packet = packet;
    attempt.outcome = TcpOutcome::refused;
  }
}

void FlowTable::mark_tcp_signalling(const NetEndpoint& one, const NetEndpoint& other) {
  // Messages come connection after connection: the one marked last needs no
  // lookup, unless an attempt was added since (add_attempt() forgets it).
  const PairKey pair{one, other};
  if (last_marked_ && EitherWayEqual{}(*last_marked_, pair)) return;
  last_marked_ = pair;
  if (auto it = tcp_index_.find(pair); it != tcp_index_.end()) {
    for (std::uint32_t index : {it->second.from_first, it->second.from_second}) {
      if (index != kNoAttempt) flows_.tcp[index].signalling = true;
    }
  }
}

bool NetworkFlows::has_media_candidates() const {
  return std::any_of(tcp.begin(), tcp.end(), [](const TcpAttempt& a) { return !a.signalling; }) ||
         std::any_of(udp.begin(), udp.end(), [](const UdpFlow& u) { return !u.signalling; });
}

UdpFlow& FlowTable::udp(const NetEndpoint& source, const NetEndpoint& destination, std::string_view payload,
                    const Timestamp& time, std::uint32_t packet) {
  auto [it, added] = udp_index_.try_emplace(PairKey{source, destination}, flows_.udp.size());
  if (added) {
    UdpFlow flow;
    flow.a = source;
    flow.b = destination;
    flow.first = time;
    flow.first_packet = packet;
    flows_.udp.push_back(flow);
  }
  UdpFlow& flow = flows_.udp[it->second];
  ++(flow.a == source ? flow.packets_a_to_b : flow.packets_b_to_a);
  flow.last = time;
  flow.last_packet = packet;
  switch (stun_class(payload)) {
    case StunClass::request: ++flow.stun_requests; break;
    case StunClass::success: ++flow.stun_successes; break;
    case StunClass::error: ++flow.stun_errors; break;
    case StunClass::none: break;
  }
  return flow;
}

}  // namespace sipsleuth::formats
