#include "formats/tcp_reassembly.hpp"

#include <algorithm>
#include <optional>

#include "sip/message.hpp"
#include "sip/text.hpp"

namespace sipsleuth::formats {
namespace {

constexpr std::size_t kMaxPendingBytes = 4u << 20;    // out-of-order data held per stream
constexpr std::size_t kMaxMessageBytes = 4u << 20;    // one SIP message over TCP
constexpr std::uint64_t kUndecidedLimit = 64u << 10;  // bytes to look at before calling a stream "not SIP"

// "10.0.0.1:5061 -> 10.0.0.2:5061", for findings.
std::string stream_name(const StreamKey& key) {
  return std::string(key.source_text) + " -> " + std::string(key.destination_text);
}

std::size_t skip_crlf(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == '\r' || s[i] == '\n')) ++i;
  return i;
}

// Offset of the first line in `s` that is a SIP start line, or npos.
std::size_t find_start_line(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t newline = s.find('\n', pos);
    if (newline == std::string_view::npos) return std::string_view::npos;
    if (sip::looks_like_start_line(s.substr(pos, newline - pos))) return pos;
    pos = newline + 1;
  }
  return std::string_view::npos;
}

// The end of the headers at the first "\r\n\r\n" or "\n\n", whichever comes
// first. Found line by line: a search for each pattern would stop at every
// CR, and look for "\n\n" through every message buffered after this one.
std::size_t header_end(std::string_view s, std::size_t& body_begin) {
  for (std::size_t newline = s.find('\n'); newline != std::string_view::npos; newline = s.find('\n', newline + 1)) {
    if (newline + 1 < s.size() && s[newline + 1] == '\n') {
      body_begin = newline + 2;
      return newline + 1;
    }
    if (newline > 0 && s[newline - 1] == '\r' && newline + 2 < s.size() && s[newline + 1] == '\r' &&
        s[newline + 2] == '\n') {
      body_begin = newline + 3;
      return newline + 1;
    }
  }
  return std::string_view::npos;
}

// split_message(view.substr(0, body_begin)) where header_end(view,
// body_begin) finds the blank line, in one walk instead of two: the framing
// of the whole view, when its headers end at a blank line header_end() finds
// there too. Nothing otherwise (a blank line of "\r\n" after a bare "\n", a
// line that is no header before the blank one, headers not all here yet):
// then the two walks, as before. The same walk finds the Call-ID, placed in
// `call_id` when the framing is.
std::optional<sip::SplitResult> framed_to_blank_line(std::string_view view, std::size_t& body_begin,
                                                     std::optional<TextPlace>& call_id) {
  std::string_view found;
  sip::SplitResult split = sip::split_message_finding(view, nullptr, sip::HeaderId::call_id, found);
  const std::string_view block = split.parts.header_block;
  const std::size_t end = static_cast<std::size_t>(block.data() + block.size() - view.data());
  // `end` starts the line that ended the headers; the walk started past the start line.
  if (block.data() == nullptr || end < 2 || end >= view.size() || view[end - 1] != '\n') return std::nullopt;
  if (view[end] == '\n') {
    body_begin = end + 1;
  } else if (view[end] == '\r' && end + 1 < view.size() && view[end + 1] == '\n' && view[end - 2] == '\r') {
    body_begin = end + 2;
  } else {
    return std::nullopt;
  }
  call_id = TextPlace::of(found, view);
  return split;
}

}  // namespace

void TcpReassembler::add(const StreamKey& given, const TcpSegment& segment) {
  auto it = streams_.find(given);
  if (it == streams_.end()) {
    StreamKey named = given;
    if (named.source_text.empty()) named.source_text = name_endpoint_(named.source);
    if (named.destination_text.empty()) named.destination_text = name_endpoint_(named.destination);
    it = streams_.try_emplace(named).first;
  }
  // Nothing below adds a stream: `it` stays good until the stream ends.
  const StreamKey& key = it->first;
  Stream& s = it->second;
  if (segment.syn) {
    s.have_seq = true;
    s.next_seq = segment.seq + 1;
  }
  if (!segment.payload.empty()) {
    if (!s.have_seq) {
      s.have_seq = true;  // joined mid-stream
      s.next_seq = segment.seq;
    }
    std::int32_t diff = static_cast<std::int32_t>(segment.seq - s.next_seq);
    std::string_view payload = segment.payload;
    if (diff < 0) {
      std::size_t old = static_cast<std::size_t>(-static_cast<std::int64_t>(diff));
      result_.capture.tcp_retransmitted_bytes += std::min(old, payload.size());
      payload = old >= payload.size() ? std::string_view{} : payload.substr(old);
      diff = 0;
    }
    if (diff > 0) {
      if (s.kind != Kind::other) {
        const bool inserted =
            s.pending.try_emplace(segment.seq, Held{std::string(payload), segment.time, segment.location}).second;
        if (inserted) s.pending_bytes += payload.size();
      }
      if (s.pending_bytes <= kMaxPendingBytes) {
        s.last = segment;
        return;
      }
      // The gap never filled (packets lost before the capture point): skip it.
      report_gap(key, segment.location);
      resume_after_gap(s);
    } else if (!payload.empty()) {
      append(key, s, payload, segment);
    }
    drain_pending(key, s, &segment);
  }
  s.last = segment;
  if (segment.fin || segment.rst) {
    extract(key, s, segment, true);
    streams_.erase(it);
  }
}

void TcpReassembler::report_gap(const StreamKey& key, const Location& where) {
  result_.add_finding(
      "pcap.tcp_gap", Severity::warning, where,
      "TCP stream " + stream_name(key) + " lost data before this packet; the stream resumes after the gap");
}

void TcpReassembler::resume_after_gap(Stream& s) {
  s.buffer.clear();
  s.appends.clear();
  s.consumed = 0;
  s.next_seq = s.pending.begin()->first;
  if (s.kind == Kind::sip) s.kind = Kind::undecided;
}

void TcpReassembler::drain_pending(const StreamKey& key, Stream& s, const TcpSegment* filling) {
  while (!s.pending.empty()) {
    auto it = s.pending.begin();
    std::int32_t d = static_cast<std::int32_t>(it->first - s.next_seq);
    if (d > 0) break;
    const std::uint32_t seq = it->first;
    Held held = std::move(it->second);
    s.pending_bytes -= held.data.size();
    s.pending.erase(it);
    std::size_t old = static_cast<std::size_t>(-static_cast<std::int64_t>(d));
    if (old >= held.data.size()) continue;
    std::string_view data = std::string_view(held.data).substr(old);
    if (filling) {
      append(key, s, data, *filling);
      continue;
    }
    TcpSegment own = s.last;
    own.seq = seq;
    own.payload = data;
    own.payload_in_input = {};
    own.time = held.time;
    own.location = held.location;
    append(key, s, data, own);
  }
}

void TcpReassembler::emit(const StreamKey& key, Stream& s, std::string_view text, const TcpSegment& segment,
                          bool next_starts_here, std::vector<sip::ParseIssue> issues, std::optional<TextPlace> call_id,
                          std::vector<std::string_view> pieces) {
  std::vector<std::uint32_t> packets;
  // Carried by the segment that completes it alone (nearly every message):
  // its location says so, and no list is made.
  if (s.packets.size() != 1 || s.packets.front() != segment.location.packet) packets = std::move(s.packets);
  s.packets.clear();
  if (next_starts_here) s.packets.push_back(segment.location.packet);
  sink_(key, text, segment, std::move(issues), std::move(packets), std::move(pieces), call_id);
}

void TcpReassembler::emit_buffered(const StreamKey& key, Stream& s, std::size_t begin, std::size_t size,
                                   const TcpSegment& segment, std::vector<sip::ParseIssue> issues,
                                   std::optional<TextPlace> call_id) {
  std::vector<std::string_view> pieces;
  std::string_view text = keep(s, begin, size, pieces);
  emit(key, s, text, segment, begin + size < s.buffer.size(), std::move(issues), call_id, std::move(pieces));
}

void TcpReassembler::append(const StreamKey& key, Stream& s, std::string_view bytes, const TcpSegment& segment) {
  s.next_seq += static_cast<std::uint32_t>(bytes.size());
  if (s.kind == Kind::other) return;
  if (s.packets.empty() || s.packets.back() != segment.location.packet) s.packets.push_back(segment.location.packet);
  std::string_view in_input;  // the same bytes as `bytes`, in the input (the reader has compared them)
  const char* payload = segment.payload.data();
  if (!segment.payload_in_input.empty() && bytes.data() >= payload &&
      bytes.data() + bytes.size() <= payload + segment.payload.size()) {
    in_input = segment.payload_in_input.substr(static_cast<std::size_t>(bytes.data() - payload), bytes.size());
  }
  if (s.kind == Kind::sip && s.consumed == s.buffer.size() && !in_input.empty()) {
    // Nothing is held from earlier segments (the usual case: a segment
    // carries whole messages): the messages are framed where they lie in the
    // input, not copied into the buffer first. Only the start of a message
    // that goes on in a later segment is buffered.
    s.buffer.clear();
    s.appends.clear();
    s.consumed = 0;
    std::size_t consumed = 0;
    frame_messages(key, s, in_input, consumed, segment, false,
                   [&](std::size_t begin, std::size_t size, std::vector<sip::ParseIssue> issues,
                       std::optional<TextPlace> call_id) {
                     emit(key, s, in_input.substr(begin, size), segment, begin + size < in_input.size(),
                          std::move(issues), call_id);
                   });
    if (consumed < in_input.size()) {
      s.appends.push_back({0, in_input.size() - consumed, in_input.substr(consumed)});
      s.buffer.assign(in_input.substr(consumed));
    }
    return;
  }
  s.appends.push_back({s.buffer.size(), bytes.size(), in_input});
  s.buffer.append(bytes);
  if (s.kind == Kind::undecided) {
    std::string_view view = std::string_view(s.buffer).substr(s.consumed);
    std::size_t skip = skip_crlf(view);
    view.remove_prefix(skip);
    if (view.size() >= 4 && view.substr(0, 4) == "GET " &&
        sip::ifind(view.substr(0, 2048), "Upgrade: websocket") != std::string_view::npos) {
      s.websocket_upgrade_seen = true;
    }
    if (s.websocket_upgrade_seen || (view.substr(0, 12) == "HTTP/1.1 101")) {
      std::size_t body = 0;
      if (header_end(view, body) != std::string_view::npos) {
        s.consumed += skip + body;
        s.kind = Kind::websocket;
      } else {
        return;
      }
    } else {
      std::size_t start = find_start_line(view);
      if (start != std::string_view::npos) {
        s.kind = Kind::sip;
        s.consumed += skip + start;
      } else {
        s.undecided_bytes += bytes.size();
        if (s.undecided_bytes > kUndecidedLimit) {
          s.kind = Kind::other;
          s.buffer.clear();
          s.appends.clear();
          s.consumed = 0;
          return;
        }
        // Keep only the last partial line; a start line may follow it.
        std::size_t last_newline = view.rfind('\n');
        if (last_newline != std::string_view::npos) s.consumed += skip + last_newline + 1;
        compact(s);
        return;
      }
    }
  }
  if (s.kind == Kind::sip) extract(key, s, segment, false);
  else if (s.kind == Kind::websocket) extract_websocket(key, s, segment);
}

void TcpReassembler::extract(const StreamKey& key, Stream& s, const TcpSegment& segment, bool at_end) {
  if (s.kind != Kind::sip) return;
  frame_messages(
      key, s, s.buffer, s.consumed, segment, at_end,
      [&](std::size_t begin, std::size_t size, std::vector<sip::ParseIssue> issues, std::optional<TextPlace> call_id) {
        emit_buffered(key, s, begin, size, segment, std::move(issues), call_id);
      });
  compact(s);
}

template <typename EmitRange>
void TcpReassembler::frame_messages(const StreamKey& key, Stream& s, std::string_view data, std::size_t& consumed,
                                    const TcpSegment& segment, bool at_end, EmitRange&& emit_range) {
  for (;;) {
    std::string_view view = data.substr(consumed);
    std::size_t skip = skip_crlf(view);  // keep-alive CRLFs between messages
    consumed += skip;
    view.remove_prefix(skip);
    if (view.empty()) break;
    std::size_t body_begin = 0;
    std::optional<TextPlace> call_id;
    std::optional<sip::SplitResult> split = framed_to_blank_line(view, body_begin, call_id);
    if (!split && header_end(view, body_begin) != std::string_view::npos) {
      split = sip::split_message(view.substr(0, body_begin), nullptr);
    }
    if (!split) {
      if (view.size() > kMaxMessageBytes) {
        result_.add_finding("pcap.sip_message_too_large", Severity::warning, segment.location,
                            "SIP headers in " + stream_name(key) + " exceed " +
                                std::to_string(kMaxMessageBytes) + " bytes; stream skipped to the next message");
        consumed = data.size();
        s.kind = Kind::undecided;
      } else if (at_end) {
        std::vector<sip::ParseIssue> issues{
            {"pcap.tcp_message_incomplete", "the TCP stream ended inside the SIP headers", 0}};
        emit_range(consumed, view.size(), std::move(issues), std::nullopt);
        consumed = data.size();
      }
      break;
    }
    std::vector<sip::ParseIssue> issues;
    std::uint64_t length = split->content_length.value_or(0);
    if (!split->content_length) {
      issues.push_back({"sip.missing_content_length", "a SIP message over TCP has no Content-Length; taken as 0", 0});
    }
    if (length > kMaxMessageBytes) {
      issues.push_back({"sip.content_length_mismatch",
                        "Content-Length " + std::to_string(length) + " is implausibly large; body ignored", 0});
      length = 0;
    }
    if (view.size() < body_begin + length) {
      if (at_end) {
        issues.push_back({"sip.content_length_mismatch",
                          "Content-Length " + std::to_string(length) + " is longer than the body (" +
                              std::to_string(view.size() - body_begin) + " bytes) when the TCP stream ended",
                          body_begin});
        emit_range(consumed, view.size(), std::move(issues), call_id);
        consumed = data.size();
      }
      break;
    }
    std::size_t total = body_begin + static_cast<std::size_t>(length);
    // What follows should be the next message; if not, the stream lost sync.
    emit_range(consumed, total, std::move(issues), call_id);
    consumed += total;
    std::string_view next = data.substr(consumed);
    std::size_t next_skip = skip_crlf(next);
    next.remove_prefix(next_skip);
    std::size_t newline = next.find('\n');
    if (newline != std::string_view::npos && !sip::looks_like_start_line(next.substr(0, newline))) {
      std::size_t resync = find_start_line(next);
      result_.add_finding("sip.content_length_mismatch", Severity::warning, segment.location,
                          "data after a SIP message in " + stream_name(key) +
                              " is not a SIP message; its Content-Length may be wrong");
      consumed += next_skip + (resync == std::string_view::npos ? next.size() : resync);
      if (resync == std::string_view::npos) s.kind = Kind::undecided;
    }
  }
}

// RFC 6455 frames carrying SIP (RFC 7118). Only text and binary frames are
// SIP; control frames are skipped. Fragmented messages are joined.
void TcpReassembler::extract_websocket(const StreamKey& key, Stream& s, const TcpSegment& segment) {
  for (;;) {
    std::string_view view = std::string_view(s.buffer).substr(s.consumed);
    if (view.size() < 2) break;
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(view[i]); };
    unsigned opcode = byte(0) & 0x0f;
    bool masked = (byte(1) & 0x80) != 0;
    std::uint64_t length = byte(1) & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
      if (view.size() < 4) break;
      length = (std::uint64_t{byte(2)} << 8) | byte(3);
      header = 4;
    } else if (length == 127) {
      if (view.size() < 10) break;
      length = 0;
      for (int i = 2; i < 10; ++i) length = (length << 8) | byte(static_cast<std::size_t>(i));
      header = 10;
    }
    std::size_t mask_at = header;
    if (masked) header += 4;
    if (length > kMaxMessageBytes) {
      result_.add_finding(
          "pcap.websocket_frame_too_large", Severity::warning, segment.location,
          "WebSocket frame in " + stream_name(key) + " is too large; stream skipped");
      s.kind = Kind::other;
      s.buffer.clear();
      s.appends.clear();
      s.consumed = 0;
      return;
    }
    if (view.size() < header + length) break;
    std::string payload(view.substr(header, static_cast<std::size_t>(length)));
    if (masked) {
      for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= view[mask_at + (i % 4)];
    }
    s.consumed += header + static_cast<std::size_t>(length);
    if ((opcode == 1 || opcode == 2) && sip::looks_like_start_line(payload.substr(0, payload.find('\n')))) {
      emit(key, s, result_.own(std::move(payload)), segment, s.consumed < s.buffer.size(), {}, std::nullopt);
    }
  }
  compact(s);
}

std::string_view TcpReassembler::keep(const Stream& s, std::size_t begin, std::size_t size,
                                      std::vector<std::string_view>& pieces) {
  std::string_view text = std::string_view(s.buffer).substr(begin, size);
  auto first = std::upper_bound(s.appends.begin(), s.appends.end(), begin,
                                [](std::size_t offset, const Appended& a) { return offset < a.at; });
  if (first != s.appends.begin() && !text.empty()) {
    --first;
    // The bookkeeping is checked against the bytes: a slip in it costs a
    // copy, never a wrong message.
    if (begin + size <= first->at + first->size && !first->in_input.empty()) {
      std::string_view in_input = first->in_input.substr(begin - first->at, size);
      if (in_input == text) return in_input;
    }
    if (pieces_not_copies_) {
      std::size_t covered = 0;
      for (auto a = first; a != s.appends.end() && covered < size; ++a) {
        std::size_t from = begin + covered;
        if (a->in_input.empty() || a->at > from || from >= a->at + a->size) break;
        std::string_view piece = a->in_input.substr(from - a->at, size - covered);
        if (piece != text.substr(covered, piece.size())) break;
        pieces.push_back(piece);
        covered += piece.size();
      }
      if (covered == size) return text;
      pieces.clear();
    }
  }
  return result_.own(std::string(text));
}

void TcpReassembler::compact(Stream& s) {
  if (s.consumed > 0 && s.consumed * 2 >= s.buffer.size()) {
    s.buffer.erase(0, s.consumed);
    // Appends wholly consumed go; the one the cut falls in keeps its tail.
    std::size_t kept = 0;
    for (Appended a : s.appends) {
      if (a.at + a.size <= s.consumed) continue;
      if (a.at < s.consumed) {
        std::size_t cut = s.consumed - a.at;
        if (!a.in_input.empty()) a.in_input.remove_prefix(cut);
        a.size -= cut;
        a.at = s.consumed;
      }
      a.at -= s.consumed;
      s.appends[kept++] = a;
    }
    s.appends.resize(kept);
    s.consumed = 0;
  }
}

void TcpReassembler::finish() {
  for (auto& [key, stream] : streams_) {
    extract(key, stream, stream.last, true);
    // Segments held past a gap that never filled (the capture missed them,
    // or holds only some calls' packets, as `search -o` writes): the stream
    // resumes after each gap, as Wireshark shows such segments.
    // A gap in a stream that carries no SIP, before or after it, is not told.
    while (!stream.pending.empty()) {
      const Location resumed_at = stream.pending.begin()->second.location;
      const bool was_sip = stream.kind == Kind::sip;
      resume_after_gap(stream);
      drain_pending(key, stream, nullptr);
      if (was_sip || stream.kind == Kind::sip) report_gap(key, resumed_at);
      extract(key, stream, stream.last, true);
    }
  }
  streams_.clear();
}

}  // namespace sipsleuth::formats
