#include "analysis/verdict.hpp"

#include "analysis/decode.hpp"
#include "analysis/media_path.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::analysis {
namespace {

std::string_view from_tag(const sip::Message& m) { return sip::name_addr_param(m.header(sip::HeaderId::from), "tag"); }

bool carries_credentials(const sip::Message& m) {
  for (auto id : {sip::HeaderId::authorization, sip::HeaderId::proxy_authorization}) {
    std::string_view v = m.header(id);
    if (sip::ifind(v, "response=") != std::string_view::npos || sip::ifind(v, "gssapi-data=") != std::string_view::npos ||
        sip::ifind(v, "Basic ") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

bool mentions_timeout(const sip::Message& m) {
  std::string_view diag = m.header(sip::HeaderId::ms_diagnostics);
  if (diag.empty()) diag = m.header(sip::HeaderId::ms_diagnostics_public);
  if (diag.empty()) return false;
  auto d = decode_ms_diagnostic(diag);
  return sip::ifind(d.reason, "timed out") != std::string_view::npos ||
         sip::ifind(d.reason, "timeout") != std::string_view::npos;
}

std::optional<std::int64_t> elapsed_ms(const formats::Timestamp& from, const formats::Timestamp& to) {
  if (!from.valid || !to.valid) return std::nullopt;
  return (to.micros - from.micros) / 1000;
}

Outcome from_status(int status, bool ringing, const sip::Message* final_message) {
  if (status >= 200 && status < 300) return Outcome::answered;
  if (status == 487) return Outcome::cancelled;
  if (status == 486 || status == 600) return Outcome::busy;
  if (status == 603) return Outcome::declined;
  if (status == 480 || status == 408) return Outcome::no_answer;
  if (ringing && final_message && mentions_timeout(*final_message)) return Outcome::no_answer;
  return Outcome::failed;
}

}  // namespace

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::answered: return "answered";
    case Outcome::cancelled: return "cancelled";
    case Outcome::busy: return "busy";
    case Outcome::declined: return "declined";
    case Outcome::no_answer: return "no-answer";
    case Outcome::failed: return "failed";
    case Outcome::media_failed: return "media-failed";
    case Outcome::registered: return "registered";
    case Outcome::auth_failed: return "auth-failed";
    case Outcome::subscribed: return "subscribed";
    case Outcome::in_progress: return "in-progress";
  }
  return "in-progress";
}

Verdict judge(const model::Trace& trace, const model::Call& call) {
  Verdict v;
  v.final_status = call.final_status;
  v.final_reason = call.final_reason;
  const bool invite = sip::iequals(call.first_method, "INVITE");

  // The initial transactions: out-of-dialog requests of the first method.
  const model::Message* first_request = nullptr;
  const model::Message* first_provisional = nullptr;
  const model::Message* answer = nullptr;
  const model::Message* final_response = nullptr;
  std::string_view caller_tag;
  // As in the model: in-dialog requests count only when the trace has no other.
  bool has_initial = false;
  for (const auto& tx : call.transactions) has_initial = has_initial || (tx.method == call.first_method && !tx.in_dialog);
  for (const auto& tx : call.transactions) {
    if (tx.method != call.first_method || (tx.in_dialog && has_initial)) continue;
    for (std::uint32_t id : tx.messages) {
      const model::Message& m = trace.messages[id];
      if (m.sip.is_request()) {
        if (!first_request) {
          first_request = &m;
          caller_tag = from_tag(m.sip);
        }
        if (carries_credentials(m.sip)) v.credentials_sent = true;
        continue;
      }
      int status = m.sip.status();
      if (status == 401 || status == 407) ++v.auth_rounds;
      if (status >= 180 && status < 200 && !first_provisional) first_provisional = &m;
      if (status >= 200 && status < 300 && !answer) answer = &m;
      if (status >= 200 && tx.final_status == call.final_status.value_or(-1)) final_response = &m;
    }
  }
  if (final_response) v.final_message = final_response->id;
  if (first_request && first_provisional) {
    v.to_first_provisional_ms = elapsed_ms(first_request->record.time, first_provisional->record.time);
  }
  if (first_request && answer) v.to_answer_ms = elapsed_ms(first_request->record.time, answer->record.time);
  if (first_provisional && final_response) {
    v.ring_ms = elapsed_ms(first_provisional->record.time, final_response->record.time);
  }
  for (const auto& fork : call.forks) {
    if (fork.best_status >= 200 && fork.best_status < 300) {
      v.answered_by_epid = fork.epid;
      v.answered_by_user_agent = fork.user_agent;
      break;
    }
  }

  // Who ended it: the first BYE, or the caller's CANCEL.
  const model::Message* ending = nullptr;
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.sip.is_request() && (m.sip.method() == "BYE" || (m.sip.method() == "CANCEL" && !answer))) {
      ending = &m;
      break;
    }
  }
  if (ending) {
    v.end_message = ending->id;
    v.ended_by = from_tag(ending->sip) == caller_tag ? model::Role::caller : model::Role::callee;
    for (auto h : {sip::HeaderId::ms_client_diagnostics, sip::HeaderId::ms_diagnostics, sip::HeaderId::reason}) {
      if (v.end_diagnostic.empty()) v.end_diagnostic = ending->sip.header(h);
    }
    if (answer && ending->sip.method() == "BYE") v.talk_ms = elapsed_ms(answer->record.time, ending->record.time);
  }

  if (!call.final_status) {
    v.outcome = Outcome::in_progress;
    return v;
  }
  int status = *call.final_status;
  if (sip::iequals(call.first_method, "REGISTER")) {
    if (status >= 200 && status < 300) v.outcome = Outcome::registered;
    else if ((status == 401 || status == 403 || status == 407) && v.credentials_sent) v.outcome = Outcome::auth_failed;
    else v.outcome = Outcome::failed;
    return v;
  }
  if (sip::iequals(call.first_method, "SUBSCRIBE")) {
    v.outcome = status < 300 ? Outcome::subscribed : from_status(status, false, nullptr);
    return v;
  }
  v.outcome = from_status(status, first_provisional != nullptr, final_response ? &final_response->sip : nullptr);
  if (invite && v.outcome == Outcome::answered && ending && ending->sip.method() == "BYE" && v.talk_ms &&
      *v.talk_ms <= kMediaFailureWindowMs) {
    std::string_view client_diag = ending->sip.header(sip::HeaderId::ms_client_diagnostics);
    if (!client_diag.empty() && decode_ms_client_diagnostic(client_diag).is_error()) v.outcome = Outcome::media_failed;
  }
  if (invite && v.outcome == Outcome::answered && !trace.flows.empty()) {
    v.media_path = std::make_shared<const MediaPathReport>(check_media_path(trace, call));
    if (v.media_path->media_failed) {
      v.outcome = Outcome::media_failed;
      v.media_failure_in_capture = true;
    }
  }
  return v;
}

}  // namespace sipsleuth::analysis
