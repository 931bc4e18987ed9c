#include "analysis/search.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "analysis/media_path.hpp"
#include "analysis/verdict.hpp"
#include "formats/flows.hpp"
#include "formats/timestamp.hpp"
#include "sip/ms_diagnostics.hpp"
#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::analysis {
namespace {

constexpr std::size_t kMinNationalDigits = 7;  // a national number this long may match the end of an E.164 one

std::optional<int> number(std::string_view s) {
  auto n = sip::parse_uint(s);
  if (!n || *n > 1'000'000) return std::nullopt;
  return static_cast<int>(*n);
}

// user@host of a URI, lower case, without scheme and parameters; a tel: URI is its number.
struct UriKey {
  std::string user, host, number;
};

UriKey uri_key(std::string_view text) {
  text = sip::trim(text);
  if (!text.empty() && text.front() == '<') text = sip::parse_name_addr(text).uri;
  UriKey key;
  if (sip::istarts_with(text, "tel:")) {
    key.number = normalize_phone(text);
    return key;
  }
  // "alice@contoso.com" typed without a scheme is read as sip:alice@contoso.com;
  // "contoso.com" as a host only, which matches every user there.
  bool has_scheme = sip::istarts_with(text, "sip:") || sip::istarts_with(text, "sips:");
  std::string uri = has_scheme ? std::string(text) : "sip:" + std::string(text);
  sip::Uri u = sip::parse_uri(uri);
  key.user = sip::to_lower_copy(u.user);
  key.host = sip::to_lower_copy(u.host);
  if (auto user_param = sip::uri_param(u, "user"); has_scheme && user_param && sip::iequals(*user_param, "phone")) {
    key.number = normalize_phone(u.user);
  }
  return key;
}

bool phone_matches(const std::string& wanted, const std::string& candidate) {
  if (wanted.empty() || candidate.empty()) return false;
  if (wanted == candidate) return true;
  // A national number given without "+" matches the end of an E.164 one.
  if (wanted.front() != '+' && wanted.size() >= kMinNationalDigits) {
    std::string digits = candidate.front() == '+' ? candidate.substr(1) : candidate;
    return digits.size() >= wanted.size() && digits.compare(digits.size() - wanted.size(), wanted.size(), wanted) == 0;
  }
  return false;
}

// Every URI a message names in the headers a search by URI or number looks at.
template <typename F>
void for_each_uri(const sip::Message& m, F&& f) {
  if (m.is_request()) f(m.request_uri());
  for (auto id : {sip::HeaderId::from, sip::HeaderId::to, sip::HeaderId::referred_by}) {
    std::string_view v = m.header(id);
    if (!v.empty()) f(sip::parse_name_addr(v).uri);
  }
  for (auto id : {sip::HeaderId::contact, sip::HeaderId::p_asserted_identity}) {
    m.for_each(id, [&](std::string_view value) {
      sip::ListCursor list(value);
      std::string_view item;
      while (list.next(item)) f(sip::parse_name_addr(item).uri);
    });
  }
}

// True when `predicate` holds for any URI that for_each_uri() visits.
template <typename P>
bool any_uri(const sip::Message& m, P&& predicate) {
  bool found = false;
  for_each_uri(m, [&](std::string_view uri) { found = found || predicate(uri); });
  return found;
}

bool same_ip(std::string_view text, const formats::NetEndpoint& wanted) {
  auto parsed = formats::NetEndpoint::parse(sip::address_host(sip::trim(text)), 0);
  return parsed && parsed->same_ip(wanted);
}

std::string normalized_level(std::string_view level) {
  std::string l = sip::to_lower_copy(sip::trim(level));
  if (l.rfind("tl_", 0) == 0) l = l.substr(3);
  if (l == "warning") l = "warn";
  if (l == "information") l = "info";
  return l;
}

bool status_matches(const std::string& wanted, int status) {
  if (status <= 0) return false;
  if (wanted.size() == 3 && (wanted[1] == 'x' || wanted[1] == 'X') && (wanted[2] == 'x' || wanted[2] == 'X')) {
    return sip::is_digit(wanted[0]) && status / 100 == wanted[0] - '0';
  }
  return number(wanted) == status;
}

// A bound with a zone is UTC: server logs and captures compare as written; a
// log in local time is first moved by its clock offset against a UTC input
// (estimated from messages both saw), when there is one. A bound without a
// zone compares with every clock as written.
bool time_in(const model::Trace& trace, std::uint32_t input, const formats::Timestamp& t,
             const std::optional<SearchTime>& since, const std::optional<SearchTime>& until) {
  if (!t.valid) return !since && !until;
  std::int64_t shift = 0;
  if (!trace.clocks_aligned && trace.inputs[input].format == formats::Format::client_log) {
    for (const auto& c : trace.clocks) {
      if (c.input == input && trace.inputs[c.reference].format != formats::Format::client_log) shift = -c.offset_micros;
    }
  }
  auto moved = [&](const SearchTime& bound) { return t.micros + (bound.utc ? shift : 0); };
  if (since && moved(*since) < since->micros) return false;
  if (until && moved(*until) > until->micros) return false;
  return true;
}

}  // namespace

std::string normalize_phone(std::string_view text) {
  text = sip::trim(text);
  if (sip::istarts_with(text, "tel:")) text.remove_prefix(4);
  if (sip::istarts_with(text, "sip:") || sip::istarts_with(text, "sips:")) {
    text = sip::parse_uri(text).user;
  }
  text = text.substr(0, text.find(';'));  // ";ext=100", ";phone-context=..."
  std::string out;
  for (char c : text) {
    if (c == '+' && out.empty()) out.push_back(c);
    else if (sip::is_digit(c)) out.push_back(c);
    else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
    else return {};  // letters: not a phone number
  }
  return out == "+" ? std::string() : out;
}

std::optional<SearchTime> parse_search_time(std::string_view text) {
  text = sip::trim(text);
  // YYYY-MM-DD
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = number(text.substr(0, 4)), month = number(text.substr(5, 2)), day = number(text.substr(8, 2));
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  std::int64_t seconds = formats::days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400;
  std::int64_t micros = 0;
  std::string_view rest = text.substr(10);
  if (!rest.empty() && (rest.front() == ' ' || rest.front() == 'T' || rest.front() == 't')) {
    rest.remove_prefix(1);
    if (rest.size() < 5 || rest[2] != ':') return std::nullopt;
    auto hour = number(rest.substr(0, 2)), minute = number(rest.substr(3, 2));
    if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
    seconds += *hour * 3600 + *minute * 60;
    rest.remove_prefix(5);
    if (!rest.empty() && rest.front() == ':') {
      if (rest.size() < 3) return std::nullopt;
      auto second = number(rest.substr(1, 2));
      if (!second || *second > 60) return std::nullopt;
      seconds += *second;
      rest.remove_prefix(3);
      if (!rest.empty() && rest.front() == '.') {
        std::size_t digits = 1;
        while (digits < rest.size() && sip::is_digit(rest[digits])) ++digits;
        std::string fraction(rest.substr(1, digits - 1));
        fraction.resize(6, '0');
        micros = *number(fraction.substr(0, 6));
        rest.remove_prefix(digits);
      }
    }
  }
  SearchTime t{seconds * 1'000'000 + micros, false};
  if (rest.empty()) return t;
  if (rest == "Z" || rest == "z") {
    t.utc = true;
    return t;
  }
  if ((rest.front() == '+' || rest.front() == '-') && rest.size() == 6 && rest[3] == ':') {
    auto hours = number(rest.substr(1, 2)), minutes = number(rest.substr(4, 2));
    if (!hours || !minutes) return std::nullopt;
    std::int64_t offset = (*hours * 3600 + *minutes * 60) * std::int64_t{1'000'000};
    t.micros += rest.front() == '+' ? -offset : offset;  // to UTC
    t.utc = true;
    return t;
  }
  return std::nullopt;
}

std::size_t SearchCriteria::criteria_count() const {
  return call_ids.size() + conversation_ids.size() + conference_ids.size() + uris.size() + phones.size() + ips.size() +
         contains.size() + regexes.size() + correlation_ids.size() + components.size() + levels.size() + statuses.size() +
         methods.size() + outcomes.size();
}

struct CallSearch::Compiled {
  std::vector<std::unique_ptr<re2::RE2>> regexes;
  std::vector<formats::NetEndpoint> ips;
  std::vector<UriKey> uris;
  std::vector<std::string> phones;
  std::vector<std::string> contains;  // lower case
};

CallSearch::CallSearch(SearchCriteria criteria) : criteria_(std::move(criteria)), compiled_(std::make_unique<Compiled>()) {
  for (const auto& pattern : criteria_.regexes) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<re2::RE2>(pattern, options);
    if (!re->ok()) {
      error_ = "--regex \"" + pattern + "\": " + re->error();
      return;
    }
    compiled_->regexes.push_back(std::move(re));
  }
  for (const auto& ip : criteria_.ips) {
    auto parsed = formats::NetEndpoint::parse(sip::trim(ip), 0);
    if (!parsed) {
      error_ = "--ip \"" + ip + "\" is not an IPv4 or IPv6 address";
      return;
    }
    compiled_->ips.push_back(*parsed);
  }
  for (const auto& uri : criteria_.uris) compiled_->uris.push_back(uri_key(uri));
  for (const auto& phone : criteria_.phones) {
    std::string n = normalize_phone(phone);
    if (n.empty()) {
      error_ = "--phone \"" + phone + "\" is not a phone number";
      return;
    }
    compiled_->phones.push_back(n);
  }
  for (const auto& text : criteria_.contains) compiled_->contains.push_back(sip::to_lower_copy(text));
}

CallSearch::~CallSearch() = default;

std::vector<std::string> CallSearch::required_text() const {
  if (criteria_.call_ids.empty()) return {};
  // Every message of a call carries its Call-ID, so a search that a Call-ID
  // decides can drop everything without one of them unparsed.
  if (criteria_.match_all || criteria_.criteria_count() == criteria_.call_ids.size()) return criteria_.call_ids;
  return {};
}

bool CallSearch::matches(const model::Trace& trace, const model::Call& call) const {
  const SearchCriteria& c = criteria_;
  const Compiled& k = *compiled_;

  // Filters first: a time window and a host that some message or record of the call must fall in.
  if (c.since || c.until) {
    bool inside = false;
    for (std::uint32_t id : call.messages) {
      inside = inside || time_in(trace, trace.messages[id].input, trace.messages[id].record.time, c.since, c.until);
    }
    for (std::uint32_t id : call.events) {
      inside = inside || time_in(trace, trace.events[id].input, trace.events[id].event.time, c.since, c.until);
    }
    if (!inside) return false;
  }
  if (!c.hosts.empty()) {
    bool seen = false;
    for (std::uint32_t input : call.inputs) {
      for (const auto& host : c.hosts) seen = seen || sip::ifind(trace.inputs[input].name, host) != std::string_view::npos;
    }
    for (std::uint32_t id : call.messages) {
      const auto& r = trace.messages[id].record;
      for (const auto& host : c.hosts) seen = seen || sip::iequals(r.source, host) || sip::iequals(r.destination, host);
    }
    if (!seen) return false;
  }
  const std::size_t total = c.criteria_count();
  if (total == 0) return true;

  std::size_t matched = 0;
  // Returns true when the answer is known: any criterion matched (any mode) or one failed (all mode).
  auto decide = [&](bool hit) {
    if (hit) ++matched;
    return c.match_all ? !hit : hit;
  };
  auto any_message = [&](auto&& predicate) {
    for (std::uint32_t id : call.messages) {
      if (predicate(trace.messages[id])) return true;
    }
    return false;
  };
  auto any_event = [&](auto&& predicate) {
    for (std::uint32_t id : call.events) {
      if (predicate(trace.events[id].event)) return true;
    }
    return false;
  };

  for (const auto& id : c.call_ids) {
    if (decide(call.call_id.substr(0, id.size()) == id && !id.empty())) return !c.match_all;
  }
  for (const auto& id : c.conversation_ids) {
    if (decide(any_message([&](const model::Message& m) {
          return sip::trim(m.sip.header(sip::HeaderId::ms_conversation_id)) == id;
        }))) {
      return !c.match_all;
    }
  }
  for (const auto& id : c.conference_ids) {
    bool hit = any_message([&](const model::Message& m) {
      return any_uri(m.sip, [&](std::string_view uri) {
        return sip::ifind(uri, id) != std::string_view::npos &&
               (sip::ifind(uri, "conf:") != std::string_view::npos || sip::iequals(sip::trim(uri), id));
      });
    });
    if (decide(hit)) return !c.match_all;
  }
  for (const auto& wanted : k.uris) {
    bool hit = any_message([&](const model::Message& m) {
      return any_uri(m.sip, [&](std::string_view uri) {
        UriKey key = uri_key(uri);
        if (!wanted.number.empty()) return phone_matches(wanted.number, key.number);
        return wanted.host == key.host && (wanted.user.empty() || wanted.user == key.user);
      });
    });
    if (decide(hit)) return !c.match_all;
  }
  for (const auto& wanted : k.phones) {
    bool hit = any_message([&](const model::Message& m) {
      if (any_uri(m.sip, [&](std::string_view uri) { return phone_matches(wanted, uri_key(uri).number); })) return true;
      bool found = false;
      // Numbers the servers report: the dialed and the translated number, the phone URI of the route.
      for (auto id : {sip::HeaderId::ms_diagnostics, sip::HeaderId::ms_diagnostics_public}) {
        m.sip.for_each(id, [&](std::string_view value) {
          auto d = sip::parse_diagnostic(value);
          for (std::string_view field : {"CalledNumber", "TranslatedNumber", "PhoneUri", "CallerNumber", "DialedNumber"}) {
            if (auto v = d.field(field)) found = found || phone_matches(wanted, normalize_phone(*v));
          }
        });
      }
      return found;
    });
    if (decide(hit)) return !c.match_all;
  }
  if (!k.ips.empty()) {
    // The addresses of the call's media, from every SDP and MediaDebug, once.
    std::vector<SignalledAddress> media = signalled_media(trace, call);
    for (const auto& wanted : k.ips) {
      bool hit = any_message([&](const model::Message& m) {
        if (same_ip(m.record.source, wanted) || same_ip(m.record.destination, wanted)) return true;
        bool found = false;
        m.sip.for_each(sip::HeaderId::via, [&](std::string_view value) {
          sip::ListCursor list(value);
          std::string_view item;
          while (list.next(item)) found = found || same_ip(sip::parse_via(item).sent_by, wanted);
        });
        m.sip.for_each(sip::HeaderId::contact, [&](std::string_view value) {
          found = found || same_ip(sip::parse_uri(sip::parse_name_addr(value).uri).host, wanted);
        });
        return found;
      });
      hit = hit || std::any_of(media.begin(), media.end(), [&](const SignalledAddress& a) { return a.address.same_ip(wanted); });
      hit = hit || any_event([&](const formats::LogEvent& e) { return same_ip(e.field("Peer"), wanted); });
      if (decide(hit)) return !c.match_all;
    }
  }
  auto message_has = [](const model::Message& m, auto&& test) {
    const auto& parts = m.record.parts;
    return test(parts.start_line) || test(parts.header_block) || test(parts.body);
  };
  for (const auto& text : k.contains) {
    auto test = [&](std::string_view s) { return sip::ifind(s, text) != std::string_view::npos; };
    bool hit = any_message([&](const model::Message& m) { return message_has(m, test); }) ||
               any_event([&](const formats::LogEvent& e) { return test(e.text); });
    if (decide(hit)) return !c.match_all;
  }
  for (const auto& re : k.regexes) {
    auto test = [&](std::string_view s) { return re2::RE2::PartialMatch(s, *re); };
    bool hit = any_message([&](const model::Message& m) { return message_has(m, test); }) ||
               any_event([&](const formats::LogEvent& e) { return test(e.text); });
    if (decide(hit)) return !c.match_all;
  }
  for (const auto& id : c.correlation_ids) {
    bool hit = any_message([&](const model::Message& m) { return m.record.correlation_id == id; }) ||
               any_event([&](const formats::LogEvent& e) {
                 return sip::trim(e.field("Trace-Correlation-Id")) == id ||
                        e.header_text.find("[" + id + "]") != std::string_view::npos;
               });
    if (decide(hit)) return !c.match_all;
  }
  for (const auto& component : c.components) {
    if (decide(any_event([&](const formats::LogEvent& e) { return sip::iequals(e.component, component); }))) {
      return !c.match_all;
    }
  }
  for (const auto& level : c.levels) {
    std::string wanted = normalized_level(level);
    if (decide(any_event([&](const formats::LogEvent& e) { return normalized_level(e.level) == wanted; }))) {
      return !c.match_all;
    }
  }
  for (const auto& status : c.statuses) {
    if (decide(any_message([&](const model::Message& m) { return status_matches(status, m.sip.status()); }))) {
      return !c.match_all;
    }
  }
  for (const auto& method : c.methods) {
    if (decide(any_message([&](const model::Message& m) { return m.sip.is_request() && sip::iequals(m.sip.method(), method); }))) {
      return !c.match_all;
    }
  }
  if (!c.outcomes.empty()) {
    std::string_view outcome = outcome_name(judge(trace, call).outcome);
    for (const auto& wanted : c.outcomes) {
      if (decide(sip::iequals(outcome, wanted))) return !c.match_all;
    }
  }
  return c.match_all && matched == total;
}

std::vector<std::uint32_t> CallSearch::matching_calls(const model::Trace& trace) const {
  std::vector<std::uint32_t> out;
  for (const auto& call : trace.calls) {
    if (matches(trace, call)) out.push_back(call.id);
  }
  return out;
}

}  // namespace sipsleuth::analysis
