// The same SIP message seen at several points, linked into one event, and
// the clock offsets between inputs that those links reveal.
#pragma once

#include "model/trace.hpp"

namespace sipsleuth::model {

// Links the observations of each message across inputs (Call-ID, CSeq,
// method or status, tags, and the branch of the Via its sender wrote), fills
// trace.hop_events and Message::hop_event, and learns each server log's own
// address from what its peers logged (InputInfo::local_address).
void link_hops(Trace& trace);

// Fills trace.clocks from the linked observations: for every pair of inputs,
// the offset that keeps every message's arrival after its sending.
void estimate_clocks(Trace& trace);

}  // namespace sipsleuth::model
