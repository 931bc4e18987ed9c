#include "analysis/diagnose.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "analysis/decode.hpp"
#include "analysis/media_path.hpp"
#include "sip/sdp.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::analysis {
namespace {

using formats::Severity;


std::string outcome_sentence(const model::Trace& trace, const model::Call& call, const Verdict& v) {
  std::string status = call.final_status ? fmt::format("{} {}", *call.final_status, call.final_reason) : "";
  switch (v.outcome) {
    case Outcome::answered: {
      if (!sip::iequals(call.first_method, "INVITE")) {
        return fmt::format("The {} was accepted ({}).", call.first_method, status);
      }
      std::string s = "The call was answered";
      if (!v.answered_by_user_agent.empty()) s += fmt::format(" by {}", v.answered_by_user_agent);
      if (!v.answered_by_epid.empty()) s += fmt::format(" (epid {})", v.answered_by_epid);
      if (v.to_answer_ms) s += fmt::format(" {} after the request", model::format_duration(*v.to_answer_ms * 1000));
      if (v.ended_by) {
        s += fmt::format(" and ended by the {}", *v.ended_by == model::Role::caller ? "caller" : "callee");
        if (v.talk_ms) s += fmt::format(" after {}", model::format_duration(*v.talk_ms * 1000));
      }
      return s + ".";
    }
    case Outcome::cancelled: return fmt::format("The caller cancelled the call before it was answered ({}).", status);
    case Outcome::busy: return fmt::format("The callee was busy ({}).", status);
    case Outcome::declined: return fmt::format("The callee declined the call ({}).", status);
    case Outcome::no_answer: return fmt::format("Nobody answered ({}).", status);
    case Outcome::failed: return fmt::format("The request failed with {}.", status);
    case Outcome::media_failed:
      if (v.media_failure_in_capture) {
        return "The call was answered but the capture shows its media path never connected: every attempt on the "
               "relay path failed (see the media findings).";
      }
      return "The call was answered but the media never connected: it was ended within seconds with a media failure "
             "diagnostic.";
    case Outcome::registered:
      return v.auth_rounds ? fmt::format("The endpoint registered after {} authentication challenge{}.", v.auth_rounds,
                                         v.auth_rounds == 1 ? "" : "s")
                           : std::string("The endpoint registered.");
    case Outcome::auth_failed:
      return fmt::format("Registration failed: the credentials sent were rejected ({}).", status);
    case Outcome::subscribed: return "The subscription was accepted.";
    case Outcome::in_progress:
      (void)trace;
      return call.messages.empty() ? "The trace holds only server log records for this call, no SIP messages."
                                   : "The trace ends before the request got a final response.";
  }
  return {};
}

Severity outcome_severity(Outcome o) {
  switch (o) {
    case Outcome::failed:
    case Outcome::media_failed:
    case Outcome::auth_failed: return Severity::error;
    case Outcome::busy:
    case Outcome::declined:
    case Outcome::no_answer: return Severity::warning;
    default: return Severity::info;
  }
}

std::string quoted_field(const sip::Diagnostic& d, std::string_view key) {
  auto v = d.field(key);
  return v ? std::string(*v) : std::string("?");
}

// One finding per distinct ms-diagnostics value; repeated observations of the
// same header (several hops, retransmissions) become more evidence.
void diagnostics_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  std::map<std::string, std::size_t> seen;
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    for (auto header : {sip::HeaderId::ms_diagnostics, sip::HeaderId::ms_diagnostics_public}) {
      std::string_view value = m.sip.header(header);
      if (value.empty()) continue;
      std::string key(value);
      if (auto it = seen.find(key); it != seen.end()) {
        out[it->second].messages.push_back(id);
        continue;
      }
      DecodedDiagnostic d = decode_ms_diagnostic(value);
      std::string from = d.source.empty() ? std::string() : fmt::format(" on {}", d.source);
      CallFinding f;
      f.messages.push_back(id);
      unsigned code = d.parsed.code.value_or(0);
      if (code == 13004) {
        f.code = "routing.inbound_forked";
        f.message = fmt::format("Inbound Routing{} proxied the call to every registered endpoint of the callee "
                                "(ms-diagnostics 13004); {} of them responded with 18x or 2xx.",
                                from, call.forks.size());
      } else if (code == 12006) {
        f.code = "routing.outbound_gateway";
        f.message = fmt::format("Outbound Routing{} sent the call to gateway {} via route \"{}\" (ms-diagnostics 12006).",
                                from, quoted_field(d.parsed, "Gateway"), quoted_field(d.parsed, "PhoneRoute"));
      } else if (code == 14011) {
        f.code = "routing.number_translated";
        f.message = fmt::format("The Translation Service{} normalized the dialed number {} to {} with rule \"{}\" "
                                "(ms-diagnostics 14011).",
                                from, quoted_field(d.parsed, "CalledNumber"), quoted_field(d.parsed, "TranslatedNumber"),
                                quoted_field(d.parsed, "RuleName"));
      } else {
        f.code = fmt::format("ms-diagnostics.{}", code);
        std::string details;
        for (const auto& field : d.parsed.fields) {
          if (sip::iequals(field.key, "reason") || sip::iequals(field.key, "source") || sip::iequals(field.key, "appName")) continue;
          details += fmt::format("{}{}={}", details.empty() ? "; " : ", ", field.key, field.value);
        }
        f.message = fmt::format("ms-diagnostics {}{}: {}{}{}.", code, from, d.reason.empty() ? "(no reason)" : d.reason,
                                d.component ? fmt::format(" [{}]", *d.component) : std::string(), details);
      }
      f.severity = m.sip.status() >= 300 ? Severity::error : Severity::info;
      seen.emplace(key, out.size());
      out.push_back(std::move(f));
    }
  }
}

void client_diagnostics_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  std::set<std::string> seen;
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    std::string_view value = m.sip.header(sip::HeaderId::ms_client_diagnostics);
    if (value.empty() || !seen.insert(std::string(value)).second) continue;
    DecodedClientDiagnostic d = decode_ms_client_diagnostic(value);
    unsigned code = d.parsed.code.value_or(0);
    if (d.is_error()) {
      out.push_back({"media.client_error", Severity::error,
                     fmt::format("The client reported a failure: ms-client-diagnostics {} {}.", code, d.reason), {id}, {}});
    }
    for (const auto& media : d.media) {
      std::string who = media.side == "CallerMediaDebug" ? "Caller" : "Callee";
      auto field = [&](std::string_view k) { return std::string(media.media.field(k).value_or("?")); };
      out.push_back({"media.relays", Severity::info,
                     fmt::format("{}'s {} media path (ms-client-diagnostics {}): local relay {}, remote relay {}, "
                                 "port range {}.",
                                 who, media.media.media, code, field("LocalMR"), field("RemoteMR"), field("PortRange")),
                     {id},
                     {}});
      if (media.ice && media.ice->value != 0) {
        std::string flags;
        for (const auto* flag : media.ice->flags) {
          flags += fmt::format("{}0x{:x} {}", flags.empty() ? "" : "; ", flag->bit, flag->meaning);
        }
        out.push_back({"media.ice_warnings", Severity::warning,
                       fmt::format("{}'s ICE reported warnings for {} (ICEWarn 0x{:x}): {}", who, media.media.media,
                                   media.ice->value, flags),
                       {id},
                       {}});
      }
    }
  }
}

void reason_and_warning_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.retransmission_of != model::kNoId) continue;
    std::string what = m.sip.is_request() ? std::string(m.sip.method()) : std::to_string(m.sip.status());
    for (const auto& r : decode_reason(m.sip.header(sip::HeaderId::reason))) {
      if (r.protocol.empty()) continue;
      out.push_back({"sip.reason", Severity::info,
                     fmt::format("{} carries Reason {} cause {}{}{}.", what, r.protocol,
                                 r.cause ? std::to_string(*r.cause) : std::string("?"),
                                 r.meaning ? fmt::format(" ({})", *r.meaning) : std::string(),
                                 r.text.empty() ? std::string() : fmt::format(": \"{}\"", r.text)),
                     {id},
                     {}});
    }
    for (const auto& w : decode_warning(m.sip.header(sip::HeaderId::warning))) {
      if (!w.code) continue;
      out.push_back({"sip.warning", Severity::warning,
                     fmt::format("{} carries Warning {} from {}: \"{}\".", what, *w.code, w.agent, w.text), {id}, {}});
    }
  }
}

void server_record_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  for (std::uint32_t id : call.events) {
    const formats::LogEvent& e = trace.events[id].event;
    std::string_view result = sip::trim(e.field("Result-Code"));
    std::string_view name = result.substr(result.find(' ') == std::string_view::npos ? result.size() : result.find(' ') + 1);
    Severity severity = e.level == "TL_ERROR" || e.level == "TL_FATAL" ? Severity::error
                        : e.level == "TL_WARN"                          ? Severity::warning
                                                                        : Severity::info;
    std::string code = name.empty() ? std::string("server.diagnostic") : "server." + sip::to_lower_copy(sip::trim(name));
    std::string message = fmt::format("{} logged: {}", e.component.empty() ? "The server" : std::string(e.component),
                                      e.field("Text").empty() ? std::string(e.header_text) : std::string(e.field("Text")));
    if (!result.empty()) message += fmt::format(" (Result-Code {})", result);
    if (!e.field("Peer").empty()) message += fmt::format("; peer {}", e.field("Peer"));
    if (!e.field("Data").empty()) message += fmt::format("; {}", e.field("Data"));
    out.push_back({code, severity, message + ".", {}, {id}});
  }
}

// Authentication parameters are comma-separated after the scheme (RFC 3261 §25.1):
// NTLM qop="auth", realm="...", targetname="fe.contoso.com"
std::optional<std::string_view> auth_param(std::string_view value, std::string_view name) {
  value = sip::trim(value);
  std::size_t space = sip::find_blank(value);
  if (space == std::string_view::npos) return std::nullopt;
  sip::ListCursor params(value.substr(space + 1));
  std::string_view item;
  while (params.next(item)) {
    std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && sip::iequals(sip::trim(item.substr(0, eq)), name)) {
      return sip::unquote(item.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::string first_word(std::string_view s) {
  s = sip::trim(s);
  return std::string(s.substr(0, sip::find_blank(s)));
}

void registration_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  if (!sip::iequals(call.first_method, "REGISTER")) return;
  std::set<std::string> offered, used;
  std::string home_server, challenge_target;
  bool remote = false;
  std::vector<std::uint32_t> evidence;
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    bool relevant = false;
    for (auto h : {sip::HeaderId::www_authenticate, sip::HeaderId::proxy_authenticate}) {
      m.sip.for_each(h, [&](std::string_view v) {
        offered.insert(first_word(v));
        // The registrar names itself in its challenge; that wins over what the client echoes.
        if (auto target = auth_param(v, "targetname")) challenge_target = std::string(*target);
        relevant = true;
      });
    }
    for (auto h : {sip::HeaderId::authorization, sip::HeaderId::proxy_authorization}) {
      m.sip.for_each(h, [&](std::string_view v) {
        used.insert(first_word(v));
        if (auto target = auth_param(v, "targetname"); target && home_server.empty()) home_server = std::string(*target);
        relevant = true;
      });
    }
    if (sip::iequals(sip::trim(m.sip.header(sip::HeaderId::ms_user_logon_data)), "RemoteUser")) remote = true;
    if (relevant) evidence.push_back(id);
  }
  if (offered.empty() && used.empty()) return;
  auto join = [](const std::set<std::string>& s) {
    std::string r;
    for (const auto& x : s) r += (r.empty() ? "" : ", ") + x;
    return r.empty() ? std::string("none") : r;
  };
  std::string message = fmt::format("Authentication schemes offered: {}; used: {}", join(offered), join(used));
  if (!challenge_target.empty()) home_server = challenge_target;
  if (!home_server.empty()) message += fmt::format("; home server {}", home_server);
  message += remote ? "; the user signed in from outside the network (ms-user-logon-data: RemoteUser)." : ".";
  out.push_back({"registration.authentication", Severity::info, message, evidence, {}});
}

const model::Message* initial_request(const model::Trace& trace, const model::Call& call) {
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.sip.is_request() && m.sip.method() == call.first_method) return &m;
  }
  return nullptr;
}

// Enterprise Voice: how the number was dialed, which Mediation Server took the
// call to the gateway, and who the answering side asserted to be.
void voice_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  if (!sip::iequals(call.first_method, "INVITE")) return;
  const model::Message* invite = initial_request(trace, call);
  if (!invite) return;
  sip::Uri ruri = sip::parse_uri(invite->sip.request_uri());
  bool user_phone = sip::uri_param(ruri, "user").value_or("") == "phone";
  std::string_view number = ruri.user.substr(0, ruri.user.find(';'));
  std::string_view user_params = ruri.user.find(';') == std::string_view::npos ? std::string_view{}
                                                                               : ruri.user.substr(ruri.user.find(';'));
  auto context = sip::find_param(user_params, "phone-context");
  if (!context) context = sip::uri_param(ruri, "phone-context");
  if (user_phone || sip::iequals(ruri.scheme, "tel") || context) {
    std::string message;
    if (!number.empty() && number.front() == '+') {
      message = fmt::format("The caller dialed {}, an E.164 number{}.", number, user_phone ? " (user=phone)" : "");
    } else {
      message = fmt::format("The caller dialed {}{}, not an E.164 number: the dial plan must normalize it.", number,
                            context ? fmt::format(" in phone-context {}", *context) : std::string());
    }
    out.push_back({"voice.dialed_number", Severity::info, message, {invite->id}, {}});
  }
  std::set<std::string> mediation_seen;
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (!m.sip.is_response()) continue;
    auto contact = sip::parse_name_addr(m.sip.header(sip::HeaderId::contact));
    if (!sip::find_param(contact.params, "isGateway")) continue;
    sip::Uri uri = sip::parse_uri(contact.uri);
    std::string server(uri.user.find('.') != std::string_view::npos ? uri.user : uri.host);
    if (!mediation_seen.insert(server).second) continue;
    out.push_back({"voice.mediation_server", Severity::info,
                   fmt::format("The call went to the PSTN gateway through Mediation Server {}{}.", server,
                               m.sip.header(sip::HeaderId::server).empty()
                                   ? std::string()
                                   : fmt::format(" ({})", m.sip.header(sip::HeaderId::server))),
                   {id},
                   {}});
  }
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.sip.status() < 200 || m.sip.status() >= 300 || m.sip.cseq_method() != "INVITE") continue;
    std::string_view pai = m.sip.header(sip::HeaderId::p_asserted_identity);
    if (pai.empty()) continue;
    out.push_back({"call.asserted_identity", Severity::info,
                   fmt::format("The answering side's identity was asserted as {}.", pai), {id}, {}});
    break;
  }
}

// The SDP a message prefers: the last application/sdp part (multipart/alternative
// lists the preferred form last; Lync puts its OCS 2007 fallback first).
std::string candidates_summary(const sip::MediaLine& line) {
  if (line.candidates.empty()) return fmt::format("no candidates, connection {}:{}", line.connection, line.port);
  std::map<std::string, int> types;
  std::set<std::string> transports;
  for (const auto& c : line.candidates) {
    ++types[c.ms_ice ? std::string("MS-ICE") : c.type.empty() ? std::string("?") : std::string(c.type)];
    transports.insert(std::string(c.transport));
  }
  std::string type_text, transport_text;
  for (const auto& [type, n] : types) type_text += fmt::format("{}{} {}", type_text.empty() ? "" : ", ", n, type);
  for (const auto& t : transports) transport_text += (transport_text.empty() ? "" : ", ") + t;
  return fmt::format("{} candidate{} ({}; {}), connection {}:{}", line.candidates.size(),
                     line.candidates.size() == 1 ? "" : "s", type_text, transport_text, line.connection, line.port);
}

// Offer and answer of the initial INVITE, and the final pair of each re-INVITE;
// every message's SDP is parsed once.
void media_findings(const model::Trace& trace, const model::Call& call, std::vector<CallFinding>& out) {
  if (!sip::iequals(call.first_method, "INVITE")) return;
  const model::Message* offer = nullptr;
  const model::Message* answer = nullptr;
  std::vector<sip::MediaLine> offered, answered;
  std::vector<CallFinding> final_pairs;
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.sip.cseq_method() != "INVITE" || m.retransmission_of != model::kNoId) continue;
    bool provisional_or_success = m.sip.status() >= 180 && m.sip.status() < 300;
    if (!m.sip.is_request() && !provisional_or_success) continue;
    std::vector<sip::MediaLine> media = sip::message_media(m.sip.header(sip::HeaderId::content_type), m.sip.parts().body);
    if (media.empty()) continue;
    if (m.sip.is_request()) {
      bool dialog = !sip::name_addr_param(m.sip.header(sip::HeaderId::to), "tag").empty();
      if (!offer && !dialog) {
        offer = &m;
        offered = media;
      }
      // After ICE completes, Lync re-INVITEs with the chosen pair: its own candidate
      // and the remote one in a=remote-candidates.
      for (const auto& line : media) {
        if (line.remote_candidates.empty()) continue;
        std::string_view rest = line.remote_candidates;
        sip::pop_word(rest);  // component
        std::string_view remote_address = sip::pop_word(rest);
        std::string_view remote_port = sip::pop_word(rest);
        std::string local = line.candidates.empty()
                                ? fmt::format("{}:{}", line.connection, line.port)
                                : fmt::format("{}:{}", line.candidates.front().address, line.candidates.front().port);
        final_pairs.push_back({"media.final_pair", Severity::info,
                               fmt::format("After ICE, the re-INVITE (CSeq {}) fixed the {} path: local {} to remote "
                                           "{}:{} (a=remote-candidates).",
                                           m.sip.cseq_number().value_or(0), line.media, local, remote_address,
                                           remote_port),
                               {id},
                               {}});
      }
    } else if (offer && m.sip.cseq_number() == offer->sip.cseq_number() &&
               (!answer || (answer->sip.status() < 200 && m.sip.status() >= 200))) {
      answer = &m;
      answered = std::move(media);
    }
  }
  for (std::size_t i = 0; offer && i < offered.size(); ++i) {
    std::string message = fmt::format("{}: the offer listed {}", offered[i].media, candidates_summary(offered[i]));
    CallFinding f{"media.offer_answer", Severity::info, "", {offer->id}, {}};
    if (i < answered.size()) {
      message += fmt::format("; the {} answer listed {}", answer->sip.status(), candidates_summary(answered[i]));
      f.messages.push_back(answer->id);
    } else {
      message += "; no answer for it is in the trace";
    }
    f.message = message + ".";
    out.push_back(std::move(f));
  }
  for (auto& f : final_pairs) out.push_back(std::move(f));
}

}  // namespace

std::vector<CallFinding> diagnose(const model::Trace& trace, const model::Call& call, const Verdict& verdict,
                                  std::span<const std::uint32_t> message_findings) {
  std::vector<CallFinding> out;
  CallFinding outcome{"call." + std::string(outcome_name(verdict.outcome)), outcome_severity(verdict.outcome),
                      outcome_sentence(trace, call, verdict), {}, {}};
  if (!call.messages.empty()) outcome.messages.push_back(call.messages.front());
  if (verdict.final_message != model::kNoId) outcome.messages.push_back(verdict.final_message);
  if (verdict.end_message != model::kNoId) outcome.messages.push_back(verdict.end_message);
  if (call.messages.empty()) outcome.events = call.events;
  out.push_back(std::move(outcome));

  if (call.forks.size() > 1) {
    std::string list;
    CallFinding forks{"call.forked", Severity::info, "", {}, {}};
    for (const auto& f : call.forks) {
      std::string state = f.best_status >= 200 ? std::string("answered")
                          : f.completed_elsewhere ? std::string("rang, then cancelled: call completed elsewhere")
                          : f.failure_status    ? fmt::format("rang, then {}", f.failure_status)
                                                : std::string("rang");
      list += fmt::format("{}{} (epid {}, {})", list.empty() ? "" : "; ", f.user_agent.empty() ? "?" : f.user_agent,
                          f.epid.empty() ? "?" : f.epid, state);
      forks.messages.push_back(f.first_message);
    }
    forks.message = fmt::format("{} endpoints of the callee responded: {}.", call.forks.size(), list);
    out.push_back(std::move(forks));
  }
  registration_findings(trace, call, out);
  voice_findings(trace, call, out);
  diagnostics_findings(trace, call, out);
  media_findings(trace, call, out);
  if (verdict.media_path) {
    out.insert(out.end(), verdict.media_path->findings.begin(), verdict.media_path->findings.end());
  } else {
    for (auto& f : check_media_path(trace, call).findings) out.push_back(std::move(f));
  }
  client_diagnostics_findings(trace, call, out);
  reason_and_warning_findings(trace, call, out);
  server_record_findings(trace, call, out);
  // Repeated requests mean the next hop answered late or not at all; repeated
  // responses mean the ACK/PRACK did not arrive in time, or a hop sent it twice.
  CallFinding requests{"transport.retransmitted_requests", Severity::warning, "", {}, {}};
  CallFinding responses{"transport.repeated_responses", Severity::info, "", {}, {}};
  for (std::uint32_t id : call.messages) {
    const model::Message& m = trace.messages[id];
    if (m.retransmission_of == model::kNoId) continue;
    (m.sip.is_request() ? requests : responses).messages.push_back(id);
  }
  auto count = [](std::size_t n, const char* what) {
    return n == 1 ? fmt::format("1 {} was", what) : fmt::format("{} {}s were", n, what);
  };
  if (!requests.messages.empty()) {
    requests.message = count(requests.messages.size(), "request") +
                       " sent again unchanged: the next hop answered late or not at all.";
    out.push_back(std::move(requests));
  }
  if (!responses.messages.empty()) {
    responses.message = count(responses.messages.size(), "response") +
                        " seen again unchanged: an ACK or PRACK did not arrive in time, or a hop forwarded it twice.";
    out.push_back(std::move(responses));
  }
  // Problems with the input itself, found while reading this call's messages.
  for (std::uint32_t index : message_findings) {
    const model::Finding& finding = trace.findings[index];
    out.push_back({finding.code, finding.severity, finding.detail, {finding.message}, {}});
  }
  return out;
}

std::vector<CallFinding> diagnose(const model::Trace& trace, const model::Call& call, const Verdict& verdict) {
  return diagnose(trace, call, verdict, MessageFindingsByCall(trace).of(call.id));
}

MessageFindingsByCall::MessageFindingsByCall(const model::Trace& trace) : first_(trace.calls.size() + 1, 0) {
  auto call_of = [&](const model::Finding& f) {
    return f.message == model::kNoId ? model::kNoId : trace.messages[f.message].call;
  };
  // Counted, then placed: each call's findings in their order in the trace.
  for (const auto& f : trace.findings) {
    if (std::uint32_t call = call_of(f); call != model::kNoId) ++first_[call + 1];
  }
  for (std::size_t c = 1; c < first_.size(); ++c) first_[c] += first_[c - 1];
  findings_.resize(first_.back());
  std::vector<std::uint32_t> placed(first_.begin(), first_.end() - 1);
  for (std::uint32_t i = 0; i < trace.findings.size(); ++i) {
    if (std::uint32_t call = call_of(trace.findings[i]); call != model::kNoId) findings_[placed[call]++] = i;
  }
}

std::span<const std::uint32_t> MessageFindingsByCall::of(std::uint32_t call) const {
  return std::span<const std::uint32_t>(findings_).subspan(first_[call], first_[call + 1] - first_[call]);
}

}  // namespace sipsleuth::analysis
