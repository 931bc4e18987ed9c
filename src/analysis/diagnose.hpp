// Findings about one call: what happened and why, each with a stable code,
// a severity, one sentence an administrator understands, and the messages
// and server records it rests on.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/verdict.hpp"
#include "model/trace.hpp"

namespace sipsleuth::analysis {

struct CallFinding {
  std::string code;  // "routing.outbound_gateway", "server.sipproxy_e_routing_msg_cert_mismatch", ...
  formats::Severity severity = formats::Severity::info;
  std::string message;
  std::vector<std::uint32_t> messages;  // evidence: message ids
  std::vector<std::uint32_t> events;    // evidence: log event ids
};

// The problems found in the call's own messages while reading them are among
// the findings: `message_findings` lists them (indexes into trace.findings,
// in their order); without it, every finding of the trace is looked through.
std::vector<CallFinding> diagnose(const model::Trace& trace, const model::Call& call, const Verdict& verdict,
                                  std::span<const std::uint32_t> message_findings);
std::vector<CallFinding> diagnose(const model::Trace& trace, const model::Call& call, const Verdict& verdict);

// The findings about each call's messages, for diagnosing many calls of a
// trace with one look through its findings rather than one per call.
class MessageFindingsByCall {
 public:
  explicit MessageFindingsByCall(const model::Trace& trace);
  std::span<const std::uint32_t> of(std::uint32_t call) const;

 private:
  std::vector<std::uint32_t> first_;     // each call's first in findings_, then one past the last
  std::vector<std::uint32_t> findings_;  // indexes into trace.findings, call by call
};

}  // namespace sipsleuth::analysis
