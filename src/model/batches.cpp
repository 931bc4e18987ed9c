#include "model/batches.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>

#include "base/parallel.hpp"
#include "formats/reader.hpp"
#include "formats/sniff.hpp"
#include "model/call_ids.hpp"
#include "model/hops.hpp"
#include "model/loading.hpp"
#include "sip/text.hpp"

namespace sipsleuth::model {
namespace {

// Log pieces read ahead of the one being taken, per thread, and their size:
// enough to keep every core busy while holding only a few megabytes of records.
// A piece's stubs are made right after it is read, by the same thread: at
// 1 MB (a core's L2 here) its text is still in the cache then, where 4 MB
// pieces had been read again from memory (the first pass of a 1 GB client
// log took 0.55-0.67 s instead of 0.94-1.02 s).
constexpr std::size_t kPiecesPerThread = 2;
constexpr std::size_t kPieceBytes = std::size_t{1} << 20;

// A message made into a stub on a worker, before the serial pass numbers it
// and finds its call.
struct PendingStub {
  MessageStub stub;
  std::string_view call_id;  // into the input, the reader's rebuilt text or `joined`
  std::string_view source, destination;
  std::size_t hash = 0;
  std::optional<formats::SipRecord> kept;  // a record kept whole
  std::optional<RecordViews> views;
  // A capture's: kept only when there are any.
  std::vector<std::uint32_t> packets;
  std::vector<sip::ParseIssue> framing_issues;
  std::vector<std::string_view> pieces;
  std::string joined;  // the message joined from `pieces`; not moved until the stub is taken
};

// Makes `records` (a log piece's, or a capture's latest) into stubs on every
// core. A message's Call-ID is all that grouping needs: the message is
// framed, parsed and checked when its call is built (for_each_batch), once;
// one that is framed then anyway (a client log's, a capture's) is not framed
// here. One without a Call-ID is never read again: it is framed, parsed and
// checked here, its findings numbered from 0.
void make_stubs(std::vector<formats::SipRecord>& records, std::uint32_t input, formats::Format format, unsigned threads,
                std::vector<PendingStub>& stubs, std::vector<Finding>& findings) {
  stubs.resize(records.size());
  base::Chunking chunks = base::chunking(records.size(), threads, 1024, 2);
  std::vector<std::vector<Finding>> chunk_findings(chunks.chunks());
  base::for_each_chunk(chunks, threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
    Message m;
    for (std::size_t i = begin; i < end; ++i) {
      PendingStub& pending = stubs[i];
      m.id = static_cast<std::uint32_t>(i);
      m.input = input;
      m.record = std::move(records[i]);
      formats::join_pieces(m.record, pending.joined);
      // A capture's or a client log's message as read, before framing trims
      // it: framed again from this, it comes out the same.
      std::string_view unframed = m.record.parts.start_line.empty() ? m.record.raw : std::string_view{};
      // What the reader found: framing the message again finds the rest again.
      bool capture = format == formats::Format::pcap && !unframed.empty();
      if (capture) pending.framing_issues = m.record.framing_issues;
      bool log_text = format == formats::Format::client_log && !unframed.empty() && !m.record.original.empty() &&
                      m.record.original.size() < kNoId;
      if (m.record.call_id) {
        // Found by the reader on its way through the lines (a log's, a UDP
        // message's) or as it framed the message (SIP over TCP); placed in
        // `raw` as read.
        pending.call_id = m.record.call_id->in(m.record.raw);
        pending.hash = m.record.call_id_hash;
      } else {
        if (capture) {  // over TCP, framed by the reassembler in two walks
          pending.call_id = sip::first_header_value_in_message(unframed, sip::HeaderId::call_id);
        } else {
          formats::frame_deferred(m.record);
          pending.call_id = sip::first_header_value(m.record.parts.header_block, sip::HeaderId::call_id);
        }
        pending.hash = formats::hash_call_id(pending.call_id);
      }
      if (pending.call_id.empty()) {
        formats::frame_and_parse(m.record, m.sip);
        check_message(m, chunk_findings[chunk]);
      }
      MessageStub& s = pending.stub;
      const formats::SipRecord& r = m.record;
      s.location = r.location;
      s.time = r.time;
      s.input = input;
      s.direction = r.direction;
      s.transport = r.transport;
      bool log = format == formats::Format::client_log || format == formats::Format::server_log;
      if (log_text) {
        s.again = MessageStub::Again::log_text;
        s.text = unframed;
        s.extra = static_cast<std::uint32_t>(r.original.size());
      } else if (log && !r.original.empty()) {
        s.text = r.original;
        pending.views = RecordViews::of(r);
        // Without its views, the reader gives everything else again.
        s.again = pending.views ? MessageStub::Again::log_views : MessageStub::Again::log_record;
      } else if (capture) {
        s.again = MessageStub::Again::capture;
        if (r.pieces.empty()) s.text = unframed;
        pending.pieces = std::move(m.record.pieces);
        pending.packets = std::move(m.record.packets);
      } else {
        s.again = MessageStub::Again::kept;
        pending.kept = r;  // SIP text: kept whole, it is small
      }
      // A client log's and a capture's addresses are numbered (record_of()
      // sets them again); other records keep theirs in what is kept of them.
      if (s.again == MessageStub::Again::log_text || s.again == MessageStub::Again::capture) {
        pending.source = r.source;
        pending.destination = r.destination;
      }
    }
  });
  for (auto& list : chunk_findings) std::move(list.begin(), list.end(), std::back_inserter(findings));
}

std::int64_t time_key(const formats::Timestamp& t) { return t.valid ? t.micros : INT64_MAX; }

// Makes `m` as a new message, but for the room its parsed form keeps (see
// sip::Message::parse_from()).
void start_over(Message& m) {
  sip::Message parsed = std::move(m.sip);
  m = Message{};
  m.sip = std::move(parsed);
}

// The shared inputs, events and flows, lent to one batch and given back
// however the batch ends. Moving a vector keeps its elements in place, so
// the flow index's pointers to the inputs stay good.
class Lent {
 public:
  Lent(Trace& owner, Trace& batch) : owner_(owner), batch_(batch) {
    batch_.inputs = std::move(owner_.inputs);
    batch_.events = std::move(owner_.events);
    batch_.flows = std::move(owner_.flows);
  }
  ~Lent() { give_back(); }
  void give_back() {
    if (returned_) return;
    owner_.inputs = std::move(batch_.inputs);
    owner_.events = std::move(batch_.events);
    owner_.flows = std::move(batch_.flows);
    returned_ = true;
  }
  Lent(const Lent&) = delete;
  Lent& operator=(const Lent&) = delete;

 private:
  Trace& owner_;
  Trace& batch_;
  bool returned_ = false;
};

}  // namespace

// The first pass: every input read once, in input order, messages made into
// stubs and grouped by Call-ID.
class BatchedTrace::Reading {
 public:
  Reading(BatchedTrace& out, const LoadOptions& options)
      : out_(out),
        trace_(out.shared),
        options_(options),
        threads_(options.threads ? options.threads : base::core_count()),
        limit_(std::min<std::size_t>(options.max_messages, kNoId - 1)) {}

  void read(io::OpenedInputs& opened) {
    for (auto& e : opened.errors) trace_.errors.push_back({e.name, e.message});
    trace_.notes = std::move(opened.notes);
    plan(opened);
    for (std::size_t i = 0; i < pieces_.size();) {
      Job& job = jobs_[pieces_[i].job];
      if (job.format == formats::Format::pcap) {
        read_capture(job);
        finish(job);
        ++i;
        continue;
      }
      // A run of log pieces: read on every core while this thread takes
      // them in order, with a few read ahead.
      std::size_t end = i;
      while (end < pieces_.size() && jobs_[pieces_[end].job].format != formats::Format::pcap) ++end;
      base::work_then_take_in_order(
          end - i, threads_, threads_ * kPiecesPerThread, [&](std::size_t k) { read_log_piece(pieces_[i + k]); },
          [&](std::size_t k) {
            Piece& piece = pieces_[i + k];
            Job& of = jobs_[piece.job];
            bool last = piece.last;
            take(of, piece);
            of.read.done(*of.input->data, piece.begin, piece.end);
            if (last) {
              of.read.finish(*of.input->data);
              finish(of);
            }
          });
      i = end;
    }
    registry_.add_directory_errors(trace_);
    if (over_limit_) {
      trace_.errors.push_back({"(all inputs)", "more than " + std::to_string(limit_) +
                                                   " SIP messages, the most one run holds; messages after that are "
                                                   "not read: split the inputs or search them first"});
    }
    out_.message_findings_ = std::move(message_findings_);
    arrange_calls();
    trace_.flows.build(trace_.inputs);
  }

 private:
  struct Job {
    const io::Input* input = nullptr;
    formats::Format format = formats::Format::unknown;
    std::uint32_t id = kNoId;
    std::optional<std::int64_t> offset;
    formats::ReadResult result;  // findings, capture counters, flows and rebuilt text of every piece
    std::size_t found = 0;
    std::uint64_t messages = 0;
    std::uint64_t events = 0;
    std::uint32_t lines_before = 0;  // lines of the pieces taken so far
    loading::GiveBackInOrder read;  // the input read so far, not yet given back
  };
  struct Piece {
    std::size_t job = 0;
    std::size_t begin = 0, end = 0;
    bool last = false;
    std::uint32_t lines = 0;
    formats::ReadResult result;
    std::vector<PendingStub> stubs;
    std::vector<Finding> findings;
  };

  void plan(io::OpenedInputs& opened) {
    jobs_.resize(opened.inputs.size());
    std::uint64_t total = 0;
    std::uint32_t next_id = 0;
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
      Job& job = jobs_[j];
      job.input = &opened.inputs[j];
      std::string_view bytes = job.input->data->bytes();
      total += bytes.size();
      job.format = formats::sniff(bytes);
      job.result.format = job.format;
      if (job.format != formats::Format::unknown) {
        job.id = next_id++;
        job.offset = loading::offset_for(options_.clock_offsets, job.input->name);
      }
      std::size_t piece_bytes = std::min(kPieceBytes, options_.piece_bytes);
      std::size_t parts = bytes.size() / std::max<std::size_t>(1, piece_bytes);
      std::vector<std::size_t> cuts = loading::cuts_given_back(*job.input, job.format, parts);
      for (std::size_t c = 0; c < cuts.size(); ++c) {
        Piece piece;
        piece.job = j;
        piece.begin = cuts[c];
        piece.end = c + 1 < cuts.size() ? cuts[c + 1] : bytes.size();
        piece.last = c + 1 == cuts.size();
        pieces_.push_back(std::move(piece));
      }
    }
    if (options_.progress) options_.progress->total_bytes = total;
    // Room for a stub per 500 bytes, more than logs and captures of SIP
    // hold: growing would briefly need the old and the new vector at once.
    // Pages of room never written take no memory.
    std::size_t expected = std::min<std::uint64_t>(total / 500, limit_);
    out_.stubs_.reserve(expected);
    out_.extras_.reserve(expected);  // a capture over TCP has extras for every message
    out_.packet_pool_.reserve(expected);
  }

  void read_log_piece(Piece& piece) {
    const Job& job = jobs_[piece.job];
    std::string_view bytes = job.input->data->bytes().substr(piece.begin, piece.end - piece.begin);
    if (job.format == formats::Format::unknown) {
      if (options_.progress) options_.progress->read_bytes += bytes.size();
      return;
    }
    formats::ReadOptions read_options;
    read_options.progress = options_.progress ? &options_.progress->read_bytes : nullptr;
    read_options.defer_framing = true;  // make_stubs() frames a client log's messages
    piece.result = formats::read_any(bytes, job.format, read_options);
    if (!piece.last) piece.lines = static_cast<std::uint32_t>(formats::line_breaks(bytes, &piece.result));
    make_stubs(piece.result.messages, job.id, job.format, 1, piece.stubs, piece.findings);
    std::vector<formats::SipRecord>().swap(piece.result.messages);
  }

  // A piece's results, in input order: placed in the whole input, numbered,
  // grouped into calls.
  void take(Job& job, Piece& piece) {
    if (job.format == formats::Format::unknown) return;
    job.found += piece.stubs.size() + piece.result.events.size();
    if (piece.begin > 0) {
      formats::rebase(piece.result, piece.begin, job.lines_before);
      for (auto& p : piece.stubs) formats::rebase(p.stub.location, piece.begin, job.lines_before);
      for (auto& f : piece.findings) formats::rebase(f.location, piece.begin, job.lines_before);
    }
    job.lines_before += piece.lines;
    if (job.offset) loading::shift_times(piece.result, *job.offset);
    for (auto& f : piece.result.findings) job.result.findings.push_back(std::move(f));
    for (auto& o : piece.result.owned) job.result.owned.push_back(std::move(o));
    job.events += piece.result.events.size();
    for (auto& e : piece.result.events) {
      Event& event = trace_.events.emplace_back();
      event.id = static_cast<std::uint32_t>(trace_.events.size() - 1);
      event.input = job.id;
      event.event = std::move(e);
    }
    take_stubs(job, piece.stubs, piece.findings);
    piece.result = formats::ReadResult{};
    std::vector<PendingStub>().swap(piece.stubs);
    std::vector<Finding>().swap(piece.findings);
  }

  void take_stubs(Job& job, std::vector<PendingStub>& stubs, std::vector<Finding>& findings) {
    job.messages += stubs.size();
    std::size_t room = limit_ - std::min(limit_, out_.stubs_.size());
    std::size_t taken = std::min(room, stubs.size());
    if (taken < stubs.size()) over_limit_ = true;
    auto first = static_cast<std::uint32_t>(out_.stubs_.size());
    for (auto& f : findings) {
      if (f.message >= taken) continue;  // a message past the limit is not read
      f.message += first;
      message_findings_.push_back(std::move(f));
    }
    // Each message's call is looked up in a table far larger than the
    // cache, by a Call-ID another core read: the slots of the messages a
    // few ahead, then their keys and Call-IDs, are asked for while this
    // one's are used.
    constexpr std::size_t kSlotsAhead = 8, kKeysAhead = 4;
    for (std::size_t i = 0; i < std::min(taken, kSlotsAhead); ++i) call_ids_.prefetch_slot(stubs[i].hash);
    for (std::size_t i = 0; i < taken; ++i) {
      if (i + kSlotsAhead < taken) call_ids_.prefetch_slot(stubs[i + kSlotsAhead].hash);
      if (i + kKeysAhead < taken) {
        call_ids_.prefetch_key(stubs[i + kKeysAhead].hash);
        __builtin_prefetch(stubs[i + kKeysAhead].call_id.data());
      }
      PendingStub& p = stubs[i];
      if (job.offset && p.stub.time.valid) p.stub.time.micros += *job.offset;
      p.stub.source = address_id(p.source);
      p.stub.destination = address_id(p.destination);
      if (p.call_id.empty()) {
        ++trace_.messages_without_call_id;
      } else {
        p.stub.call = call_ids_.find_or_add(p.call_id, p.hash).first;
      }
      if (p.kept) {
        p.stub.extra = static_cast<std::uint32_t>(out_.kept_.size());
        out_.kept_.push_back(std::move(*p.kept));
      } else if (p.views) {
        p.stub.extra = static_cast<std::uint32_t>(out_.record_views_.size());
        out_.record_views_.push_back(*p.views);
      } else if (!p.packets.empty() || !p.pieces.empty() || !p.framing_issues.empty()) {
        p.stub.extra = static_cast<std::uint32_t>(out_.extras_.size());
        CaptureExtras& extras = out_.extras_.emplace_back();
        extras.first_packet = static_cast<std::uint32_t>(out_.packet_pool_.size());
        extras.packets = static_cast<std::uint32_t>(p.packets.size());
        out_.packet_pool_.insert(out_.packet_pool_.end(), p.packets.begin(), p.packets.end());
        extras.first_piece = static_cast<std::uint32_t>(out_.piece_pool_.size());
        extras.pieces = static_cast<std::uint32_t>(p.pieces.size());
        out_.piece_pool_.insert(out_.piece_pool_.end(), p.pieces.begin(), p.pieces.end());
        if (!p.framing_issues.empty()) {
          extras.issues = static_cast<std::uint32_t>(out_.kept_.size());
          out_.kept_.emplace_back().framing_issues = std::move(p.framing_issues);
        }
      }
      out_.stubs_.push_back(p.stub);
    }
  }

  std::uint32_t address_id(std::string_view address) {
    if (address.empty()) return kNoId;
    // Most messages are between the same few addresses as the one before:
    // a look at those costs less than hashing the text.
    for (const auto& [text, id] : recent_addresses_) {
      if (text == address) return id;
    }
    auto [it, added] = address_ids_.try_emplace(address, static_cast<std::uint32_t>(out_.addresses_.size()));
    if (added) out_.addresses_.push_back(address);
    recent_addresses_[next_recent_address_++ % recent_addresses_.size()] = {address, it->second};
    return it->second;
  }

  // A capture is read in one pass (TCP streams span all of it), on one
  // core; the messages it hands over every few thousand packets are made
  // into stubs on the others meanwhile. The input it has read past is given
  // back once the messages before are made into stubs, not while they still
  // read it: they would map it again.
  void read_capture(Job& job) {
    struct Delivery {
      std::vector<formats::SipRecord> records;
      std::size_t read_past = 0, length = 0;  // or the input read past
    };
    std::string_view bytes = job.input->data->bytes();
    std::vector<PendingStub> stubs;
    std::vector<Finding> findings;
    unsigned stub_threads = std::max(1u, threads_ - 1);
    base::HandOff<Delivery> stub_maker(4, [&](Delivery& delivery) {
      if (delivery.length > 0) {
        job.read.done(*job.input->data, delivery.read_past, delivery.read_past + delivery.length);
      }
      if (delivery.records.empty()) return;
      make_stubs(delivery.records, job.id, job.format, stub_threads, stubs, findings);
      take_stubs(job, stubs, findings);
      stubs.clear();
      findings.clear();
    });
    formats::ReadOptions read_options;
    read_options.progress = options_.progress ? &options_.progress->read_bytes : nullptr;
    read_options.defer_framing = true;
    read_options.pieces_not_copies = true;
    read_options.read_past = [&](std::size_t offset, std::size_t length) {
      stub_maker.give(Delivery{{}, offset, length});
    };
    read_options.deliver = [&](std::vector<formats::SipRecord>& records) {
      Delivery delivery;
      delivery.records.swap(records);
      records.reserve(delivery.records.size());  // the reader fills it again
      stub_maker.give(std::move(delivery));
    };
    formats::ReadResult result = formats::read_pcap(bytes, read_options);
    stub_maker.drain();
    job.read.finish(*job.input->data, bytes.size());
    job.result = std::move(result);
    job.found = job.result.capture.sip_packets;
  }

  void finish(Job& job) {
    auto id = registry_.add(trace_, *job.input, job.format, job.result, job.found, job.messages, job.offset);
    if (id && *id != job.id) throw std::logic_error("input numbered out of order");
    if (id) trace_.inputs.back().events = job.events;  // taken from the pieces as they came
    job.result = formats::ReadResult{};
  }

  // Puts calls and their messages in load()'s order: each call's messages
  // by time (then as read); calls by when their first message was seen,
  // those only server records name after them, then stably by start time.
  void arrange_calls() {
    // Server records join the calls of their SIP-Call-ID, in time order.
    std::vector<std::uint32_t> event_order(trace_.events.size());
    for (std::uint32_t i = 0; i < event_order.size(); ++i) event_order[i] = i;
    std::stable_sort(event_order.begin(), event_order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return trace_.events[a].event.time.micros < trace_.events[b].event.time.micros;
    });
    const std::size_t message_calls = call_ids_.size();
    std::vector<std::uint32_t> event_call(trace_.events.size(), kNoId);
    for (std::uint32_t id : event_order) {
      std::string_view call_id = sip::trim(trace_.events[id].event.field("SIP-Call-ID"));
      if (!call_id.empty()) event_call[id] = call_ids_.find_or_add(call_id, formats::hash_call_id(call_id)).first;
    }
    const std::size_t count = call_ids_.size();
    call_ids_ = CallIdIndex(0, true);

    // Counting sort of messages and events by call.
    std::vector<CallStub> calls(count);
    for (const auto& s : out_.stubs_) {
      if (s.call != kNoId) ++calls[s.call].messages;
    }
    for (std::uint32_t e : event_order) {
      if (event_call[e] != kNoId) ++calls[event_call[e]].events;
    }
    std::uint32_t next_message = 0, next_event = 0;
    for (auto& c : calls) {
      c.first_message = next_message;
      next_message += c.messages;
      c.first_event = next_event;
      next_event += c.events;
      c.messages = c.events = 0;
    }
    out_.call_messages_.resize(next_message);
    out_.call_events_.resize(next_event);
    for (std::uint32_t id = 0; id < out_.stubs_.size(); ++id) {
      std::uint32_t call = out_.stubs_[id].call;
      if (call == kNoId) continue;
      CallStub& c = calls[call];
      out_.call_messages_[c.first_message + c.messages++] = id;
    }
    for (std::uint32_t e : event_order) {
      if (event_call[e] == kNoId) continue;
      CallStub& c = calls[event_call[e]];
      out_.call_events_[c.first_event + c.events++] = e;
    }
    auto stub_time = [&](std::uint32_t id) { return time_key(out_.stubs_[id].time); };
    base::for_each_index(
        calls.size(), threads_,
        [&](std::size_t i) {
          auto begin = out_.call_messages_.begin() + calls[i].first_message;
          auto end = begin + calls[i].messages;
          if (!std::is_sorted(begin, end,
                              [&](std::uint32_t a, std::uint32_t b) { return stub_time(a) < stub_time(b); })) {
            std::stable_sort(begin, end, [&](std::uint32_t a, std::uint32_t b) { return stub_time(a) < stub_time(b); });
          }
        },
        1024);

    // load() meets calls along one timeline of every message, then the
    // records' calls: the first message decides, by time then by number.
    // The keys are gathered first (on every core), so that sorting compares
    // them side by side rather than fetching two scattered stubs each time.
    struct FirstSeen {
      std::int64_t time;
      std::uint32_t message, call;
    };
    std::vector<FirstSeen> seen(message_calls);
    base::for_each_index(
        message_calls, threads_,
        [&](std::size_t i) {
          const std::uint32_t first = out_.call_messages_[calls[i].first_message];
          seen[i] = {stub_time(first), first, static_cast<std::uint32_t>(i)};
        },
        4096);
    std::sort(seen.begin(), seen.end(), [](const FirstSeen& a, const FirstSeen& b) {
      return a.time != b.time ? a.time < b.time : a.message < b.message;
    });
    std::vector<std::uint32_t> order(count);
    for (std::uint32_t i = 0; i < count; ++i) order[i] = i < message_calls ? seen[i].call : i;
    // Each call reads and marks only its own messages and events: on every core.
    std::vector<std::int64_t> start(count, INT64_MAX);
    base::for_each_index(
        count, threads_,
        [&](std::size_t i) {
          const CallStub& c = calls[i];
          std::optional<std::int64_t> earliest;
          for (std::uint32_t k = 0; k < c.messages; ++k) {
            const auto& t = out_.stubs_[out_.call_messages_[c.first_message + k]].time;
            if (t.valid && (!earliest || t.micros < *earliest)) earliest = t.micros;
          }
          for (std::uint32_t k = 0; k < c.events; ++k) {
            const auto& t = trace_.events[out_.call_events_[c.first_event + k]].event.time;
            if (t.valid && (!earliest || t.micros < *earliest)) earliest = t.micros;
          }
          if (earliest) start[i] = *earliest;
        },
        4096);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return start[a] < start[b]; });
    out_.calls_.resize(count);
    base::for_each_index(
        count, threads_,
        [&](std::size_t i) {
          const CallStub& c = out_.calls_[i] = calls[order[i]];
          const auto number = static_cast<std::uint32_t>(i);
          for (std::uint32_t k = 0; k < c.messages; ++k)
            out_.stubs_[out_.call_messages_[c.first_message + k]].call = number;
          for (std::uint32_t k = 0; k < c.events; ++k)
            trace_.events[out_.call_events_[c.first_event + k]].call = number;
        },
        4096);
  }

  BatchedTrace& out_;
  Trace& trace_;
  const LoadOptions& options_;
  unsigned threads_;
  std::size_t limit_;
  std::vector<Job> jobs_;
  std::vector<Piece> pieces_;
  loading::InputRegistry registry_;
  CallIdIndex call_ids_{0, true};          // copies: each piece's pages are given back once read
  absl::flat_hash_map<std::string_view, std::uint32_t> address_ids_;              // looked up only (see flows.hpp)
  std::array<std::pair<std::string_view, std::uint32_t>, 4> recent_addresses_{};  // the last looked up
  std::size_t next_recent_address_ = 0;
  std::vector<Finding> message_findings_;  // of messages without a Call-ID
  bool over_limit_ = false;
};

BatchedTrace load_batched(io::OpenedInputs opened, const LoadOptions& options) {
  BatchedTrace out;
  BatchedTrace::Reading(out, options).read(opened);
  if (options.progress) {
    options.progress->messages = out.message_count();
    options.progress->stage = LoadProgress::Stage::done;
  }
  return out;
}

std::optional<RecordViews> RecordViews::of(const formats::SipRecord& record) {
  if (!record.framing_issues.empty() || !record.packets.empty() || !record.pieces.empty()) return std::nullopt;
  const std::string_view text = record.original;
  bool fits = true;
  auto place = [&](std::string_view view) {
    if (view.empty()) return Place{};
    auto offset = static_cast<std::size_t>(view.data() - text.data());
    // Compared as addresses: a view of other text may lie anywhere.
    if (std::less<const char*>{}(view.data(), text.data()) || offset + view.size() > text.size() ||
        offset + view.size() > UINT16_MAX) {
      fits = false;
      return Place{};
    }
    return Place{static_cast<std::uint16_t>(offset), static_cast<std::uint16_t>(view.size())};
  };
  RecordViews views;
  views.start_line = place(record.parts.start_line);
  views.header_block = place(record.parts.header_block);
  views.body = place(record.parts.body);
  views.raw = place(record.raw);
  views.correlation_id = place(record.correlation_id);
  views.instance_id = place(record.instance_id);
  views.source = place(record.source);
  views.destination = place(record.destination);
  if (!fits) return std::nullopt;
  return views;
}

formats::SipRecord RecordViews::rebuild(std::string_view original) const {
  auto view = [&](Place p) { return original.substr(p.offset, p.length); };
  formats::SipRecord record;
  record.original = original;
  record.parts.start_line = view(start_line);
  record.parts.header_block = view(header_block);
  record.parts.body = view(body);
  record.raw = view(raw);
  record.correlation_id = view(correlation_id);
  record.instance_id = view(instance_id);
  record.source = view(source);
  record.destination = view(destination);
  return record;
}

formats::SipRecord BatchedTrace::record_of(const MessageStub& stub, const InputInfo& input,
                                           std::string& storage) const {
  formats::SipRecord record;
  switch (stub.again) {
    case MessageStub::Again::kept:
      record = kept_[stub.extra];
      break;
    case MessageStub::Again::log_text:
      record.raw = stub.text;
      record.original = input.data->bytes().substr(stub.location.offset, stub.extra);
      break;
    case MessageStub::Again::capture:
      record.raw = stub.text;
      if (stub.extra != kNoId) {
        const CaptureExtras& extras = extras_[stub.extra];
        auto packets = packet_pool_.begin() + extras.first_packet;
        record.packets.assign(packets, packets + extras.packets);
        auto pieces = piece_pool_.begin() + extras.first_piece;
        record.pieces.assign(pieces, pieces + extras.pieces);
        if (extras.issues != kNoId) record.framing_issues = kept_[extras.issues].framing_issues;
      }
      formats::join_pieces(record, storage);
      break;
    case MessageStub::Again::log_views:
      record = record_views_[stub.extra].rebuild(stub.text);
      break;
    case MessageStub::Again::log_record: {
      // The reader reads the record again on its own: a record reads the same
      // wherever the text around it is cut, as the pieces of a large log do.
      formats::ReadResult again = formats::read_any(stub.text, input.format);
      if (!again.messages.empty()) record = std::move(again.messages.front());
      break;
    }
  }
  // Numbered addresses are a capture's or a client log's; other records keep theirs.
  if (stub.source != kNoId) record.source = addresses_[stub.source];
  if (stub.destination != kNoId) record.destination = addresses_[stub.destination];
  record.location = stub.location;
  record.time = stub.time;
  record.direction = stub.direction;
  record.transport = stub.transport;
  return record;
}

void BatchedTrace::add_extents(const MessageStub& stub, const std::vector<std::string_view>& input_bytes,
                               std::vector<Extent>& extents) const {
  auto touch = [&](std::string_view text) {
    const std::string_view bytes = input_bytes[stub.input];
    if (text.empty() || text.data() < bytes.data() || text.data() >= bytes.data() + bytes.size()) {
      return;  // rebuilt text, not the input's
    }
    auto begin = static_cast<std::size_t>(text.data() - bytes.data());
    Extent& extent = extents[stub.input];
    extent.first = std::min(extent.first, begin);
    extent.second = std::max(extent.second, begin + text.size());
  };
  touch(stub.text);
  if (stub.again == MessageStub::Again::capture && stub.extra != kNoId) {
    const CaptureExtras& extras = extras_[stub.extra];
    for (std::uint32_t p = 0; p < extras.pieces; ++p) touch(piece_pool_[extras.first_piece + p]);
  }
}

// Calls come in order of start, so later batches seldom reach below where
// the next one starts: what lies below that is given back, while giving back
// everything a batch read would only have the next one map much of it again.
// What the batch read below what was given back before is given back again;
// the rest a few megabytes at a time (loading::kGiveBackBytes).
void BatchedTrace::give_back_pages(const std::vector<InputInfo>& inputs, const std::vector<Extent>& touched,
                                   const std::vector<Extent>& next, std::vector<std::size_t>& given_back) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const io::Buffer& data = *inputs[i].data;
    auto [low, high] = touched[i];
    if (low < high && low < given_back[i]) data.release(low, std::min(high, given_back[i]) - low);
    const bool last = next[i].first >= next[i].second;  // no batch after reads this input
    std::size_t until = last ? std::max(high, given_back[i]) : next[i].first;
    if (until > given_back[i] && (last || until - given_back[i] >= loading::kGiveBackBytes)) {
      data.release(given_back[i], until - given_back[i]);
      given_back[i] = until;
    }
  }
}

void BatchedTrace::for_each_batch(std::size_t calls_per_batch, const std::function<void(const Trace& batch)>& use,
                                  unsigned threads, LoadProgress* progress) {
  if (threads == 0) threads = base::core_count();
  if (progress) {
    progress->calls = calls_.size();
    progress->calls_built = 0;
    progress->stage = LoadProgress::Stage::building;
  }
  calls_per_batch = std::max<std::size_t>(1, calls_per_batch);
  ClockEvidence evidence;
  linked_messages_ = 0;
  std::vector<std::size_t> given_back(shared.inputs.size(), 0);  // each input's bytes below this are done with

  const std::size_t batches = (calls_.size() + calls_per_batch - 1) / calls_per_batch;
  auto last_of = [&](std::size_t first) { return std::min(calls_.size(), first + calls_per_batch); };
  const std::vector<Extent> none(shared.inputs.size(), {SIZE_MAX, 0});
  // The bytes the last batch read, given back once the batch after it has
  // read its own (found while its messages are read, not in a pass of
  // their own over every stub).
  std::optional<std::vector<Extent>> previous_touched;
  std::vector<std::string_view> input_bytes;
  for (const auto& input : shared.inputs) input_bytes.push_back(input.data->bytes());

  // The last batch's messages, parsed into again by the next: their header
  // indexes keep their room, rather than each being freed and allocated.
  std::vector<Message> kept_messages;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t first = b * calls_per_batch, last = last_of(first);
    // The batch's messages call by call, in the order they are worked on: a
    // task walks its calls' messages in order through memory. (Only the calls'
    // lists of them carry meaning; findings keep the numbers load() gives.)
    std::vector<std::uint32_t> first_local(last - first + 1, 0);
    for (std::size_t c = first; c < last; ++c) first_local[c - first + 1] = first_local[c - first] + calls_[c].messages;
    // The number load() gives each of them.
    std::vector<std::uint32_t> numbers(first_local.back());
    for (std::size_t c = first; c < last; ++c) {
      std::copy_n(call_messages_.begin() + calls_[c].first_message, calls_[c].messages,
                  numbers.begin() + first_local[c - first]);
    }

    Trace batch;
    Lent lent(shared, batch);
    batch.messages = std::move(kept_messages);
    batch.messages.resize(first_local.back());
    batch.calls.resize(last - first);
    // Messages rebuilt from pieces; not moved while the batch lives.
    std::vector<std::string> joined(batch.messages.size());
    std::vector<LinkedObservations> linked(batch.calls.size());
    // Each call in one go on one thread, while its messages are in that
    // core's cache: its messages read again, framed, parsed and checked, then
    // the call put together, worked out and its hops found from them alone.
    base::Chunking chunks = base::chunking(batch.calls.size(), threads, 8);
    std::vector<std::vector<Finding>> chunk_findings(chunks.chunks());
    std::vector<std::vector<Extent>> chunk_extents(chunks.chunks(), none);
    base::for_each_chunk(chunks, threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
      const std::uint32_t chunk_end = first_local[end];
      for (std::size_t i = begin; i < end; ++i) {
        const CallStub& stub = calls_[first + i];
        Call& call = batch.calls[i];
        call.id = static_cast<std::uint32_t>(i);
        call.messages.reserve(stub.messages);
        for (std::uint32_t k = 0; k < stub.messages; ++k) {
          const std::uint32_t id = first_local[i] + k;
          const std::uint32_t number = numbers[id];
          // The stubs are read in call order, scattered over the list of
          // them, and so are the messages' texts: the stub four messages
          // ahead and the text two ahead are asked for while this message is
          // parsed, rather than waited for from memory (7-9 % of building was
          // the wait for a stub, 6 % that for a text's first line).
          if (id + 4 < chunk_end) __builtin_prefetch(&stubs_[numbers[id + 4]]);
          if (id + 2 < chunk_end) {
            if (const std::string_view next = stubs_[numbers[id + 2]].text; !next.empty())
              __builtin_prefetch(next.data());
          }
          const MessageStub& message_stub = stubs_[number];
          add_extents(message_stub, input_bytes, chunk_extents[chunk]);
          Message& m = batch.messages[id];
          start_over(m);
          m.id = id;  // for its findings, numbered as load() numbers them once the batch is used
          m.input = message_stub.input;
          m.record = record_of(message_stub, batch.inputs[message_stub.input], joined[id]);
          formats::frame_and_parse(m.record, m.sip);
          check_message(m, chunk_findings[chunk]);
          m.call = call.id;
          call.messages.push_back(id);
        }
        call.events.assign(call_events_.begin() + stub.first_event,
                           call_events_.begin() + stub.first_event + stub.events);
        call.call_id = !call.messages.empty() ? batch.messages[call.messages.front()].sip.call_id()
                                              : sip::trim(batch.events[call.events.front()].event.field("SIP-Call-ID"));
        work_out_call(batch, call);
        linked[i] = linked_observations(batch, call);
      }
    });
    // The batch's findings about its messages, as load() orders those of
    // each call: by the number it gives their messages.
    auto number_of = [&](std::uint32_t id) { return numbers[id]; };
    std::vector<Extent> touched = none;
    for (const auto& extents : chunk_extents) {
      for (std::size_t i = 0; i < touched.size(); ++i) {
        touched[i].first = std::min(touched[i].first, extents[i].first);
        touched[i].second = std::max(touched[i].second, extents[i].second);
      }
    }
    if (previous_touched) give_back_pages(batch.inputs, *previous_touched, touched, given_back);
    previous_touched = std::move(touched);
    for (auto& list : chunk_findings) std::move(list.begin(), list.end(), std::back_inserter(batch.findings));
    std::stable_sort(batch.findings.begin(), batch.findings.end(),
                     [&](const Finding& x, const Finding& y) { return number_of(x.message) < number_of(y.message); });
    link_observations(batch, linked);
    evidence.add(batch);
    linked_messages_ += batch.hop_events.size();
    use(batch);
    lent.give_back();
    for (auto& f : batch.findings) {
      f.message = number_of(f.message);
      message_findings_.push_back(std::move(f));
    }
    if (progress) progress->calls_built += last - first;
    // Freed on every core: each of the batch's thousands of calls holds
    // allocations of its own.
    base::for_each_chunk(chunks, threads, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) batch.calls[i] = Call{};
    });
    kept_messages = std::move(batch.messages);
  }
  if (previous_touched) give_back_pages(shared.inputs, *previous_touched, none, given_back);
  shared.clocks = evidence.estimates(shared.inputs);
  // After every reader's, in the order of their messages, as load() lists them.
  std::stable_sort(message_findings_.begin(), message_findings_.end(),
                   [](const Finding& a, const Finding& b) { return a.message < b.message; });
  std::move(message_findings_.begin(), message_findings_.end(), std::back_inserter(shared.findings));
  std::vector<Finding>().swap(message_findings_);
  if (progress) progress->stage = LoadProgress::Stage::done;
}

}  // namespace sipsleuth::model
