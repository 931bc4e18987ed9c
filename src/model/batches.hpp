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
#include <string_view>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::model {

// What is kept of one message between reading it and building its call.
struct MessageStub {
  formats::Location location;
  formats::Timestamp time;  // --offset applied
  std::string_view source, destination;
  // Logs: the whole record (SipRecord::original), which the reader reads
  // again. Captures: the message's text (SipRecord::raw), framed again.
  std::string_view text;
  std::uint32_t input = 0;
  std::uint32_t call = kNoId;  // index into the calls as first met; kNoId without a Call-ID
  std::uint32_t kept = kNoId;  // into BatchedTrace's kept records, for what `text` cannot give again
  formats::Direction direction = formats::Direction::unknown;
  formats::Transport transport = formats::Transport::unknown;
};

class BatchedTrace {
 public:
  // Inputs, events, findings, errors, notes, flows and
  // messages_without_call_id, as load() gives them; no messages, no calls.
  // Once for_each_batch() has run, also the clock estimates.
  Trace shared;

  std::size_t message_count() const { return stubs_.size(); }
  std::size_t call_count() const { return calls_.size(); }
  // Messages seen at several points (Trace::hop_events), counted by for_each_batch().
  std::size_t linked_messages() const { return linked_messages_; }

  // Builds the calls in order, up to `calls_per_batch` at a time. Each batch
  // is a Trace holding those calls (numbered from 0 in the batch) and their
  // messages, with the shared inputs, events and flows lent to it for the
  // call. Fills shared.clocks once every batch is done. `threads` 0 means
  // one per core.
  void for_each_batch(std::size_t calls_per_batch, const std::function<void(const Trace& batch)>& use,
                      unsigned threads = 0);

 private:
  friend BatchedTrace load_batched(io::OpenedInputs opened, const LoadOptions& options);
  class Reading;  // the first pass (batches.cpp)
  struct CallStub {
    std::uint32_t first_message = 0, messages = 0;  // a range of call_messages_
    std::uint32_t first_event = 0, events = 0;      // a range of call_events_
  };
  formats::SipRecord record_of(const MessageStub& stub, formats::Format format) const;

  std::vector<MessageStub> stubs_;            // in the order load() numbers messages
  std::vector<formats::SipRecord> kept_;      // records (or their packets and issues) not read again
  std::vector<std::uint32_t> call_messages_;  // each call's messages in time order
  std::vector<std::uint32_t> call_events_;    // each call's events in time order
  std::vector<CallStub> calls_;               // in call order
  std::size_t linked_messages_ = 0;
};

// Reads every input as load() does (options.required_text and
// options.align_clocks are not supported: use load()).
BatchedTrace load_batched(io::OpenedInputs opened, const LoadOptions& options = {});

}  // namespace sipsleuth::model
