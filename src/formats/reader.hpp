// One reader per input format. Each takes the whole input as bytes and never
// stops at the first problem: it keeps what it can and records findings.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/record.hpp"

namespace sipsleuth::formats {

// With `defer_framing`, each message is left unframed as a capture leaves
// it (ReadOptions::defer_framing): `raw` is the text between its marker lines,
// and SipRecord::call_id is found on the way.
ReadResult read_client_log(std::string_view data, bool defer_framing = false);
// With `find_call_ids`, SipRecord::call_id is found on the way through each
// record's header lines.
ReadResult read_server_log(std::string_view data, bool find_call_ids = false);
ReadResult read_sip_text(std::string_view data);
// Bytes of the input read so far, for a progress display on another thread.
using ReadProgress = std::atomic<std::uint64_t>;

struct ReadOptions {
  // Advanced by the bytes read: captures report as they go; the text
  // formats, which are read in pieces, are counted by piece.
  ReadProgress* progress = nullptr;
  // When not empty, a capture keeps only SIP messages holding one of these
  // strings (a search by Call-ID), without framing the others. Its flows are
  // all kept. The text readers keep everything; their caller filters.
  const std::vector<std::string>* required_text = nullptr;
  // A capture or a client log leaves each message unframed (only `raw` set)
  // for the caller to frame with frame_deferred(): on every core, as capture
  // reading is serial; once, as a summary frames a log's message when it
  // reads it again. A log's reader then finds each message's Call-ID on its
  // way through the lines (SipRecord::call_id), for the grouping that comes
  // first.
  bool defer_framing = false;
  // Called with ranges of the input a capture has been read past, so that a
  // search can give their pages back as it goes (io::Buffer::release); the
  // few messages it keeps may still point into them.
  std::function<void(std::size_t offset, std::size_t length)> read_past;
  // When set, a capture hands the messages it has read so far to this every
  // 4,096 packets and at the end, instead of keeping them all in its result:
  // a whole-trace summary keeps only a small part of each.
  std::function<void(std::vector<SipRecord>& messages)> deliver;
  // With defer_framing: a message rebuilt from several TCP segments is not
  // copied when every segment lies in the input; its record has `pieces`
  // instead of `raw` (see SipRecord::pieces). A whole-trace summary reads
  // it again later rather than keep a copy of every such message.
  bool pieces_not_copies = false;
};

ReadResult read_pcap(std::string_view data, const ReadOptions& options = {});

// Sniffs and dispatches; an unknown format yields an empty result.
ReadResult read_any(std::string_view data, Format format, const ReadOptions& options = {});

// Shared by the text readers: cuts one message that is known to span exactly
// `text` (delimited by the log's own markers) and reports a Content-Length
// that disagrees with it.
void frame_delimited_message(std::string_view text, SipRecord& record);

// Frames a record a capture read with ReadOptions::defer_framing; does
// nothing to a record already framed.
void frame_deferred(SipRecord& record);
// frame_deferred(record), then sip::Message::parse(record.parts) into
// `message` (see sip::Message::parse_from()), in one walk over the header
// lines of a record not yet framed.
void frame_and_parse(SipRecord& record, sip::Message& message);

// Joins the pieces of a record read with ReadOptions::pieces_not_copies into
// `storage` and points `raw` at it; does nothing to a record with `raw`.
void join_pieces(SipRecord& record, std::string& storage);

// Line number of `offset` within `data`, counting from 1. Readers track line
// numbers as they go; this is for the rare places that do not.
std::uint32_t line_at(std::string_view data, std::size_t offset);

// Where a large text log can be cut into `parts` pieces that read on their
// own: offsets of record starts (client log packet markers, server log
// record headers), ascending, the first 0. Formats that cannot be cut (pcap:
// TCP streams span the whole capture) give {0}. `probed`, if set, is told
// each range read to find a cut, so that the caller can give its pages back.
std::vector<std::size_t> record_boundaries(
    std::string_view data, Format format, std::size_t parts,
    const std::function<void(std::size_t offset, std::size_t length)>& probed = {});

// Moves every location of `result`, or one location, by a piece's position
// in the input.
void rebase(ReadResult& result, std::size_t offset, std::uint32_t lines_before);
// The line breaks in `bytes`: as the reader counted them while reading
// `read` from them, if it did, else counted.
std::uint64_t line_breaks(std::string_view bytes, const ReadResult* read);
void rebase(Location& location, std::size_t offset, std::uint32_t lines_before);

}  // namespace sipsleuth::formats
