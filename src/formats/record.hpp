// What a format reader produces: SIP messages as observed at one point
// (a client, a server, a capture), log events, and findings about the input.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "formats/basics.hpp"
#include "formats/flows.hpp"
#include "sip/message.hpp"

namespace sipsleuth::formats {

enum class Format : std::uint8_t { unknown, client_log, server_log, pcap, sip_text };
std::string_view format_name(Format f);

enum class Direction : std::uint8_t { unknown, sent, received };
enum class Transport : std::uint8_t { unknown, udp, tcp, tls };

// Where a part of a message lies in its text.
struct TextPlace {
  std::uint32_t offset = 0, length = 0;
  // Where `part`, a view into `text` or empty, lies in it.
  static TextPlace of(std::string_view part, std::string_view text) {
    if (part.empty()) return {};
    return {static_cast<std::uint32_t>(part.data() - text.data()), static_cast<std::uint32_t>(part.size())};
  }
  std::string_view in(std::string_view text) const { return text.substr(offset, length); }
};

// The hash Call-IDs are grouped by.
inline std::size_t hash_call_id(std::string_view call_id) { return std::hash<std::string_view>{}(call_id); }

struct SipRecord {
  Location location;
  Timestamp time;
  Direction direction = Direction::unknown;  // as seen by the observer (client, server)
  Transport transport = Transport::unknown;
  // "10.0.0.1:5061" or "host:port"; empty when unknown. Views into the input
  // or into ReadResult::intern()'s strings.
  std::string_view source;
  std::string_view destination;
  sip::MessageParts parts;  // views into the input or into ReadResult::owned
  std::string_view raw;     // the whole message when it is contiguous text
  // Server-log context: Trace-Correlation-Id / Instance-Id, views into the input.
  std::string_view correlation_id;
  std::string_view instance_id;
  std::vector<sip::ParseIssue> framing_issues;  // found while cutting the message out
  // Where the message came from, to write it back out in its own format:
  // the input's bytes of the whole record, markers included (logs, SIP text),
  // or the packets that carried it (captures; empty means location.packet).
  std::string_view original;
  std::vector<std::uint32_t> packets;
  // A capture read with ReadOptions::pieces_not_copies: a message rebuilt
  // from several TCP segments that all lie in the input has no `raw` but
  // these views of the input, in order; join_pieces() rebuilds it.
  std::vector<std::string_view> pieces;
  // The Call-ID's place in `raw`, when the reader found it on its way through
  // the message's lines (a log's, with ReadOptions::defer_framing) or as it
  // framed the message (SIP over TCP): as sip::first_header_value_in_message()
  // finds it in `raw`, or for a server log's record, sip::first_header_value()
  // in its header block. Empty if not looked for.
  std::optional<TextPlace> call_id;
  // hash_call_id() of that Call-ID, taken where it was found, while its
  // bytes are in that core's cache: grouping, on another core, then reads
  // them only to compare them with the Call-ID its hash leads to.
  std::size_t call_id_hash = 0;

  // `value`, a view into `text` (which is `raw`, or what `raw` will be)
  // or empty, as the Call-ID found.
  void found_call_id(std::string_view value, std::string_view text) {
    call_id = TextPlace::of(value, text);
    call_id_hash = hash_call_id(value);
  }
};

// A server diagnostic or trace record tied to a call (TF_DIAG, TF_COMPONENT...).
struct LogEvent {
  Location location;
  Timestamp time;
  std::string_view level;      // "TL_ERROR"
  std::string_view flag;       // "TF_DIAG"
  std::string_view component;  // "SIPStack"
  std::string_view function;
  std::string_view header_text;  // free text after the source location on the header line
  std::vector<std::pair<std::string_view, std::string_view>> fields;  // Severity, Text, Result-Code...
  std::string_view field(std::string_view key) const;
  std::string_view text;       // the whole record, for display
};

enum class Severity : std::uint8_t { info, warning, error };
std::string_view severity_name(Severity s);

struct Finding {
  std::string code;  // stable, dotted: "sip.content_length_mismatch"
  Severity severity = Severity::warning;
  Location location;
  std::string detail;
};

// Counters a capture reader keeps beyond the SIP it found.
struct CaptureStats {
  std::uint64_t packets = 0;
  std::uint64_t sip_packets = 0;
  std::uint64_t ip_fragments_reassembled = 0;
  std::uint64_t tcp_retransmitted_bytes = 0;
};

struct ReadResult {
  Format format = Format::unknown;
  std::vector<SipRecord> messages;
  std::vector<LogEvent> events;
  std::vector<Finding> findings;
  CaptureStats capture;
  // The line breaks in the input, for readers that walk every line (logs):
  // counting them again would read a gigabyte once more.
  std::optional<std::uint64_t> line_breaks;
  NetworkFlows flows;  // captures: TCP connection attempts and UDP flows of every kind
  // Text that had to be rebuilt (TCP reassembly, IP fragments); records may
  // point into these strings, which never move.
  std::vector<std::unique_ptr<std::string>> owned;
  std::string_view own(std::string text) {
    owned.push_back(std::make_unique<std::string>(std::move(text)));
    return *owned.back();
  }
  // Makes room for the messages of `bytes` of input at about one per
  // `bytes_per_message`: growing the vector would move every record, and
  // the pages of room never written take no memory.
  void expect_messages(std::size_t bytes, std::size_t bytes_per_message) {
    messages.reserve(bytes / bytes_per_message);
  }
  // One stored copy of a short text that many records share (an address).
  std::string_view intern(std::string_view text) {
    auto it = interned_.find(text);
    if (it != interned_.end()) return *it;
    std::string_view stored = own(std::string(text));
    interned_.insert(stored);
    return stored;
  }
  void add_finding(std::string code, Severity severity, Location location, std::string detail) {
    findings.push_back({std::move(code), severity, location, std::move(detail)});
  }

 private:
  std::unordered_set<std::string_view> interned_;  // views into `owned`
};

}  // namespace sipsleuth::formats
