// The call model: every message and log event of every input, grouped into
// calls by Call-ID, with transactions, early dialogs (one per fork), endpoints
// and retransmissions worked out. Messages and events are referred to by index
// (ids), never by pointer, so the vectors may grow while building.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/reader.hpp"
#include "formats/record.hpp"
#include "io/input.hpp"
#include "sip/message.hpp"

namespace sipsleuth::model {

using formats::Location;
using formats::Severity;
using formats::Timestamp;

inline constexpr std::uint32_t kNoId = 0xffffffffu;

struct InputInfo {
  std::string name;
  formats::Format format = formats::Format::unknown;
  std::shared_ptr<const io::Buffer> data;  // keeps every view into this input alive
  formats::CaptureStats capture;
  formats::NetworkFlows flows;           // captures: connection attempts and UDP flows
  std::int64_t clock_offset_micros = 0;  // added to every time of this input (--offset, --align-clocks)
  std::string local_address;             // server logs: the host's own address, as its peers log it
  std::uint64_t messages = 0;
  std::uint64_t events = 0;
  std::vector<std::unique_ptr<std::string>> owned;  // rebuilt text (TCP, fragments)
};

struct Message {
  std::uint32_t id = 0;
  std::uint32_t input = 0;
  formats::SipRecord record;
  sip::Message sip;
  std::uint32_t call = kNoId;
  std::uint32_t retransmission_of = kNoId;  // earlier identical observation at the same point
  std::uint32_t hop_event = kNoId;          // index into Trace::hop_events when seen at several points
};

// One SIP message observed at several points (client log, each server's log
// incoming and outgoing, captures): its observations in path order, the
// sender's first. The first observation stands for the event.
struct HopEvent {
  std::vector<std::uint32_t> observations;
};

// How far one input's clock is from the reference input's, from the messages
// both saw: a message cannot arrive before it was sent.
struct ClockEstimate {
  std::uint32_t input = 0;
  std::uint32_t reference = 0;
  std::int64_t offset_micros = 0;  // input's clock minus the reference's
  std::uint32_t links = 0;         // linked observations the estimate rests on (directly or through others)
  bool consistent = true;          // false when the bounds contradict each other (clock jumps, reordering)
};

struct Event {
  std::uint32_t id = 0;
  std::uint32_t input = 0;
  formats::LogEvent event;
  std::uint32_t call = kNoId;
};

struct Finding {
  std::string code;
  Severity severity = Severity::warning;
  std::uint32_t input = kNoId;  // kNoId when not tied to one input
  Location location;
  std::string detail;
  std::uint32_t message = kNoId;
};

// One remote endpoint that answered the initial INVITE with 18x or 2xx: an
// early dialog. Several of them is forking (MPOP, simultaneous ring).
struct Fork {
  std::string_view to_tag;
  std::string_view epid;
  std::string_view user_agent;
  std::string_view contact;
  int best_status = 0;  // highest class seen: 183, 200...
  std::uint32_t first_message = kNoId;
  int failure_status = 0;            // a final >= 300 from this endpoint (487 when the server cancelled it)
  bool completed_elsewhere = false;  // cancelled because another endpoint answered (Reason: SIP;cause=200)
};

enum class Role : std::uint8_t { caller, callee };

struct Endpoint {
  Role role = Role::caller;
  std::string_view epid;
  std::string_view tag;
  std::string_view user_agent;
  std::string_view contact;
};

struct Transaction {
  std::uint32_t cseq = 0;
  std::string_view method;
  std::string_view branch;  // top Via branch of the request, when seen
  bool in_dialog = false;   // the request carried a To-tag
  std::vector<std::uint32_t> messages;
  int final_status = 0;
};

struct Call {
  std::uint32_t id = 0;
  std::string_view call_id;
  std::string kind;                 // "audio", "register", "im", ...
  std::string_view first_method;
  std::string_view from_uri;        // address of record, no parameters
  std::string_view to_uri;
  std::string_view from_display;
  std::string_view to_display;
  std::string_view conversation_id;
  Timestamp start, end;
  std::optional<int> final_status;
  std::string_view final_reason;
  std::vector<std::uint32_t> messages;  // in time order
  std::vector<std::uint32_t> events;
  std::vector<Fork> forks;
  std::vector<Endpoint> endpoints;
  std::vector<Transaction> transactions;
  std::vector<std::uint32_t> inputs;    // sorted input ids
  std::uint32_t retransmissions = 0;
};

// One TCP connection attempt or UDP flow of a capture input.
struct FlowRef {
  std::uint32_t input = 0;
  bool tcp = false;
  std::uint32_t index = 0;  // into inputs[input].flows.tcp or .udp
};

// Flows of every capture by the addresses and ports at either end, so a
// call's media addresses are looked up, not scanned for.
class FlowIndex {
 public:
  void build(const std::vector<InputInfo>& inputs);
  bool empty() const { return by_port_.empty(); }
  // Flows with this exact address and port at one end.
  std::vector<FlowRef> at(const formats::NetEndpoint& endpoint) const;
  // Flows with this port at one end, whatever the address (for NAT).
  const std::vector<FlowRef>& on_port(std::uint16_t port) const;

 private:
  std::unordered_map<std::uint16_t, std::vector<FlowRef>> by_port_;
  std::vector<const InputInfo*> inputs_;
};

struct LoadError {
  std::string name;
  std::string message;
};

class Trace {
 public:
  std::vector<InputInfo> inputs;
  std::vector<Message> messages;
  std::vector<Event> events;
  std::vector<Call> calls;            // in time order
  std::vector<Finding> findings;
  std::vector<LoadError> errors;      // inputs that could not be read
  std::vector<std::string> notes;     // skipped files and similar
  std::uint64_t messages_without_call_id = 0;
  FlowIndex flows;                    // every capture's flows, by address and port
  std::vector<HopEvent> hop_events;   // messages seen at several points, linked
  std::vector<ClockEstimate> clocks;  // per input with links, against the reference input
  bool clocks_aligned = false;        // the estimates were applied (--align-clocks)

  // Calls, messages and hop events: all of them, as this trace holds them
  // all (a trace built in batches counts its own; see model/batches.hpp).
  struct Counts {
    std::uint64_t calls = 0, messages = 0, linked_messages = 0;
  };
  Counts counts() const { return {calls.size(), messages.size(), hop_events.size()}; }

  // Exact Call-ID, or a unique prefix of one. `matches` gets every candidate.
  std::optional<std::uint32_t> find_call(std::string_view id_or_prefix, std::vector<std::uint32_t>* matches) const;
  std::map<std::string, std::uint64_t> findings_by_code() const;
};

// How far load() has got, for a progress display on another thread.
struct LoadProgress {
  enum class Stage : int { reading, building, done };
  std::atomic<std::uint64_t> total_bytes{0};  // set before reading starts
  formats::ReadProgress read_bytes{0};
  std::atomic<Stage> stage{Stage::reading};
  std::atomic<std::uint64_t> messages{0};  // known once reading is done
  // Calls built a batch at a time (BatchedTrace::for_each_batch).
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> calls_built{0};
};

struct LoadOptions {
  unsigned threads = 0;  // 0: one per core
  // Text logs at least this big are cut at record starts and read in pieces
  // on all cores (tests make it small to exercise the cutting).
  std::size_t piece_bytes = std::size_t{16} << 20;
  // Seconds (as microseconds) to add to every time read from an input, keyed
  // by the input's name as given or its file name: corrects a clock that was
  // off, or a log written in local time beside a capture in UTC.
  std::map<std::string, std::int64_t> clock_offsets;
  // Move every input's times by its estimated offset against the reference
  // (ClockEstimate), so the merged timeline is causal.
  bool align_clocks = false;
  // When not empty, only messages and server records that contain one of
  // these strings are kept (and inputs without any of them are not parsed):
  // a search for a Call-ID need not build every other call.
  std::vector<std::string> required_text;
  LoadProgress* progress = nullptr;
  // The most messages one trace holds (message ids are 32-bit); tests lower it.
  std::size_t max_messages = kNoId - 1;
};

// Sniffs and reads every input (in parallel), then builds the calls.
Trace load(io::OpenedInputs opened, const LoadOptions& options = {});

// Builds calls from messages and events already in `trace` (used by load and
// tests), links the observations of each message across inputs and estimates
// the inputs' clock offsets. `threads` 0 means one per core.
void build_calls(Trace& trace, unsigned threads = 0);

// Two steps of build_calls, also used to build calls a batch at a time
// (model/batches.hpp). check_message: what is wrong with one message on its
// own (framing, encoding, no Call-ID or CSeq); it takes the record's framing
// issues. work_out_call: kind, parties, transactions, forks, endpoints,
// retransmissions and time span of a call whose messages (in time order)
// and events are set; it marks retransmitted messages. It reads and marks
// that call's messages only, so that calls are worked out on every core at once.
void check_message(Message& m, std::vector<Finding>& findings);
void work_out_call(Trace& trace, Call& call);

// Applies trace.clocks to every time of every input and builds the calls again.
void align_clocks(Trace& trace, unsigned threads = 0);

// Path order of an observation: along a request's path, or back along a response's.
int path_position(const Message& m);

std::string format_time(const Timestamp& t);      // "2010-01-05 14:00:47.889"
std::string format_time_of_day(const Timestamp& t);  // "14:00:47.889"
std::string format_iso8601(const Timestamp& t);   // "2010-01-05T14:00:47.889" (+ "Z" for UTC)
// The same text in place, for outputs that write several per call.
struct TimeText {
  char text[40];  // any int year fits
  std::size_t size = 0;
  std::string_view view() const { return {text, size}; }
};
TimeText iso8601_text(const Timestamp& t);
std::string format_duration(std::int64_t micros); // "12.407s", "1m05s"

}  // namespace sipsleuth::model
