// What a capture shows of connections besides SIP: per TCP connection attempt
// how the handshake ended, per UDP flow the packets each way and any STUN.
// Outcomes and counts only, never payloads, so a capture of hours of media
// stays small in memory.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/basics.hpp"

namespace sipsleuth::formats {

struct NetEndpoint {
  std::array<std::uint8_t, 16> ip{};  // IPv4 in the first 4 bytes
  std::uint8_t family = 0;            // 4 or 6; 0 when unset
  std::uint16_t port = 0;

  static NetEndpoint from_bytes(int family, const unsigned char* address, std::uint16_t port);
  // "10.0.0.1" / "2001:db8::1" and a port; nullopt when the text is not an IP address.
  static std::optional<NetEndpoint> parse(std::string_view ip, std::uint16_t port);
  std::string ip_text() const;
  std::string text() const;    // "10.0.0.1:5060", "[2001:db8::1]:5060"
  bool is_private() const;     // RFC 1918, RFC 6598 (CGN), loopback, link-local, IPv6 ULA
  bool same_ip(const NetEndpoint& other) const { return family == other.family && ip == other.ip; }
  std::size_t hash() const;
  bool operator==(const NetEndpoint&) const = default;
};

enum class TcpOutcome : std::uint8_t {
  established,  // SYN answered by SYN/ACK
  refused,      // SYN answered by RST
  unanswered,   // SYN (maybe retried) with no answer in the capture
  midstream,    // the capture starts after the handshake: data seen, no SYN
};
std::string_view tcp_outcome_name(TcpOutcome o);

struct TcpAttempt {
  NetEndpoint client, server;  // who sent the SYN, and to whom
  TcpOutcome outcome = TcpOutcome::unanswered;
  std::uint32_t syns = 0;      // SYNs sent (1 + retries)
  std::uint32_t resets = 0;    // RSTs from the server before any SYN/ACK
  Timestamp first_syn, last_syn, answer, last_reset;
  std::uint32_t first_packet = 0, last_syn_packet = 0, answer_packet = 0, last_reset_packet = 0;
  std::uint64_t packets_to_server = 0, packets_to_client = 0;
  bool signalling = false;     // carried SIP: the signalling's own connection, not media
};

struct UdpFlow {
  NetEndpoint a, b;  // a sent the first packet
  std::uint64_t packets_a_to_b = 0, packets_b_to_a = 0;
  Timestamp first, last;
  std::uint32_t first_packet = 0, last_packet = 0;
  std::uint32_t stun_requests = 0;   // binding / allocate requests (RFC 5389, MS-TURN)
  std::uint32_t stun_successes = 0;  // success responses
  std::uint32_t stun_errors = 0;     // error responses
  bool signalling = false;           // carried SIP: the signalling's own flow, not media
};

struct NetworkFlows {
  std::vector<TcpAttempt> tcp;
  std::vector<UdpFlow> udp;
  bool empty() const { return tcp.empty() && udp.empty(); }
  // Flows other than those that carried SIP: what a media check can look at.
  bool has_media_candidates() const;
  void shift_times(std::int64_t micros);  // every valid time, for clock offsets
};

// Builds NetworkFlows from packets in capture order.
class FlowTable {
 public:
  // `flags` as in the TCP header (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10).
  void tcp(const NetEndpoint& source, const NetEndpoint& destination, std::uint8_t flags, const Timestamp& time,
           std::uint32_t packet);
  // The flow the packet belongs to, valid until the next call.
  UdpFlow& udp(const NetEndpoint& source, const NetEndpoint& destination, std::string_view payload,
               const Timestamp& time, std::uint32_t packet);
  // The TCP connection between these two endpoints (either way round)
  // carried SIP. (A UDP flow is marked through udp()'s result.)
  void mark_tcp_signalling(const NetEndpoint& one, const NetEndpoint& other);
  NetworkFlows take() { return std::move(flows_); }

 private:
  void add_attempt(const NetEndpoint& client, const NetEndpoint& server, TcpOutcome outcome, const Timestamp& time,
                   std::uint32_t packet);
  struct PairKey {
    NetEndpoint first, second;
    bool operator==(const PairKey&) const = default;
  };
  // A UDP flow, and the TCP attempts between two endpoints, are found under
  // the same key either way round: one lookup, whichever way a packet goes.
  struct EitherWayHash {
    std::size_t operator()(const PairKey& k) const { return k.first.hash() + k.second.hash(); }
  };
  struct EitherWayEqual {
    bool operator()(const PairKey& x, const PairKey& y) const {
      return (x.first == y.first && x.second == y.second) || (x.first == y.second && x.second == y.first);
    }
  };
  // The attempts between two endpoints: the one whose client is the key's
  // `first`, and the one whose client is its `second` (kNoAttempt if none).
  // Both under one key, either way round: a packet finds its attempt in one
  // lookup whichever way it goes, where a key per direction took two for
  // every packet from a server, each a cache miss in a capture of thousands
  // of connections.
  static constexpr std::uint32_t kNoAttempt = 0xffffffffu;
  struct TcpAttempts {
    std::uint32_t from_first = kNoAttempt, from_second = kNoAttempt;
  };
  // The attempt whose client is `client`, of the attempts between the key's two endpoints.
  static std::uint32_t& attempt_from(std::pair<const PairKey, TcpAttempts>& entry, const NetEndpoint& client) {
    return entry.first.first == client ? entry.second.from_first : entry.second.from_second;
  }
  NetworkFlows flows_;
  // Looked up once a packet: flat tables, whose lookup misses the cache once
  // where std::unordered_map's misses it twice (bucket, then node), which
  // told with thousands of connections. Nothing iterates over them (their
  // order changes from run to run): the flows are listed in flows_.
  absl::flat_hash_map<PairKey, TcpAttempts, EitherWayHash, EitherWayEqual> tcp_index_;  // {a, b} -> attempts
  absl::flat_hash_map<PairKey, std::size_t, EitherWayHash, EitherWayEqual> udp_index_;  // (a, b) -> flow
  std::optional<PairKey> last_marked_;  // the pair mark_tcp_signalling() marked last, with no attempt added since
};

}  // namespace sipsleuth::formats
