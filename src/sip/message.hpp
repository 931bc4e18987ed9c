// A SIP message as views into the text it was read from: start line, a header
// index built once, and the body. Nothing is copied; parsing of individual
// header values (URIs, Via, SDP, ms-diagnostics) happens on demand elsewhere.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsleuth::sip {

// Headers the model and renderers look up by identity. Anything else is
// `other` and still indexed by name.
enum class HeaderId : std::uint8_t {
  other,
  accept_contact, allow, allow_events, authentication_info, authorization, call_id, contact,
  content_disposition, content_encoding, content_length, content_transfer_encoding, content_type,
  cseq, event, expires, from, max_forwards, ms_client_diagnostics, ms_client_diagnostics_public,
  ms_conversation_id, ms_diagnostics, ms_diagnostics_public, ms_endpoint_location_data,
  ms_user_logon_data, p_asserted_identity, p_preferred_identity, proxy_authenticate,
  proxy_authorization, rack, reason, record_route, refer_to, referred_by, reject_contact, require,
  route, rseq, server, session_expires, subject, supported, to, user_agent, via, warning,
  www_authenticate, identity, identity_info, request_disposition,
  count_
};

HeaderId header_id(std::string_view name);            // full or compact form, any case
std::string_view canonical_header_name(HeaderId id);  // e.g. "Call-ID"

struct Header {
  std::string_view name;   // as written
  std::string_view value;  // trimmed; may contain folded line breaks
  HeaderId id = HeaderId::other;
};

// Where a message's three parts are. Readers whose input is not contiguous SIP
// text (server logs keep "Start-Line:" and "Message-Body:" fields) fill these
// directly; split_message() finds them in contiguous text.
struct MessageParts {
  std::string_view start_line;
  std::string_view header_block;  // header lines, terminators included
  std::string_view body;
};

// A problem found while parsing. `code` is a stable, dotted identifier with
// static storage; `offset` counts from the start of the message text.
struct ParseIssue {
  std::string_view code;
  std::string detail;
  std::size_t offset = 0;
};

struct SplitResult {
  MessageParts parts;
  std::size_t consumed = 0;        // bytes of `text` this message occupies
  bool body_complete = true;       // false when Content-Length asks for more than is there
  std::optional<std::uint64_t> content_length;
};

// Finds the parts of the first message in `text`. The header block ends at an
// empty line, or at the first line that cannot be a header (pasted traces often
// lose the empty line). The body is Content-Length bytes when that fits,
// otherwise everything up to `text`'s end; `issues` records which.
SplitResult split_message(std::string_view text, std::vector<ParseIssue>* issues);
// The same, finding `value`, the first value of header `id`, on the way, as
// first_header_value_in_message() finds it: for a message read from a stream,
// framed as it is read, whose Call-ID need not then be looked for again.
SplitResult split_message_finding(std::string_view text, std::vector<ParseIssue>* issues, HeaderId id,
                                  std::string_view& value);

// True for "METHOD uri SIP/x.y" and "SIP/x.y NNN reason" lines.
bool looks_like_start_line(std::string_view line);
// Also accepts a request line that lost its version ("INVITE sip:a@b"), so a
// damaged message is still read and reported instead of skipped.
bool looks_like_damaged_request_line(std::string_view line);

// The first value of header `id` in a header block, as
// Message::parse(parts).header(id) gives it, without indexing the others:
// enough to group a message into its call.
std::string_view first_header_value(std::string_view header_block, HeaderId id);
// The same for a message not yet framed, as
// first_header_value(split_message(text).parts.header_block, id) gives it,
// in one walk over its header lines.
std::string_view first_header_value_in_message(std::string_view text, HeaderId id);

struct HeaderLine;  // message.cpp

// The first value of header `id` given a line at a time, each without its
// line break, all views into one text: for a reader that walks the lines
// anyway. A message's lines, its start line first, give the value
// first_header_value_in_message() finds in that text; a header block's give
// the one first_header_value() finds in it. (Both walk them so.)
class FirstHeaderValue {
 public:
  explicit FirstHeaderValue(HeaderId id);
  // Whether a later line can still change the value: once not, the rest
  // need not be given.
  bool next_message_line(std::string_view line);
  bool next_block_line(std::string_view line);
  // A line of a header block as the walks give it, which message.cpp alone
  // does: inlined there into each walk.
  inline bool visit(const HeaderLine& line);
  std::string_view value() const { return value_; }

 private:
  bool named(std::string_view name) const;
  void fold(std::string_view line);
  bool header_line(std::string_view line, std::string_view name, std::size_t colon);

  HeaderId id_;
  std::size_t name_length_;
  std::string_view value_;
  bool found_ = false;
  // Where the lines given are.
  const char* block_ = nullptr;  // where the header block starts, once the start line is past
  bool start_line_ = true;
  bool done_ = false;
  std::size_t headers_ = 0;
};

class Message {
 public:
  static Message parse(const MessageParts& parts);
  // split_message(text, issues) into `split`, and parse(split.parts), in one
  // walk over the header lines: for a message read but not yet framed.
  static Message frame_and_parse(std::string_view text, std::vector<ParseIssue>* issues, SplitResult& split);
  // The same two, into this message, whatever it held: its header index
  // keeps its room, so that parsing message after message into one object
  // allocates only for the first, or for one with more headers.
  void parse_from(const MessageParts& parts);
  void frame_and_parse_from(std::string_view text, std::vector<ParseIssue>* issues, SplitResult& split);

  const MessageParts& parts() const { return parts_; }
  bool is_request() const { return is_request_; }
  bool is_response() const { return !is_request_ && status_ > 0; }
  bool valid_start_line() const { return valid_start_line_; }
  std::string_view method() const { return method_.in(parts_.start_line); }  // requests only
  std::string_view request_uri() const { return request_uri_.in(parts_.start_line); }
  int status() const { return status_; }                     // responses only
  std::string_view reason() const { return reason_.in(parts_.start_line); }

  // Every header in order (the same name may occur several times).
  std::size_t header_count() const { return headers_.size(); }
  Header header_at(std::size_t index) const { return expand(headers_[index]); }
  // First value of a header, or empty view.
  std::string_view header(HeaderId id) const;
  std::string_view header(std::string_view name) const;
  bool has(HeaderId id) const { return first_[static_cast<std::size_t>(id)] != kNone; }
  template <typename F>
  void for_each(HeaderId id, F&& f) const {
    for (const auto& h : headers_) {
      if (h.id == id) f(value_of(h));
    }
  }

  std::string_view call_id() const { return header(HeaderId::call_id); }
  // CSeq number and method; the method of a response is the request's.
  std::optional<std::uint32_t> cseq_number() const { return cseq_number_; }
  std::string_view cseq_method() const { return cseq_method_.in(parts_.header_block); }
  // Via entries in all Via headers (a header may list several); and the
  // first and the last of them (the last is the one the request's sender wrote).
  std::size_t via_count() const;
  std::string_view top_via() const;
  std::string_view bottom_via() const;

  // The tag and epid parameters of From and To, read once at parse: every
  // step that follows a call's dialogs, forks and endpoints asks for them.
  std::string_view from_tag() const { return from_tag_.in(parts_.header_block); }
  std::string_view from_epid() const { return from_epid_.in(parts_.header_block); }
  std::string_view to_tag() const { return to_tag_.in(parts_.header_block); }
  std::string_view to_epid() const { return to_epid_.in(parts_.header_block); }

  const std::vector<ParseIssue>& issues() const { return issues_; }

 private:
  void parse_start_line(std::string_view start_line);
  // Indexes one line of the header block, which starts at `block`.
  void index(const HeaderLine& line, std::string_view block);
  void start_over();  // as a new message, the header index's room kept
  void read_cseq();
  void read_tags();
  // Where each known header first occurs; one byte each keeps the index small
  // (every message of a multi-gigabyte log has one). Beyond the first 254
  // headers the position is looked up by scanning.
  static constexpr std::uint8_t kNone = 0xff;
  static constexpr std::uint8_t kFarther = 0xfe;
  MessageParts parts_;
  bool is_request_ = false;
  bool valid_start_line_ = false;
  // A part of the start line or header block as a position in it: 8 bytes
  // where a view takes 16.
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    static Span of(std::string_view part, std::string_view whole) {
      if (part.empty()) return {};
      return {static_cast<std::uint32_t>(part.data() - whole.data()), static_cast<std::uint32_t>(part.size())};
    }
    std::string_view in(std::string_view whole) const { return whole.substr(offset, length); }
  };
  Span method_, request_uri_, reason_;  // in parts_.start_line
  int status_ = 0;
  std::optional<std::uint32_t> cseq_number_;  // read once at parse: every layer asks for it
  Span cseq_method_;  // in parts_.header_block
  Span from_tag_, from_epid_, to_tag_, to_epid_;  // in parts_.header_block
  // A header as positions in the header block: 16 bytes where two views and
  // an id take 40, which counts when a log holds millions of messages.
  struct HeaderSlot {
    std::uint32_t name_offset = 0;
    std::uint32_t value_offset = 0;
    std::uint32_t value_length = 0;
    std::uint16_t name_length = 0;
    HeaderId id = HeaderId::other;
  };
  std::string_view value_of(const HeaderSlot& h) const {
    return parts_.header_block.substr(h.value_offset, h.value_length);
  }
  Header expand(const HeaderSlot& h) const {
    return {parts_.header_block.substr(h.name_offset, h.name_length), value_of(h), h.id};
  }
  std::vector<HeaderSlot> headers_;
  std::array<std::uint8_t, static_cast<std::size_t>(HeaderId::count_)> first_{};
  std::vector<ParseIssue> issues_;
};

}  // namespace sipsleuth::sip
