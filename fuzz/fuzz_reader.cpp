// Feeds arbitrary bytes to one format reader (chosen at build time with
// SIPSLEUTH_FUZZ_READER) and parses every message it finds.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "formats/pcap_records.hpp"
#include "formats/reader.hpp"
#include "sip/message.hpp"
#include "sip/uri.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sipsleuth;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto result = formats::SIPSLEUTH_FUZZ_READER(bytes);
  // `calls` finds the Call-ID of a message it has not framed yet.
  // A stream's reader frames a message and finds its Call-ID in one walk.
  auto same_call_id_unframed = [](std::string_view text) {
    sip::SplitResult split = sip::split_message(text, nullptr);
    const std::string_view call_id = sip::first_header_value_in_message(text, sip::HeaderId::call_id);
    std::string_view found;
    sip::SplitResult framed = sip::split_message_finding(text, nullptr, sip::HeaderId::call_id, found);
    return call_id == sip::first_header_value(split.parts.header_block, sip::HeaderId::call_id) &&
           found.data() == call_id.data() && found.size() == call_id.size() &&
           framed.parts.header_block.data() == split.parts.header_block.data() &&
           framed.parts.header_block.size() == split.parts.header_block.size() && framed.consumed == split.consumed &&
           framed.content_length == split.content_length;
  };
  if (!same_call_id_unframed(bytes)) __builtin_trap();
  // A reader's Call-ID (SipRecord::call_id) lies in `raw` exactly where the
  // lookup `expected` found it, with its hash.
  [[maybe_unused]] auto placed_as = [](const formats::SipRecord& record, std::string_view expected) {
    if (!record.call_id) return false;
    const std::string_view found = record.call_id->in(record.raw);
    return found == expected && (expected.empty() || found.data() == expected.data()) &&
           record.call_id_hash == formats::hash_call_id(expected);
  };
  // ... and frames and parses it in one walk, as split_message() and
  // Message::parse() do in two.
  auto same_framed_and_parsed = [](std::string_view text) {
    std::vector<sip::ParseIssue> split_issues, fused_issues;
    sip::SplitResult split = sip::split_message(text, &split_issues);
    sip::Message parsed = sip::Message::parse(split.parts);
    sip::SplitResult fused_split;
    sip::Message fused = sip::Message::frame_and_parse(text, &fused_issues, fused_split);
    auto same_parts = [](const sip::MessageParts& a, const sip::MessageParts& b) {
      return a.start_line.data() == b.start_line.data() && a.start_line.size() == b.start_line.size() &&
             a.header_block.data() == b.header_block.data() && a.header_block.size() == b.header_block.size() &&
             a.body.data() == b.body.data() && a.body.size() == b.body.size();
    };
    if (!same_parts(split.parts, fused_split.parts) || !same_parts(parsed.parts(), fused.parts()) ||
        split.consumed != fused_split.consumed || split.content_length != fused_split.content_length ||
        split.body_complete != fused_split.body_complete || split_issues.size() != fused_issues.size() ||
        parsed.issues().size() != fused.issues().size() || parsed.header_count() != fused.header_count() ||
        parsed.cseq_number() != fused.cseq_number() || parsed.cseq_method() != fused.cseq_method() ||
        parsed.status() != fused.status() || parsed.method() != fused.method()) {
      return false;
    }
    for (std::size_t i = 0; i < split_issues.size(); ++i) {
      if (split_issues[i].code != fused_issues[i].code) return false;
    }
    for (std::size_t i = 0; i < parsed.issues().size(); ++i) {
      if (parsed.issues()[i].code != fused.issues()[i].code) return false;
    }
    for (std::size_t i = 0; i < parsed.header_count(); ++i) {
      sip::Header a = parsed.header_at(i), b = fused.header_at(i);
      if (a.name != b.name || a.value != b.value || a.id != b.id) return false;
    }
    return true;
  };
  if (!same_framed_and_parsed(bytes)) __builtin_trap();
  for (const auto& record : result.messages) {
    auto message = sip::Message::parse(record.parts);
    (void)message.cseq_number();
    // `calls` groups messages by the Call-ID found without indexing every header.
    if (sip::first_header_value(record.parts.header_block, sip::HeaderId::call_id) != message.call_id()) {
      __builtin_trap();
    }
    // Tags and epids are read once at parse; everything else looks them up.
    const std::string_view from = message.header(sip::HeaderId::from), to = message.header(sip::HeaderId::to);
    if (message.from_tag() != sip::name_addr_param(from, "tag") ||
        message.from_epid() != sip::name_addr_param(from, "epid") ||
        message.to_tag() != sip::name_addr_param(to, "tag") || message.to_epid() != sip::name_addr_param(to, "epid")) {
      __builtin_trap();
    }
    if (!same_call_id_unframed(record.raw) || !same_framed_and_parsed(record.raw)) __builtin_trap();
  }
#ifdef SIPSLEUTH_FUZZ_CLIENT_LOG
  // `calls` reads a client log's messages unframed and frames them later:
  // they must come out as the reader frames them.
  auto unframed = formats::read_client_log(bytes, true);
  if (unframed.messages.size() != result.messages.size()) __builtin_trap();
  for (std::size_t i = 0; i < unframed.messages.size(); ++i) {
    formats::SipRecord& later = unframed.messages[i];
    // The Call-ID the reader found on its way through the message's lines.
    if (!placed_as(later, sip::first_header_value_in_message(later.raw, sip::HeaderId::call_id))) __builtin_trap();
    formats::frame_deferred(later);
    const formats::SipRecord& now = result.messages[i];
    if (later.parts.start_line != now.parts.start_line || later.parts.header_block != now.parts.header_block ||
        later.parts.body != now.parts.body || later.raw != now.raw || later.original != now.original ||
        later.framing_issues.size() != now.framing_issues.size()) {
      __builtin_trap();
    }
  }
#endif
#ifdef SIPSLEUTH_FUZZ_SERVER_LOG
  // `calls` groups a server log's messages by the Call-ID its reader finds
  // on the way through their header lines.
  auto with_call_ids = formats::read_server_log(bytes, true);
  if (with_call_ids.messages.size() != result.messages.size()) __builtin_trap();
  for (const auto& record : with_call_ids.messages) {
    if (!placed_as(record, sip::first_header_value(record.parts.header_block, sip::HeaderId::call_id))) __builtin_trap();
  }
#endif
#ifdef SIPSLEUTH_FUZZ_CAPTURE
  // Read as `calls` reads it in batches (messages handed over as they come,
  // TCP messages as pieces of the input, framed later), a capture must give
  // the same messages as read whole.
  formats::ReadOptions options;
  options.defer_framing = true;
  options.pieces_not_copies = true;
  std::vector<formats::SipRecord> delivered;
  options.deliver = [&](std::vector<formats::SipRecord>& records) {
    for (auto& record : records) delivered.push_back(std::move(record));
  };
  auto handed_over = formats::read_pcap(bytes, options);
  if (delivered.size() != result.messages.size()) __builtin_trap();
  std::vector<std::string> joined(delivered.size());
  for (std::size_t i = 0; i < delivered.size(); ++i) {
    formats::join_pieces(delivered[i], joined[i]);
    // The Call-ID found as a UDP message was decoded, or as a TCP stream's
    // reader framed the message.
    if (delivered[i].call_id &&
        !placed_as(delivered[i], sip::first_header_value_in_message(delivered[i].raw, sip::HeaderId::call_id))) {
      __builtin_trap();
    }
    formats::frame_deferred(delivered[i]);
    const auto& a = delivered[i].parts;
    const auto& b = result.messages[i].parts;
    if (a.start_line != b.start_line || a.header_block != b.header_block || a.body != b.body) __builtin_trap();
  }
  // Records walked over the bytes must be libpcap's records, one for one.
  formats::CaptureRecords walked(bytes, formats::RecordWalk::mapped_when_plain);
  formats::CaptureRecords by_libpcap(bytes, formats::RecordWalk::libpcap_only);
  if (walked.opened() != by_libpcap.opened()) __builtin_trap();
  if (walked.opened()) {
    std::deque<std::string> copies;
    formats::CaptureRecord a, b;
    do {
      walked.next(a, copies);
      by_libpcap.next(b, copies);
      if (!formats::same_record(a, b)) __builtin_trap();
    } while (a.status == 1);
  }
#endif
  return 0;
}
