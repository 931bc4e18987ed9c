// Findings about one call: what happened and why, each with a stable code,
// a severity, one sentence an administrator understands, and the messages
// and server records it rests on.
#pragma once

#include <cstdint>
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

std::vector<CallFinding> diagnose(const model::Trace& trace, const model::Call& call, const Verdict& verdict);

}  // namespace sipsleuth::analysis
