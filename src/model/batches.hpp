// A trace built a batch of calls at a time, for commands about every call
// (`sipsleuth calls`) on inputs of gigabytes: memory holds a small stub per
// message and one batch of calls in full, not every message at once.
//
// load_batched() reads every input once, as load() does, but keeps of each
// message only where to read it again, its time and its call. Calls are
// grouped and put in order as load() puts them. for_each_batch() then builds
// the calls in that order, a batch at a time, reading their messages again
// from the (memory-mapped) input, and gives each batch to the caller before
// dropping it and giving the pages it read back to the OS. Every call comes
// out exactly as load() would have built it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::model {

// Where a log record's views lie in its text (SipRecord::original), so that
// the record is rebuilt without the reader: reading a server log's record
// again costs more than parsing its message. 16 bits each: a record of over
// 64 KB is read again instead.
struct RecordViews {
  struct Place {
    std::uint16_t offset = 0, length = 0;
  };
  Place start_line, header_block, body, raw, correlation_id, instance_id, source, destination;

  // Nothing when a view of `record` lies outside its text or too far in, or
  // the record has more than views (framing issues, packets).
  static std::optional<RecordViews> of(const formats::SipRecord& record);
  formats::SipRecord rebuild(std::string_view original) const;
};

// What is kept of one message between reading it and building its call.
struct MessageStub {
  // How the message is read again.
  enum class Again : std::uint8_t {
    kept,        // kept whole (SIP text, small): `extra` indexes BatchedTrace's kept records
    log_record,  // `text` is the whole record (SipRecord::original), which the reader reads again
    log_views,   // `text` is the whole record; `extra` indexes where its views lie in it
    log_text,    // a client log's: `text` is the message as the reader cut it out, framed again;
                 // the record (SipRecord::original) starts at `location` and is `extra` bytes long
    capture,     // `text` is the message (SipRecord::raw), framed again; `extra` indexes its
                 // capture extras, if any: packets, framing issues, pieces of a message rebuilt
                 // from several TCP segments (then `text` is empty)
  };
  formats::Location location;
  formats::Timestamp time;  // --offset applied
  std::string_view text;
  std::uint32_t input = 0;
  std::uint32_t call = kNoId;  // index into the calls as first met; kNoId without a Call-ID
  std::uint32_t extra = kNoId;  // as `again` says
  // A capture's or a client log's addresses, in BatchedTrace's list of
  // them: an input has a few and millions of messages.
  std::uint32_t source = kNoId, destination = kNoId;
  formats::Direction direction = formats::Direction::unknown;
  formats::Transport transport = formats::Transport::unknown;
  Again again = Again::kept;
};

class BatchedTrace {
 public:
  // Inputs, events, the readers' findings, errors, notes, flows and
  // messages_without_call_id, as load() gives them; no messages, no calls.
  // Once for_each_batch() has run, also the findings about messages (each is
  // checked as its call is built) and the clock estimates.
  Trace shared;

  std::size_t message_count() const { return stubs_.size(); }
  std::size_t call_count() const { return calls_.size(); }
  // Messages seen at several points (Trace::hop_events), counted by for_each_batch().
  std::size_t linked_messages() const { return linked_messages_; }

  // Builds the calls in order, up to `calls_per_batch` at a time. Each batch
  // is a Trace holding those calls (numbered from 0 in the batch) and their
  // messages, with the shared inputs, events and flows lent to it for the
  // call. Once every batch is done, adds the findings about messages to
  // shared.findings and fills shared.clocks: call it once, even when there
  // are no calls (messages without a Call-ID have findings). `threads` 0
  // means one per core. `progress`, if given, counts the calls built.
  void for_each_batch(std::size_t calls_per_batch, const std::function<void(const Trace& batch)>& use,
                      unsigned threads = 0, LoadProgress* progress = nullptr);

 private:
  friend BatchedTrace load_batched(io::OpenedInputs opened, const LoadOptions& options);
  class Reading;  // the first pass (batches.cpp)
  struct CallStub {
    std::uint32_t first_message = 0, messages = 0;  // a range of call_messages_
    std::uint32_t first_event = 0, events = 0;      // a range of call_events_
  };
  // What a capture's message needs besides its text, in pools rather than
  // a record each: a capture over TCP has millions of them.
  struct CaptureExtras {
    std::uint32_t first_packet = 0, packets = 0;  // in packet_pool_
    std::uint32_t first_piece = 0, pieces = 0;    // in piece_pool_
    std::uint32_t issues = kNoId;                 // in kept_: a record holding only its framing issues
  };
  // Per input, the bytes [first, second) a batch reads again.
  using Extent = std::pair<std::size_t, std::size_t>;
  // Widens `extents` by the bytes of the inputs (`input_bytes`, each
  // input's) that `stub` is read again from.
  void add_extents(const MessageStub& stub, const std::vector<std::string_view>& input_bytes,
                   std::vector<Extent>& extents) const;
  // Gives back the pages of the inputs that a batch which read `touched` is
  // done with, knowing that the next batch reads `next`.
  static void give_back_pages(const std::vector<InputInfo>& inputs, const std::vector<Extent>& touched,
                              const std::vector<Extent>& next, std::vector<std::size_t>& given_back);
  // The message read again from `input`, the one it came from, not yet
  // framed if it was read so (formats::frame_and_parse() frames it); `storage`
  // holds a capture's message joined from its pieces.
  formats::SipRecord record_of(const MessageStub& stub, const InputInfo& input, std::string& storage) const;

  std::vector<MessageStub> stubs_;        // in the order load() numbers messages
  std::vector<formats::SipRecord> kept_;  // records, or framing issues, not read again
  std::vector<CaptureExtras> extras_;
  std::vector<RecordViews> record_views_;
  std::vector<std::uint32_t> packet_pool_;
  std::vector<std::string_view> piece_pool_;  // views of the input
  std::vector<std::string_view> addresses_;   // interned by the readers: they outlive the batches
  std::vector<std::uint32_t> call_messages_;  // each call's messages in time order
  std::vector<std::uint32_t> call_events_;    // each call's events in time order
  std::vector<CallStub> calls_;               // in call order
  std::vector<Finding> message_findings_;     // until for_each_batch() has checked every message
  std::size_t linked_messages_ = 0;
};

// Reads every input as load() does (options.required_text and
// options.align_clocks are not supported: use load()).
BatchedTrace load_batched(io::OpenedInputs opened, const LoadOptions& options = {});

}  // namespace sipsleuth::model
