// The same SIP message seen at several points, linked into one event, and
// the clock offsets between inputs that those links reveal.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::model {

// Links the observations of each message across inputs (Call-ID, CSeq,
// method or status, tags, and the branch of the Via its sender wrote), fills
// trace.hop_events and Message::hop_event, and learns each server log's own
// address from what its peers logged (InputInfo::local_address).
void link_hops(Trace& trace, unsigned threads = 0);

// link_hops() in two steps, for callers that already visit each call on its
// own thread: the observations of each message of `call` seen more than once,
// each group in path order and the groups in the order their messages were
// first seen; then, once every call's are known, all of them linked in call
// order (per_call[c] for trace.calls[c]; emptied).
using LinkedObservations = std::vector<std::vector<std::uint32_t>>;
LinkedObservations linked_observations(const Trace& trace, const Call& call);
void link_observations(Trace& trace, std::vector<LinkedObservations>& per_call);

// Fills trace.clocks from the linked observations: for every pair of inputs,
// the offset that keeps every message's arrival after its sending.
void estimate_clocks(Trace& trace);

// What estimate_clocks() learns, gathered from any number of traces over the
// same inputs (the batches of a trace built a batch of calls at a time).
class ClockEvidence {
 public:
  void add(const Trace& trace);  // its hop_events
  std::vector<ClockEstimate> estimates(const std::vector<InputInfo>& inputs) const;

 private:
  struct Bounds {
    std::int64_t low = INT64_MIN;  // on (offset of the second input) - (offset of the first)
    std::int64_t high = INT64_MAX;
    std::uint32_t links = 0;
    std::int64_t estimate(bool& consistent) const;
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, Bounds> pairs_;  // (a, b), a < b: bounds on o_b - o_a
};

// The host at one end of a message as recorded. A server log calls its own
// end by the machine's name; that end is given as the address its peers
// logged (InputInfo::local_address), once known.
std::string end_host(const Trace& trace, const Message& message, bool source_end);

// The hosts a message passed, from its sender to its last receiver, read from
// the Via headers of the copy that saw most of the path (a request's Vias
// bottom to top, then where that copy went; a response the other way).
std::vector<std::string> hop_path(const Trace& trace, std::uint32_t message);

// The message that stands for `message` when observations are merged: the
// first observation of its hop event (or of its original, for a
// retransmission), else itself.
std::uint32_t representative(const Trace& trace, std::uint32_t message);

}  // namespace sipsleuth::model
