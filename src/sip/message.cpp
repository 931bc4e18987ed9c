#include "sip/message.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>

#include "sip/text.hpp"
#include "sip/uri.hpp"

namespace sipsleuth::sip {

// One line of a header block as Message::parse() reads it.
struct HeaderLine {
  enum class Kind { header, fold, no_colon, too_many, too_long };
  Kind kind = Kind::header;
  std::string_view line;         // without its line break
  std::size_t begin = 0;         // the line's offset in the block
  std::string_view name, value;  // a header's (or a too long one's), trimmed; an empty value points into the line
  std::optional<HeaderId> id;    // a header's, when the walk looked its name up
};

namespace {

constexpr std::size_t kMaxHeaders = 4096;
// What a header index entry can hold: a longer name, or a value ending
// farther into the block, is told as too long rather than indexed.
constexpr std::size_t kMaxNameLength = 0xffff;
constexpr std::size_t kMaxValueEnd = 0xffffffff;

// RFC 3261 token characters: alphanumerics and -.!%*_+`'~. A table: every
// header name of every message is checked.
constexpr CharacterSet kTokenChars =
    characters("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~");

// How many of `s`'s first characters are token characters. Inlined into
// the walks of every header line and the look at every start line.
[[gnu::always_inline]] inline std::size_t token_length(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && kTokenChars[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

bool is_token(std::string_view s) { return !s.empty() && token_length(s) == s.size(); }

// Where a "Name:" or "Name :" line with a token name has its colon, and
// the name's length; nothing when the line is not one. One look at the
// name's few bytes, rather than a search for the colon and a check of the
// name after it: every header line of every message comes through here.
struct TokenName {
  std::size_t length = 0, colon = 0;
};
[[gnu::always_inline]] inline std::optional<TokenName> token_name(std::string_view line) {
  std::size_t i = token_length(line);
  const std::size_t length = i;
  while (i < line.size() && is_space(line[i])) ++i;
  if (length == 0 || i == line.size() || line[i] != ':') return std::nullopt;
  return TokenName{length, i};
}

// token_name()'s answer found from the colon instead, with the name looked
// up: a known name is a token, so only one that is not known is checked
// letter by letter. For the header index, which looks every name up anyway:
// its lines' names need not be walked twice.
struct LookedUpName {
  TokenName at;
  HeaderId id = HeaderId::other;
};
[[gnu::always_inline]] inline std::optional<LookedUpName> looked_up_name(std::string_view line) {
  const std::size_t colon = find_mark<':'>(line, 0);
  if (colon == line.size()) return std::nullopt;
  std::size_t length = colon;
  while (length > 0 && is_space(line[length - 1])) --length;
  const std::string_view name = line.substr(0, length);
  const HeaderId id = header_id(name);
  if (id == HeaderId::other && (length == 0 || token_length(name) != length)) return std::nullopt;
  return LookedUpName{{length, colon}, id};
}

bool is_sip_version(std::string_view s) {
  if (s == "SIP/2.0") return true;  // nearly always, and every start line asks
  if (!istarts_with(s, "SIP/")) return false;
  std::string_view v = s.substr(4);
  std::size_t dot = v.find('.');
  return dot != std::string_view::npos && dot > 0 && parse_uint(v.substr(0, dot)) &&
         parse_uint(v.substr(dot + 1));
}

// The value after `colon` of a Content-Length line, and what is wrong with it.
std::optional<std::uint64_t> content_length_value(std::string_view line, std::size_t colon,
                                                  std::vector<ParseIssue>* issues, std::size_t line_offset) {
  std::string_view value = trim(line.substr(colon + 1));
  auto parsed = parse_uint(value);
  if (!parsed && issues) {
    issues->push_back({"sip.content_length_invalid",
                       "Content-Length value \"" + std::string(value.substr(0, 40)) + "\" is not a number",
                       line_offset});
  }
  return parsed;
}

// The Content-Length of one header line whose name and colon lie as given,
// or nothing when the line is another header. Inlined: framing asks it of
// every header line until one is, and only "Content-Length" and its compact
// "l" have a name of their lengths, so most lines go no further than that.
[[gnu::always_inline]] inline std::optional<std::optional<std::uint64_t>> content_length_on(
    std::string_view line, std::string_view name, std::size_t colon, std::vector<ParseIssue>* issues,
    std::size_t line_offset) {
  if ((name.size() != 14 && name.size() != 1) || header_id(name) != HeaderId::content_length) return std::nullopt;
  return content_length_value(line, colon, issues, line_offset);
}

// The same for a folded line, as a header block's lines were always read:
// the name is whatever lies before its first colon.
std::optional<std::optional<std::uint64_t>> content_length_on_fold(std::string_view line,
                                                                   std::vector<ParseIssue>* issues,
                                                                   std::size_t line_offset) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return content_length_on(line, trim(line.substr(0, colon)), colon, issues, line_offset);
}

// Keep-alive CRLFs and blank lines before a message are not part of it.
std::size_t leading_line_breaks(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && (text[pos] == '\r' || text[pos] == '\n')) ++pos;
  return pos;
}

// A header line's value: what follows its colon, trimmed. An empty value
// still points into the line, so that folding can extend it.
[[gnu::always_inline]] inline std::string_view value_after(std::string_view line, std::size_t colon) {
  std::string_view value = trim(line.substr(colon + 1));
  return value.empty() ? line.substr(line.size()) : value;
}

// Reads a line of a header block that is not a fold (`token`: its token
// name, if it has one) into `out`: a header, or what keeps it from being one.
// `headers` counts the headers so far. Inlined, as token_name() is, into
// every walk: left as calls, they cost the header index about a third of
// its speed (BM_HeaderIndex).
[[gnu::always_inline]] inline void read_header_line(std::string_view line, const std::optional<TokenName>& token,
                                                    std::string_view block, std::size_t& headers, HeaderLine& out) {
  if (!token && line.find(':') == std::string_view::npos) {
    out.kind = HeaderLine::Kind::no_colon;
    return;
  }
  if (headers >= kMaxHeaders) {
    out.kind = HeaderLine::Kind::too_many;
    return;
  }
  // A token name is the usual case; any other is whatever lies before the first colon.
  std::size_t colon = token ? token->colon : line.find(':');
  out.name = token ? line.substr(0, token->length) : trim(line.substr(0, colon));
  out.value = value_after(line, colon);
  auto value_end = static_cast<std::size_t>(out.value.data() - block.data()) + out.value.size();
  bool too_long = out.name.size() > kMaxNameLength || value_end > kMaxValueEnd;
  out.kind = too_long ? HeaderLine::Kind::too_long : HeaderLine::Kind::header;
  if (!too_long) ++headers;
}

// Walks a header block's lines in order, giving each, with its name's
// HeaderId, to `visit`; stops after `too_many` or when `visit` returns
// false. Message::parse() indexes what it is given; FirstHeaderValue's
// next_block_line() reads the lines alike (the fuzz targets check both
// find the same Call-ID), and frame_walking() gives the same lines of a
// message not yet framed.
template <typename Visit>
void walk_header_lines(std::string_view block, Visit&& visit) {
  LineCursor lines(block);
  HeaderLine out;
  std::size_t line_begin = 0;
  std::size_t headers = 0;
  while (lines.next(out.line)) {
    out.begin = line_begin;
    line_begin = lines.position();
    std::string_view line = out.line;
    if (line.empty()) continue;
    if (is_space(line.front())) {
      out.kind = HeaderLine::Kind::fold;
    } else {
      auto looked_up = looked_up_name(line);
      read_header_line(line, looked_up ? std::optional<TokenName>(looked_up->at) : std::nullopt, block, headers, out);
      // A name that is no token is looked up by index() as before, trimmed.
      out.id = looked_up ? std::optional<HeaderId>(looked_up->id) : std::nullopt;
    }
    if (out.kind == HeaderLine::Kind::too_many) {
      visit(static_cast<const HeaderLine&>(out));
      return;
    }
    if (!visit(static_cast<const HeaderLine&>(out))) return;
  }
}

// A value that begins at `value_begin`, extended over the folded line `fold`
// that follows it in the same text; nothing when the extension is only white
// space.
std::optional<std::string_view> extended_value(const char* value_begin, std::string_view fold) {
  std::string_view value =
      trim(std::string_view(value_begin, static_cast<std::size_t>(fold.data() + fold.size() - value_begin)));
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

bool looks_like_start_line(std::string_view line) {
  line = trim(line);
  if (line.size() < 7) return false;
  std::string_view rest = line;
  if (istarts_with(line, "SIP/")) {  // a status line or nothing: '/' is no token character
    std::string_view first = pop_word(rest);
    if (!is_sip_version(first)) return false;
    std::string_view code = pop_word(rest);
    return !code.empty() && parse_uint(code).has_value();
  }
  // The method, a token: most lines that are not start lines (a client
  // log's other entries, a capture's other packets) end the look at their
  // first character that is neither a token's nor a space.
  const std::size_t method_end = token_length(line);
  if (method_end == 0 || method_end == line.size() || !is_space(line[method_end])) return false;
  rest = line.substr(method_end);
  // The URI is the next word and holds a colon: only its start is read, up
  // to the colon, as a URI runs long and every UDP packet of a capture comes
  // here. The version is the last word, found from the end; extra words mean
  // spaces inside the URI (RFC 4475 lwsruri).
  std::size_t i = 0;
  while (i < rest.size() && is_space(rest[i])) ++i;
  while (i < rest.size() && !is_space(rest[i]) && rest[i] != ':') ++i;
  if (i == rest.size() || rest[i] != ':') return false;
  std::size_t last_begin = rest.size();  // `line` is trimmed: it ends in a word
  while (last_begin > i && !is_space(rest[last_begin - 1])) --last_begin;
  if (last_begin == i) return false;  // nothing after the URI
  return is_sip_version(rest.substr(last_begin));
}

bool looks_like_damaged_request_line(std::string_view line) {
  if (looks_like_start_line(line)) return true;
  std::string_view rest = trim(line);
  std::string_view method = pop_word(rest);
  if (method.empty()) return false;
  for (char c : method) {
    if (!(c >= 'A' && c <= 'Z')) return false;
  }
  std::string_view uri = pop_word(rest);
  return istarts_with(uri, "sip:") || istarts_with(uri, "sips:") || istarts_with(uri, "tel:");
}

namespace {

// Takes every line, as a walk that has nothing to look at.
struct NoVisit {
  bool operator()(const HeaderLine&) const { return true; }
};

// split_message(), giving the lines of the header block it frames to
// `visit` on the way, as walk_header_lines() would give them once it is
// framed. When `visit` returns false it is given no more lines, while
// framing goes on. With `kLookUpNames`, each header line comes with its
// name's HeaderId.
template <bool kLookUpNames = false, typename Visit>
SplitResult frame_walking(std::string_view text, std::vector<ParseIssue>* issues, Visit&& visit) {
  constexpr bool kVisiting = !std::is_same_v<std::decay_t<Visit>, NoVisit>;
  SplitResult result;
  LineCursor lines(text);
  lines.seek(leading_line_breaks(text));
  std::string_view line;
  if (!lines.next(line)) {
    result.consumed = text.size();
    return result;
  }
  result.parts.start_line = line;
  std::size_t headers_begin = lines.position();
  std::size_t headers_end = text.size();
  std::size_t body_begin = text.size();
  bool terminated = false;
  // The first Content-Length line, found on the way through the headers;
  // what is wrong with it is told after what is wrong with the block.
  std::optional<std::optional<std::uint64_t>> content_length;
  std::vector<ParseIssue> length_issues;
  std::vector<ParseIssue>* length_issues_to = issues ? &length_issues : nullptr;
  // What walk_header_lines() would see: the block from where it starts.
  const std::string_view block = text.substr(headers_begin);
  HeaderLine out;
  std::size_t headers = 0;
  bool visiting = kVisiting;  // until the visitor has seen too many headers
  while (true) {
    std::size_t line_begin = lines.position();
    if (!lines.next(line)) break;
    if (line.empty()) {
      headers_end = line_begin;
      body_begin = lines.position();
      terminated = true;
      break;
    }
    if (is_space(line.front())) {  // folded continuation
      if (!content_length) content_length = content_length_on_fold(line, length_issues_to, line_begin);
      if (visiting) {
        out.kind = HeaderLine::Kind::fold;
        out.line = line;
        out.begin = line_begin - headers_begin;
        if (!visit(static_cast<const HeaderLine&>(out))) visiting = false;
      }
      continue;
    }
    std::optional<TokenName> name;
    HeaderId id = HeaderId::other;
    if constexpr (kLookUpNames) {
      if (auto looked_up = looked_up_name(line)) {
        name = looked_up->at;
        id = looked_up->id;
      }
    } else {
      name = token_name(line);
    }
    if (!name) {
      headers_end = line_begin;
      body_begin = line_begin;
      terminated = true;
      if (issues) {
        issues->push_back({"sip.missing_blank_line",
                           "no empty line between the headers and the body; the body is taken to start here",
                           line_begin});
      }
      break;
    }
    // Assigned only when found: storing "not found" over "not found" through
    // the nested optionals stalled on every header line before it (a store
    // forwarded to a wider load), 3 % of building every call.
    if (!content_length) {
      if (auto found = content_length_on(line, line.substr(0, name->length), name->colon, length_issues_to, line_begin))
        content_length = *found;
    }
    if (visiting) {
      out.line = line;
      out.begin = line_begin - headers_begin;
      read_header_line(line, name, block, headers, out);
      if constexpr (kLookUpNames) out.id = id;
      if (out.kind == HeaderLine::Kind::too_many) {
        visit(static_cast<const HeaderLine&>(out));
        visiting = false;
      } else if (!visit(static_cast<const HeaderLine&>(out))) {
        visiting = false;
      }
    }
  }
  if (!terminated) {
    headers_end = text.size();
    body_begin = text.size();
  }
  result.parts.header_block = text.substr(headers_begin, headers_end - headers_begin);
  if (content_length) result.content_length = *content_length;
  if (issues) issues->insert(issues->end(), length_issues.begin(), length_issues.end());
  std::size_t available = text.size() - body_begin;
  if (result.content_length) {
    std::uint64_t wanted = *result.content_length;
    if (wanted > available) {
      result.body_complete = false;
      result.parts.body = text.substr(body_begin);
      result.consumed = text.size();
      if (issues) {
        issues->push_back({"sip.content_length_mismatch",
                           "Content-Length " + std::to_string(wanted) + " is longer than the body (" +
                               std::to_string(available) + " bytes)",
                           body_begin});
      }
    } else {
      result.parts.body = text.substr(body_begin, static_cast<std::size_t>(wanted));
      result.consumed = body_begin + static_cast<std::size_t>(wanted);
    }
  } else {
    result.parts.body = text.substr(body_begin);
    result.consumed = text.size();
  }
  return result;
}

}  // namespace

SplitResult split_message(std::string_view text, std::vector<ParseIssue>* issues) {
  return frame_walking(text, issues, NoVisit{});
}

void Message::parse_start_line(std::string_view start_line) {
  std::string_view rest = start_line;
  std::string_view first = pop_word(rest);
  if (is_sip_version(first)) {
    std::string_view code = pop_word(rest);
    auto value = parse_uint(code);
    reason_ = Span::of(trim(rest), start_line);
    if (value && *value >= 100 && *value <= 699) {
      status_ = static_cast<int>(*value);
      valid_start_line_ = true;
    } else {
      issues_.push_back({"sip.bad_status_code",
                         "status code \"" + std::string(code.substr(0, 20)) + "\" is not between 100 and 699", 0});
      if (value && *value >= 100 && *value <= 999) status_ = static_cast<int>(*value);
    }
    if (!iequals(first, "SIP/2.0")) {
      issues_.push_back({"sip.bad_version", "unsupported SIP version \"" + std::string(first) + "\"", 0});
    }
  } else if (is_token(first)) {
    is_request_ = true;
    method_ = Span::of(first, start_line);
    std::string_view remaining = trim(rest);
    std::size_t last_space = rfind_blank(remaining);
    std::string_view version = last_space == std::string_view::npos ? remaining : remaining.substr(last_space + 1);
    std::string_view request_uri =
        last_space == std::string_view::npos ? std::string_view{} : trim(remaining.substr(0, last_space));
    request_uri_ = Span::of(request_uri, start_line);
    if (!is_sip_version(version) || request_uri.empty()) {
      issues_.push_back(
          {"sip.bad_start_line",
           "request line is not \"METHOD request-uri SIP/2.0\": \"" + std::string(start_line.substr(0, 80)) + "\"", 0});
    } else {
      valid_start_line_ = true;
      if (!iequals(version, "SIP/2.0")) {
        issues_.push_back({"sip.bad_version", "unsupported SIP version \"" + std::string(version) + "\"", 0});
      }
      if (find_blank(request_uri) != std::string_view::npos) {
        issues_.push_back({"sip.request_uri_whitespace", "the Request-URI contains whitespace", 0});
      }
    }
  } else {
    issues_.push_back(
        {"sip.bad_start_line", "not a SIP start line: \"" + std::string(start_line.substr(0, 80)) + "\"", 0});
  }
}

void Message::index(const HeaderLine& line, std::string_view block) {
  auto offset_of = [&](std::string_view part) { return static_cast<std::uint32_t>(part.data() - block.data()); };
  switch (line.kind) {
    case HeaderLine::Kind::header: {
      HeaderSlot h;
      h.name_offset = offset_of(line.name);
      h.name_length = static_cast<std::uint16_t>(line.name.size());
      h.value_offset = offset_of(line.value);
      h.value_length = static_cast<std::uint32_t>(line.value.size());
      h.id = line.id ? *line.id : header_id(line.name);
      auto& slot = first_[static_cast<std::size_t>(h.id)];
      if (slot == kNone) slot = headers_.size() < kFarther ? static_cast<std::uint8_t>(headers_.size()) : kFarther;
      headers_.push_back(h);
      break;
    }
    case HeaderLine::Kind::fold:
      if (!headers_.empty()) {
        HeaderSlot& last = headers_.back();
        if (auto value = extended_value(block.data() + last.value_offset, line.line)) {
          last.value_offset = offset_of(*value);
          last.value_length = static_cast<std::uint32_t>(value->size());
        }
      }
      break;
    case HeaderLine::Kind::no_colon:
      issues_.push_back({"sip.header_no_colon",
                         "header line has no colon: \"" + std::string(line.line.substr(0, 60)) + "\"", line.begin});
      break;
    case HeaderLine::Kind::too_many:
      issues_.push_back({"sip.too_many_headers",
                         "more than " + std::to_string(kMaxHeaders) + " headers; the rest are not indexed",
                         line.begin});
      break;
    case HeaderLine::Kind::too_long:
      issues_.push_back({"sip.header_too_long",
                         "header \"" + std::string(line.name.substr(0, 60)) + "\" is too long to index", line.begin});
      break;
  }
}

namespace {

// tag_and_epid() of the last From or To value a thread read, as places in
// that value. A call's messages repeat their From and To byte for byte, and
// are parsed one after another on one thread: comparing the value with the
// last one then stands in for walking its parameters.
class RememberedTags {
 public:
  TagAndEpid of(std::string_view value) {
    if (value == value_) return {value.substr(tag_.first, tag_.second), value.substr(epid_.first, epid_.second)};
    const TagAndEpid found = tag_and_epid(value);
    value_.assign(value);
    tag_ = place(found.tag, value);
    epid_ = place(found.epid, value);
    return found;
  }

 private:
  static std::pair<std::size_t, std::size_t> place(std::string_view part, std::string_view value) {
    if (part.empty()) return {0, 0};
    return {static_cast<std::size_t>(part.data() - value.data()), part.size()};
  }
  std::string value_;
  std::pair<std::size_t, std::size_t> tag_{0, 0}, epid_{0, 0};  // offset and size in value_
};

}  // namespace

void Message::read_tags() {
  thread_local RememberedTags from_tags, to_tags;
  const TagAndEpid from = from_tags.of(header(HeaderId::from));
  const TagAndEpid to = to_tags.of(header(HeaderId::to));
  from_tag_ = Span::of(from.tag, parts_.header_block);
  from_epid_ = Span::of(from.epid, parts_.header_block);
  to_tag_ = Span::of(to.tag, parts_.header_block);
  to_epid_ = Span::of(to.epid, parts_.header_block);
}

void Message::read_cseq() {
  std::string_view cseq = header(HeaderId::cseq);
  if (auto value = parse_uint(pop_word(cseq)); value && *value <= 0xffffffffu) {
    cseq_number_ = static_cast<std::uint32_t>(*value);
  }
  cseq_method_ = Span::of(pop_word(cseq), parts_.header_block);
}

// Room for the headers most messages have; more grow the index.
constexpr std::size_t kUsualHeaders = 32;

void Message::start_over() {
  std::vector<HeaderSlot> headers = std::move(headers_);
  headers.clear();
  *this = Message{};
  headers_ = std::move(headers);
  headers_.reserve(kUsualHeaders);
  first_.fill(kNone);
}

void Message::parse_from(const MessageParts& parts) {
  start_over();
  parts_ = parts;
  parse_start_line(parts.start_line);
  walk_header_lines(parts.header_block, [&](const HeaderLine& line) {
    index(line, parts.header_block);
    return true;
  });
  read_cseq();
  read_tags();
}

void Message::frame_and_parse_from(std::string_view text, std::vector<ParseIssue>* issues, SplitResult& split) {
  start_over();
  // The start line as split_message() finds it, parsed first as parse() does.
  LineCursor start(text);
  start.seek(leading_line_breaks(text));
  std::string_view start_line;
  start.next(start_line);
  parse_start_line(start_line);
  const std::string_view block = text.substr(start.position());
  split = frame_walking<true>(text, issues, [&](const HeaderLine& line) {
    index(line, block);
    return true;
  });
  parts_ = split.parts;
  read_cseq();
  read_tags();
}

Message Message::parse(const MessageParts& parts) {
  Message m;
  m.parse_from(parts);
  return m;
}

Message Message::frame_and_parse(std::string_view text, std::vector<ParseIssue>* issues, SplitResult& split) {
  Message m;
  m.frame_and_parse_from(text, issues, split);
  return m;
}

FirstHeaderValue::FirstHeaderValue(HeaderId id) : id_(id), name_length_(canonical_header_name(id).size()) {}

// Most names cannot be it, whatever their letters: no lookup for them.
bool FirstHeaderValue::named(std::string_view name) const {
  return (name.size() == name_length_ || name.size() == 1) && header_id(name) == id_;
}

// A folded line extends the last header: the one found, once found.
void FirstHeaderValue::fold(std::string_view line) {
  if (!found_) return;
  if (auto extended = extended_value(value_.data(), line)) value_ = *extended;
}

[[gnu::always_inline]] inline bool FirstHeaderValue::visit(const HeaderLine& line) {
  switch (line.kind) {
    case HeaderLine::Kind::header:
      if (found_) return false;  // the value is whole: nothing folds into it any more
      if (named(line.name)) {
        value_ = line.value;
        found_ = true;
      }
      return true;
    case HeaderLine::Kind::fold:
      fold(line.line);
      return true;
    default:
      return true;
  }
}

// A header line, with `name` before `colon`, as read_header_line() reads
// it and visit() takes it.
bool FirstHeaderValue::header_line(std::string_view line, std::string_view name, std::size_t colon) {
  // Too long to index, and so no header: seldom worth the exact look.
  auto past_block = [&](std::string_view text) {
    return static_cast<std::size_t>(text.data() + text.size() - block_) > kMaxValueEnd;
  };
  if (name.size() > kMaxNameLength || past_block(line)) {
    if (name.size() > kMaxNameLength || past_block(value_after(line, colon))) return true;
  }
  ++headers_;
  if (found_) {  // the value is whole: nothing folds into it any more
    done_ = true;
    return false;
  }
  if (named(name)) {
    value_ = value_after(line, colon);
    found_ = true;
  }
  return true;
}

// The lines as frame_walking() reads them.
bool FirstHeaderValue::next_message_line(std::string_view line) {
  if (done_) return false;
  if (start_line_) {
    start_line_ = false;
    return true;
  }
  if (!block_) block_ = line.data();
  if (line.empty()) {  // the end of the header block
    done_ = true;
    return false;
  }
  if (is_space(line.front())) {
    fold(line);
    return true;
  }
  const std::optional<TokenName> name = token_name(line);
  // No header: the body starts here, without an empty line before it; or
  // one header more than are read.
  if (!name || headers_ >= kMaxHeaders) {
    done_ = true;
    return false;
  }
  return header_line(line, line.substr(0, name->length), name->colon);
}

// The lines as walk_header_lines() reads them.
bool FirstHeaderValue::next_block_line(std::string_view line) {
  if (done_) return false;
  if (!block_) block_ = line.data();
  if (line.empty()) return true;
  if (is_space(line.front())) {
    fold(line);
    return true;
  }
  // A token name is the usual case; any other is whatever lies before the first colon.
  const std::optional<TokenName> token = token_name(line);
  const std::size_t colon = token ? token->colon : line.find(':');
  if (colon == std::string_view::npos) return true;  // no header, and the block goes on
  if (headers_ >= kMaxHeaders) {
    done_ = true;
    return false;
  }
  return header_line(line, token ? line.substr(0, token->length) : trim(line.substr(0, colon)), colon);
}

std::string_view first_header_value(std::string_view header_block, HeaderId id) {
  FirstHeaderValue first(id);
  LineCursor lines(header_block);
  std::string_view line;
  while (lines.next(line) && first.next_block_line(line)) {
  }
  return first.value();
}

std::string_view first_header_value_in_message(std::string_view text, HeaderId id) {
  FirstHeaderValue first(id);
  LineCursor lines(text);
  lines.seek(leading_line_breaks(text));
  std::string_view line;
  while (lines.next(line) && first.next_message_line(line)) {
  }
  return first.value();
}

SplitResult split_message_finding(std::string_view text, std::vector<ParseIssue>* issues, HeaderId id,
                                  std::string_view& value) {
  FirstHeaderValue first(id);
  // The whole message is framed: the walk goes on once the value is found.
  SplitResult split = frame_walking(text, issues, [&](const HeaderLine& line) { return first.visit(line); });
  value = first.value();
  return split;
}

std::string_view Message::header(HeaderId id) const {
  auto index = first_[static_cast<std::size_t>(id)];
  if (index == kNone) return {};
  if (index != kFarther) return value_of(headers_[index]);
  for (std::size_t i = kFarther; i < headers_.size(); ++i) {
    if (headers_[i].id == id) return value_of(headers_[i]);
  }
  return {};
}

std::string_view Message::header(std::string_view name) const {
  HeaderId id = header_id(name);
  if (id != HeaderId::other) return header(id);
  for (const auto& h : headers_) {
    if (iequals(expand(h).name, name)) return value_of(h);
  }
  return {};
}

std::size_t Message::via_count() const {
  std::size_t count = 0;
  for_each(HeaderId::via, [&](std::string_view value) {
    ListCursor list(value);
    std::string_view item;
    while (list.next(item)) ++count;
  });
  return count;
}

std::string_view Message::top_via() const {
  ListCursor list(header(HeaderId::via));
  std::string_view item;
  return list.next(item) ? item : std::string_view{};
}

std::string_view Message::bottom_via() const {
  std::string_view last;
  for_each(HeaderId::via, [&](std::string_view value) {
    ListCursor list(value);
    std::string_view item;
    while (list.next(item)) last = item;
  });
  return last;
}

}  // namespace sipsleuth::sip
