// Which calls match a search, in the manner of Search-CsClsLogging: criteria
// (Call-ID, URI, phone number, IP address, text, regular expression, ...)
// of which any one, or with match_all every one, must hold for some message
// or server record of the call; and filters (time window, host) that always
// must. The whole call is returned, never single messages.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/trace.hpp"

namespace sipsleuth::analysis {

struct SearchTime {
  std::int64_t micros = 0;  // wall clock as written, or UTC when `utc`
  bool utc = false;         // the text carried a zone ("Z", "+01:00")
};
// "2024-03-05 14:00", "2024-03-05T14:00:00.250", optional "Z" or "+01:00".
std::optional<SearchTime> parse_search_time(std::string_view text);

struct SearchCriteria {
  // Criteria: each value is one criterion.
  std::vector<std::string> call_ids;         // the Call-ID or its beginning
  std::vector<std::string> conversation_ids; // Ms-Conversation-ID
  std::vector<std::string> conference_ids;   // focus URI or conference key
  std::vector<std::string> uris;             // From, To, Request-URI, Contact, P-Asserted-Identity, Referred-By
  std::vector<std::string> phones;           // tel:, user=phone, P-Asserted-Identity, ms-diagnostics numbers
  std::vector<std::string> ips;              // any address of the message, its Vias, Contact and SDP
  std::vector<std::string> contains;         // text anywhere in the message or record (any case)
  std::vector<std::string> regexes;          // RE2 syntax
  std::vector<std::string> correlation_ids;  // server Trace-Correlation-Id
  std::vector<std::string> components;       // server record component
  std::vector<std::string> levels;           // server record level: error, warning, info, verbose (or TL_ERROR...)
  std::vector<std::string> statuses;         // 486 or 4xx
  std::vector<std::string> methods;          // INVITE, BYE...
  std::vector<std::string> outcomes;         // verdict names
  bool match_all = false;
  // Filters.
  std::vector<std::string> hosts;            // input file name or server name contains
  std::optional<SearchTime> since, until;

  std::size_t criteria_count() const;
};

class CallSearch {
 public:
  // Fails (error() non-empty) on a regular expression RE2 cannot compile or
  // an IP address that is not one.
  explicit CallSearch(SearchCriteria criteria);
  ~CallSearch();
  CallSearch(const CallSearch&) = delete;
  CallSearch& operator=(const CallSearch&) = delete;

  const std::string& error() const { return error_; }
  bool matches(const model::Trace& trace, const model::Call& call) const;
  std::vector<std::uint32_t> matching_calls(const model::Trace& trace) const;

  // Text every message and record of a matching call must contain, when the
  // criteria allow skipping the rest unread (a Call-ID search); else empty.
  std::vector<std::string> required_text() const;

 private:
  struct Compiled;
  SearchCriteria criteria_;
  std::unique_ptr<Compiled> compiled_;
  std::string error_;
};

// "+1 (425) 555-0100" -> "+14255550100"; "tel:+14255550100;ext=100" -> "+14255550100".
std::string normalize_phone(std::string_view text);

}  // namespace sipsleuth::analysis
