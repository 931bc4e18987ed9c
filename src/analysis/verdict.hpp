// What happened to a call, in the vocabulary an administrator uses:
// answered, cancelled, busy, declined, no-answer, failed, media-failed,
// registered, auth-failed, subscribed, in-progress; with the timings and the
// messages that prove it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::analysis {

struct MediaPathReport;

enum class Outcome : std::uint8_t {
  answered, cancelled, busy, declined, no_answer, failed, media_failed,
  registered, auth_failed, subscribed, in_progress
};
std::string_view outcome_name(Outcome o);  // "no-answer", ...

struct Verdict {
  Outcome outcome = Outcome::in_progress;
  std::optional<int> final_status;
  std::string_view final_reason;
  std::uint32_t final_message = model::kNoId;  // the response that decided it
  // Timings in milliseconds, when the trace shows both ends.
  std::optional<std::int64_t> to_first_provisional_ms;  // INVITE -> first 18x
  std::optional<std::int64_t> to_answer_ms;             // INVITE -> 2xx
  std::optional<std::int64_t> ring_ms;                  // first 18x -> final response
  std::optional<std::int64_t> talk_ms;                  // 2xx -> BYE
  std::optional<model::Role> ended_by;                  // who sent the BYE (or CANCEL)
  std::uint32_t end_message = model::kNoId;
  std::string_view end_diagnostic;                      // ms-client-diagnostics, ms-diagnostics or Reason of that message
  std::string_view answered_by_epid;
  std::string_view answered_by_user_agent;
  std::uint32_t auth_rounds = 0;                        // 401/407 challenges to the initial method
  bool credentials_sent = false;
  bool media_failure_in_capture = false;  // media-failed because a capture shows the relay path failing
  // The media path checked against the captures, when judging needed it;
  // diagnose() reuses it rather than checking again.
  std::shared_ptr<const MediaPathReport> media_path;
};

Verdict judge(const model::Trace& trace, const model::Call& call);

// Seconds after answering within which a BYE with an error-class
// ms-client-diagnostics means the media never connected.
inline constexpr std::int64_t kMediaFailureWindowMs = 15000;

}  // namespace sipsleuth::analysis
