// pcap and pcapng captures through libpcap: link layers, IPv4/IPv6 with
// fragment reassembly, IP-in-IP and GRE tunnels, SIP over UDP recognised by
// content on any port, SIP over TCP through TcpReassembler.
#include <absl/container/flat_hash_map.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <tuple>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "formats/pcap_records.hpp"
#include "formats/reader.hpp"
#include "formats/tcp_reassembly.hpp"
#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

constexpr int kMaxTunnelDepth = 4;
constexpr std::size_t kMaxPendingDatagrams = 4096;

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

struct Packet {
  Timestamp time;
  Location location;
  std::string_view captured;  // the packet: its bytes in the input, or a copy read_pcap() keeps meanwhile
  std::string_view record;    // the record in the input: its header, the packet, any options
};

// The same bytes as `text` (inside packet.captured) in the input itself, or
// an empty view.
std::string_view find_in_input(const Packet& packet, std::string_view text) {
  const char* data = packet.captured.data();
  if (text.data() < data || text.data() + text.size() > data + packet.captured.size()) return {};
  // Nearly always read_pcap() has found the packet itself in the input.
  const std::string_view record = packet.record;
  if (data >= record.data() && data + packet.captured.size() <= record.data() + record.size()) return text;
  return bytes_in_record(record, packet.captured.size(), static_cast<std::size_t>(text.data() - data), text);
}

// IP datagrams waiting for their other fragments, keyed by (src, dst, id, proto).
class Defragmenter {
 public:
  struct Pending {
    std::map<std::uint32_t, std::string> pieces;  // by byte offset
    std::int64_t total = -1;                      // known once the last fragment arrives
    Location first;
  };
  using Key = std::tuple<std::string, std::string, std::uint32_t, int>;

  // Returns true and fills `whole` when the datagram is complete.
  bool add(const Key& key, std::uint32_t offset, bool more, std::string_view piece, const Location& where,
           std::string& whole) {
    auto it = pending_.find(key);
    if (it == pending_.end()) {
      if (order_.size() >= kMaxPendingDatagrams) {
        pending_.erase(order_.front());
        order_.pop_front();
        ++abandoned_;
      }
      it = pending_.emplace(key, Pending{}).first;
      it->second.first = where;
      order_.push_back(key);
    }
    Pending& p = it->second;
    p.pieces.emplace(offset, std::string(piece));
    if (!more) p.total = static_cast<std::int64_t>(offset + piece.size());
    if (p.total < 0) return false;
    std::uint32_t covered = 0;
    for (const auto& [off, data] : p.pieces) {
      if (off > covered) return false;
      covered = std::max<std::uint32_t>(covered, off + static_cast<std::uint32_t>(data.size()));
    }
    if (covered < p.total) return false;
    whole.assign(static_cast<std::size_t>(p.total), '\0');
    for (const auto& [off, data] : p.pieces) {
      std::size_t n = std::min<std::size_t>(data.size(), whole.size() - off);
      std::memcpy(whole.data() + off, data.data(), n);
    }
    pending_.erase(it);
    for (auto o = order_.begin(); o != order_.end(); ++o) {
      if (*o == key) {
        order_.erase(o);
        break;
      }
    }
    return true;
  }
  std::size_t incomplete() const { return pending_.size() + abandoned_; }
  Location first_incomplete() const {
    return pending_.empty() ? Location{} : pending_.begin()->second.first;
  }

 private:
  std::map<Key, Pending> pending_;
  std::deque<Key> order_;
  std::size_t abandoned_ = 0;
};

class CaptureDecoder {
 public:
  CaptureDecoder(ReadResult& result, const ReadOptions& options)
      : result_(result),
        required_text_(options.required_text),
        defer_framing_(options.defer_framing),
        tcp_(
            result,
            [this](const StreamKey& key, std::string_view text, const TcpSegment& seg,
                   std::vector<sip::ParseIssue> issues, std::vector<std::uint32_t> packets,
                   std::vector<std::string_view> pieces, std::optional<TextPlace> call_id) {
              flows_.mark_tcp_signalling(seg.source, seg.destination);
              if (!wanted(text)) {
                ++result_.capture.sip_packets;
                return;
              }
              emit(key.source_text, key.destination_text, Transport::tcp, text, seg.time,
                   seg.location, std::move(issues));
              SipRecord& record = result_.messages.back();
              record.packets = std::move(packets);
              if (call_id) record.found_call_id(call_id->in(text), text);
              if (!pieces.empty()) {
                record.raw = {};  // `text` is the reassembler's, gone after this call
                record.pieces = std::move(pieces);
              }
            },
            [this](const NetEndpoint& endpoint) { return address(endpoint); },
            options.pieces_not_copies && options.defer_framing) {}

  void link(int dlt, const unsigned char* data, std::size_t length, const Packet& packet) {
    packet_ = packet;
    std::uint16_t ethertype = 0;
    std::size_t offset = 0;
    switch (dlt) {
      case DLT_EN10MB:
        if (length < 14) return;
        ethertype = be16(data + 12);
        offset = 14;
        while ((ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100) && length >= offset + 4) {
          ethertype = be16(data + offset + 2);
          offset += 4;
        }
        break;
      case DLT_LINUX_SLL:
        if (length < 16) return;
        ethertype = be16(data + 14);
        offset = 16;
        break;
#ifdef DLT_LINUX_SLL2
      case DLT_LINUX_SLL2:
        if (length < 20) return;
        ethertype = be16(data);
        offset = 20;
        break;
#endif
      case DLT_NULL:
      case DLT_LOOP: {
        if (length < 4) return;
        std::uint32_t family;
        std::memcpy(&family, data, 4);
        if (dlt == DLT_LOOP) family = ntohl(family);
        else if (family > 0xffff) family = __builtin_bswap32(family);  // written on the other endianness
        ethertype = family == 2 ? 0x0800 : (family == 24 || family == 28 || family == 30) ? 0x86dd : 0;
        offset = 4;
        break;
      }
      case DLT_RAW:
      case 14:
#ifdef DLT_IPV4
      case DLT_IPV4:
      case DLT_IPV6:
#endif
        if (length < 1) return;
        ethertype = (data[0] >> 4) == 6 ? 0x86dd : 0x0800;
        break;
      default:
        if (!warned_link_) {
          warned_link_ = true;
          result_.add_finding("pcap.unsupported_link_type", Severity::warning, packet.location,
                              "link-layer type " + std::to_string(dlt) + " (" +
                                  (pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?") +
                                  ") is not decoded");
        }
        return;
    }
    if (ethertype == 0x0800) ipv4(data + offset, length - offset, 0);
    else if (ethertype == 0x86dd) ipv6(data + offset, length - offset, 0);
  }

  void finish() {
    tcp_.finish();
    result_.flows = flows_.take();
    if (defrag_.incomplete() > 0) {
      result_.add_finding("pcap.ip_fragments_incomplete", Severity::info, defrag_.first_incomplete(),
                          std::to_string(defrag_.incomplete()) + " fragmented IP datagram(s) never completed");
    }
  }

 private:
  void ipv4(const unsigned char* p, std::size_t length, int depth) {
    if (length < 20 || (p[0] >> 4) != 4) return;
    std::size_t ihl = static_cast<std::size_t>(p[0] & 0x0f) * 4;
    std::size_t total = be16(p + 2);
    if (ihl < 20 || length < ihl) return;
    if (total < ihl) total = length;  // TSO captures write 0
    if (total > length) total = length;  // snaplen cut
    std::uint16_t flags_offset = be16(p + 6);
    bool more = (flags_offset & 0x2000) != 0;
    std::uint32_t frag_offset = static_cast<std::uint32_t>(flags_offset & 0x1fff) * 8;
    int protocol = p[9];
    std::string_view payload(reinterpret_cast<const char*>(p + ihl), total - ihl);
    if (more || frag_offset > 0) {
      std::string whole;
      Defragmenter::Key key{std::string(reinterpret_cast<const char*>(p + 12), 4),
                            std::string(reinterpret_cast<const char*>(p + 16), 4), be16(p + 4), protocol};
      if (!defrag_.add(key, frag_offset, more, payload, packet_.location, whole)) return;
      ++result_.capture.ip_fragments_reassembled;
      std::string_view stored = result_.own(std::move(whole));
      transport(AF_INET, p + 12, p + 16, protocol, reinterpret_cast<const unsigned char*>(stored.data()),
                stored.size(), depth);
      return;
    }
    transport(AF_INET, p + 12, p + 16, protocol, reinterpret_cast<const unsigned char*>(payload.data()),
              payload.size(), depth);
  }

  void ipv6(const unsigned char* p, std::size_t length, int depth) {
    if (length < 40 || (p[0] >> 4) != 6) return;
    std::size_t payload_length = be16(p + 4);
    int next = p[6];
    const unsigned char* src = p + 8;
    const unsigned char* dst = p + 24;
    std::size_t offset = 40;
    std::size_t end = std::min(length, 40 + payload_length);
    if (payload_length == 0) end = length;  // jumbogram or TSO
    // Walk extension headers up to the transport header.
    for (int guard = 0; guard < 16; ++guard) {
      if (next == 0 || next == 43 || next == 60) {
        if (end < offset + 8) return;
        int following = p[offset];
        offset += (static_cast<std::size_t>(p[offset + 1]) + 1) * 8;
        next = following;
        continue;
      }
      if (next == 44) {  // fragment header
        if (end < offset + 8) return;
        int following = p[offset];
        std::uint16_t off_flags = be16(p + offset + 2);
        std::uint32_t frag_offset = static_cast<std::uint32_t>(off_flags & 0xfff8);
        bool more = (off_flags & 1) != 0;
        std::uint32_t id = be32(p + offset + 4);
        offset += 8;
        if (offset > end) return;
        std::string_view piece(reinterpret_cast<const char*>(p + offset), end - offset);
        std::string whole;
        Defragmenter::Key key{std::string(reinterpret_cast<const char*>(src), 16),
                              std::string(reinterpret_cast<const char*>(dst), 16), id, following};
        if (!defrag_.add(key, frag_offset, more, piece, packet_.location, whole)) return;
        ++result_.capture.ip_fragments_reassembled;
        std::string_view stored = result_.own(std::move(whole));
        transport(AF_INET6, src, dst, following, reinterpret_cast<const unsigned char*>(stored.data()),
                  stored.size(), depth);
        return;
      }
      break;
    }
    if (offset > end) return;
    transport(AF_INET6, src, dst, next, p + offset, end - offset, depth);
  }

  void transport(int family, const unsigned char* src, const unsigned char* dst, int protocol,
                 const unsigned char* p, std::size_t length, int depth) {
    switch (protocol) {
      case 17: {  // UDP
        if (length < 8) return;
        std::size_t udp_length = be16(p + 4);
        std::size_t end = (udp_length >= 8 && udp_length <= length) ? udp_length : length;
        udp(family, src, be16(p), dst, be16(p + 2), std::string_view(reinterpret_cast<const char*>(p + 8), end - 8));
        return;
      }
      case 6: {  // TCP
        if (length < 20) return;
        std::size_t header = static_cast<std::size_t>(p[12] >> 4) * 4;
        if (header < 20 || header > length) return;
        TcpSegment segment;
        segment.seq = be32(p + 4);
        std::uint8_t flags = p[13];
        segment.fin = flags & 0x01;
        segment.syn = flags & 0x02;
        segment.rst = flags & 0x04;
        segment.payload = std::string_view(reinterpret_cast<const char*>(p + header), length - header);
        segment.payload_in_input = find_in_input(packet_, segment.payload);
        segment.time = packet_.time;
        segment.location = packet_.location;
        segment.source = NetEndpoint::from_bytes(family, src, be16(p));
        segment.destination = NetEndpoint::from_bytes(family, dst, be16(p + 2));
        flows_.tcp(segment.source, segment.destination, flags, packet_.time, packet_.location.packet);
        // Named by the reassembler when the stream is new.
        tcp_.add(StreamKey{segment.source, segment.destination, {}, {}}, segment);
        return;
      }
      case 4:  // IP in IP
        if (depth < kMaxTunnelDepth) ipv4(p, length, depth + 1);
        return;
      case 41:  // IPv6 in IP
        if (depth < kMaxTunnelDepth) ipv6(p, length, depth + 1);
        return;
      case 47: {  // GRE (RFC 2784/2890)
        if (length < 4 || depth >= kMaxTunnelDepth) return;
        std::uint16_t flags = be16(p);
        std::uint16_t proto = be16(p + 2);
        std::size_t header = 4;
        if (flags & 0x8000) header += 4;  // checksum
        if (flags & 0x2000) header += 4;  // key
        if (flags & 0x1000) header += 4;  // sequence
        if (header > length) return;
        if (proto == 0x0800) ipv4(p + header, length - header, depth + 1);
        else if (proto == 0x86dd) ipv6(p + header, length - header, depth + 1);
        else if (proto == 0x6558 && length >= header + 14) {  // transparent Ethernet bridging
          std::uint16_t inner = be16(p + header + 12);
          if (inner == 0x0800) ipv4(p + header + 14, length - header - 14, depth + 1);
          else if (inner == 0x86dd) ipv6(p + header + 14, length - header - 14, depth + 1);
        }
        return;
      }
      default:
        return;
    }
  }

  void udp(int family, const unsigned char* src, std::uint16_t sport, const unsigned char* dst, std::uint16_t dport,
           std::string_view payload) {
    NetEndpoint source = NetEndpoint::from_bytes(family, src, sport);
    NetEndpoint destination = NetEndpoint::from_bytes(family, dst, dport);
    UdpFlow& flow = flows_.udp(source, destination, payload, packet_.time, packet_.location.packet);
    std::size_t skip = 0;
    while (skip < payload.size() && (payload[skip] == '\r' || payload[skip] == '\n')) ++skip;
    std::string_view text = payload.substr(skip);
    std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos || !sip::looks_like_start_line(text.substr(0, newline))) return;
    flow.signalling = true;
    if (!wanted(text)) {
      ++result_.capture.sip_packets;
      return;
    }
    std::vector<sip::ParseIssue> issues;
    // libpcap reuses its packet buffer: the message is taken from the input
    // itself when it is there whole, and copied out only otherwise.
    std::string_view stored = find_in_input(packet_, text);
    if (stored.empty()) stored = result_.own(std::string(text));
    emit(address(family, src, sport), address(family, dst, dport), Transport::udp, stored, packet_.time,
         packet_.location, std::move(issues));
  }

  void emit(std::string_view source, std::string_view destination, Transport transport, std::string_view text,
            const Timestamp& time, const Location& location, std::vector<sip::ParseIssue> issues) {
    SipRecord record;
    record.location = location;
    record.time = time;
    record.transport = transport;
    record.source = source;
    record.destination = destination;
    record.framing_issues = std::move(issues);
    if (defer_framing_) {
      record.raw = text;
      // Found here, on the thread that decodes packets, as the reassembler
      // finds a TCP message's: the thread that makes stubs of the messages
      // was the one the others waited for.
      if (transport == Transport::udp) {
        record.found_call_id(sip::first_header_value_in_message(text, sip::HeaderId::call_id), text);
      }
    } else {
      frame_delimited_message(text, record);
    }
    result_.messages.push_back(std::move(record));
    ++result_.capture.sip_packets;
  }

  // "10.0.0.1:5060" for an address and port, formatted once per endpoint:
  // a capture has a few endpoints and millions of packets.
  std::string_view address(int family, const unsigned char* ip, std::uint16_t port) {
    return address(NetEndpoint::from_bytes(family, ip, port));
  }
  std::string_view address(const NetEndpoint& endpoint) {
    auto it = addresses_.find(endpoint);
    if (it != addresses_.end()) return it->second;
    std::string_view text = result_.intern(endpoint.text());
    addresses_.emplace(endpoint, text);
    return text;
  }

  struct EndpointHash {
    std::size_t operator()(const NetEndpoint& e) const { return e.hash(); }
  };
  absl::flat_hash_map<NetEndpoint, std::string_view, EndpointHash> addresses_;  // looked up only (see flows.hpp)

  // A search names what it wants: other messages are not framed or kept.
  bool wanted(std::string_view text) const {
    return !required_text_ || required_text_->empty() || base::contains_any(text, *required_text_);
  }

  ReadResult& result_;
  const std::vector<std::string>* required_text_;
  bool defer_framing_;
  TcpReassembler tcp_;
  FlowTable flows_;
  Defragmenter defrag_;
  Packet packet_;
  bool warned_link_ = false;
};

}  // namespace

ReadResult read_pcap(std::string_view data, const ReadOptions& options) {
  ReadProgress* progress = options.progress;
  ReadResult result;
  result.format = Format::pcap;
  CaptureRecords records(data, RecordWalk::mapped_when_plain);
  if (!records.opened()) {
    result.add_finding("pcap.unreadable", Severity::error, Location{}, records.open_error());
    return result;
  }
  CaptureDecoder decoder(result, options);
  if (!options.deliver) result.expect_messages(data.size(), 600);  // as in a capture of SIP only
  const int dlt = records.link_type();
  std::uint32_t number = 0;
  std::uint64_t cut_by_snaplen = 0;
  Location first_cut;
  std::uint64_t reported = 0;
  bool ended = false;

  struct Batch {
    std::vector<CaptureRecord> records;
    std::deque<std::string> copies;  // packets not in the input as they are
  };
  // Records are decoded on a thread of their own while the next ones are
  // read on this one: decoding, reassembling TCP and framing SIP cost
  // several times the reading, and a capture is one sequence of packets
  // that only one thread can decode, in order.
  base::HandOff<Batch> decoding(4, [&](Batch& batch) {
    for (const CaptureRecord& read : batch.records) {
      if (ended) return;
      if ((number & 0xfff) == 0 && read.offset > 0) {
        if (options.deliver && !result.messages.empty()) {
          options.deliver(result.messages);
          result.messages.clear();
        }
        if (progress) *progress += read.offset - reported;
        if (options.read_past) options.read_past(reported, read.offset - reported);
        reported = read.offset;
      }
      if (read.status == PCAP_ERROR_BREAK) {  // end of file
        ended = true;
        return;
      }
      ++number;
      Location location{read.offset, 0, number};
      if (read.status == PCAP_ERROR) {
        result.add_finding("pcap.truncated", Severity::warning, location,
                           std::string("capture ends inside packet ") + std::to_string(number) + ": " + read.error);
        ended = true;
        return;
      }
      if (read.status != 1) continue;
      ++result.capture.packets;
      const pcap_pkthdr& header = read.header;
      if (header.caplen < header.len && cut_by_snaplen++ == 0) first_cut = location;
      Packet packet;
      packet.time.micros = capture_seconds(header) * 1000000 + header.ts.tv_usec;
      packet.time.valid = true;
      packet.time.utc = true;
      packet.location = location;
      packet.captured = read.captured;
      if (read.after > read.offset && read.after <= data.size()) {
        packet.record = data.substr(read.offset, read.after - read.offset);
      }
      decoder.link(dlt, reinterpret_cast<const unsigned char*>(read.captured.data()), read.captured.size(), packet);
    }
  });

  constexpr std::size_t kRecordsPerBatch = 1024;
  for (bool more = true; more;) {
    Batch batch;
    batch.records.reserve(kRecordsPerBatch);
    while (more && batch.records.size() < kRecordsPerBatch) {
      CaptureRecord& read = batch.records.emplace_back();
      records.next(read, batch.copies);
      more = read.status != PCAP_ERROR_BREAK && read.status != PCAP_ERROR;
    }
    decoding.give(std::move(batch));
  }
  decoding.drain();
  decoder.finish();
  if (cut_by_snaplen > 0) {
    result.add_finding("pcap.snaplen_cut", Severity::info, first_cut,
                       std::to_string(cut_by_snaplen) +
                           " packet(s) were captured shorter than sent (snaplen); SIP in them may be incomplete");
  }
  if (options.deliver && !result.messages.empty()) {
    options.deliver(result.messages);
    result.messages.clear();
  }
  if (progress) *progress += data.size() - std::min<std::uint64_t>(reported, data.size());
  return result;
}

}  // namespace sipsleuth::formats
