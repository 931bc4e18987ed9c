#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <random>

#include "formats/reader.hpp"
#include "generated_traces.hpp"
#include "model/batches.hpp"
#include "model/call_ids.hpp"
#include "model/loading.hpp"
#include "support/helpers.hpp"
#include "support/pcap_writer.hpp"
#include "support/scenario.hpp"

namespace sipsleuth::model {
namespace {

using testing::has_finding;
using testing::load_paths;
using testing::load_text;

// Call-IDs are numbered in the order first met, through growth of the
// table, whether kept as views or copied, and keys whose hashes collide, in
// full or in the half a slot keeps, are told apart by their bytes.
TEST(Model, CallIdIndexNumbersEachCallIdOnceThroughGrowthAndCollisions) {
  for (bool copy_keys : {false, true}) {
    CallIdIndex index(0, copy_keys);
    std::vector<std::string> ids;
    for (int i = 0; i < 5000; ++i) ids.push_back("call-" + std::to_string(i) + "@host");
    auto hash_of = [](std::size_t i) -> std::size_t {
      // Four in a row share a hash; i and i + 2400 share its low half only.
      return (i / 4) % 600 + ((i / 2400) << 40);
    };
    for (std::size_t round = 0; round < 3; ++round) {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        // Kept as views, keys must outlive the index; later rounds look up
        // copies, found by their bytes, not their address.
        std::string copy = ids[i];
        std::string_view key = round == 0 && !copy_keys ? std::string_view(ids[i]) : std::string_view(copy);
        auto [number, added] = index.find_or_add(key, hash_of(i));
        EXPECT_EQ(number, i) << key;
        EXPECT_EQ(added, round == 0) << key;
      }
    }
    EXPECT_EQ(index.size(), ids.size());
    EXPECT_EQ(index.find_or_add("call-5000@host", hash_of(0)), std::make_pair(std::uint32_t{5000}, true));
  }
}

TEST(Model, TimesAreWrittenToTheMillisecondInEveryRange) {
  auto at = [](std::int64_t micros, bool utc = false) {
    formats::Timestamp t;
    t.micros = micros;
    t.valid = true;
    t.utc = utc;
    return t;
  };
  EXPECT_EQ(format_iso8601(at(0)), "1970-01-01T00:00:00.000");
  EXPECT_EQ(format_iso8601(at(1709625600049000, true)), "2024-03-05T08:00:00.049Z");
  EXPECT_EQ(format_time(at(1234567)), "1970-01-01 00:00:01.234");
  EXPECT_EQ(format_time_of_day(at(1709625600049999)), "08:00:00.049");
  EXPECT_EQ(format_iso8601(at(-1)), "1969-12-31T23:59:59.999");
  EXPECT_EQ(format_iso8601(at(-1000)), "1969-12-31T23:59:59.999");
  EXPECT_EQ(format_iso8601(at(253402300799999000)), "9999-12-31T23:59:59.999");
  EXPECT_EQ(format_iso8601(at(253402300800000000)), "10000-01-01T00:00:00.000");
  EXPECT_EQ(format_iso8601(at(-62167219200000001)), "-001-12-31T23:59:59.999");
  EXPECT_EQ(format_iso8601(formats::Timestamp{}), "");
}

TEST(Model, Seed001MpopCallHasTwoForksAndIsAnswered) {
  Trace trace = load_paths({"samples/seed001-mpop-call.uccapilog"});
  ASSERT_EQ(trace.calls.size(), 1u);
  const Call& call = trace.calls[0];
  EXPECT_EQ(call.call_id, "e34305289c3b4c368c583f531fddeff3");
  EXPECT_EQ(call.kind, "audio");
  EXPECT_EQ(call.final_status, 200);
  ASSERT_EQ(call.forks.size(), 2u);
  EXPECT_EQ(call.forks[0].epid, "aad34505db");
  EXPECT_EQ(call.forks[1].epid, "2798f0b3cc");
  EXPECT_EQ(call.forks[1].best_status, 200);
  EXPECT_NE(call.forks[1].user_agent.find("OCPhone"), std::string_view::npos);
  EXPECT_EQ(call.conversation_id, "AcqOC2jBuRDbzhYCTW6w3HBLaTcPRQ==");
  EXPECT_EQ(call.messages.size(), 9u);  // with the re-INVITE after ICE and its 200 OK
  EXPECT_TRUE(trace.findings.empty()) << trace.findings[0].code << ": " << trace.findings[0].detail;
}

TEST(Model, RegistrationWithChallengesEndsWithTheLastAttempt) {
  Trace trace = load_paths({"samples/seed004-remote-user.uccapilog"});
  ASSERT_EQ(trace.calls.size(), 3u);
  const Call& reg = trace.calls[0];
  EXPECT_EQ(reg.kind, "register");
  EXPECT_EQ(reg.final_status, 200);
  EXPECT_EQ(reg.transactions.size(), 3u);
  const Call& e164 = trace.calls[1];
  EXPECT_EQ(e164.to_uri, "sip:+38511234567@uclab.org");
  EXPECT_EQ(e164.kind, "audio");  // from the SDPs inside multipart/alternative
  ASSERT_EQ(e164.forks.size(), 1u);
  EXPECT_EQ(e164.forks[0].epid, "B6EE6ACB83");  // read from upper-case "TO:"
  const Call& call = trace.calls[2];
  EXPECT_EQ(call.kind, "audio");
  EXPECT_FALSE(call.final_status.has_value());  // 183 only: still in progress in this trace
  EXPECT_EQ(call.forks.size(), 1u);
}

TEST(Model, ServerDiagnosticRecordsAttachToTheirCall) {
  Trace trace = load_paths({"samples/seed004-fe-outbound-routing.log"});
  auto id = trace.find_call("a308fa72", nullptr);
  ASSERT_TRUE(id);
  const Call& call = trace.calls[*id];
  EXPECT_EQ(call.messages.size(), 2u);
  ASSERT_EQ(call.events.size(), 1u);
  EXPECT_EQ(trace.events[call.events[0]].event.field("Result-Code"), "0xc3e93c7b SIPPROXY_E_CONNECTION_FAILED");
  auto log_only = trace.find_call("c00bc618", nullptr);
  ASSERT_TRUE(log_only);
  EXPECT_EQ(trace.calls[*log_only].kind, "options");
  EXPECT_TRUE(trace.calls[*log_only].messages.empty());
}

TEST(Model, RetransmissionsAreMarkedNotDropped) {
  Trace trace = load_paths({"samples/trunk-capture.pcap"});
  auto id = trace.find_call("trunk-udp", nullptr);
  ASSERT_TRUE(id);
  const Call& call = trace.calls[*id];
  EXPECT_EQ(call.messages.size(), 7u);
  EXPECT_EQ(call.retransmissions, 1u);
  EXPECT_EQ(trace.messages[call.messages[1]].retransmission_of, call.messages[0]);
  EXPECT_EQ(call.final_status, 487);
}

TEST(Model, SeveralInputsMergeIntoOneTimeline) {
  Trace trace = load_paths({"samples/trunk-capture.pcap", "samples/seed001-mpop-call.uccapilog"});
  ASSERT_EQ(trace.calls.size(), 3u);
  EXPECT_EQ(trace.calls[0].call_id, "e34305289c3b4c368c583f531fddeff3");  // 2010 before 2023
}

TEST(Model, FindCallByUniquePrefix) {
  Trace trace = load_paths({"samples/trunk-capture.pcap"});
  std::vector<std::uint32_t> matches;
  EXPECT_FALSE(trace.find_call("trunk-", &matches));
  EXPECT_EQ(matches.size(), 2u);
  EXPECT_TRUE(trace.find_call("trunk-tcp", &matches));
  EXPECT_FALSE(trace.find_call("nothing", &matches));
  EXPECT_TRUE(matches.empty());
}

TEST(Model, MessagesWithoutCallIdAreCountedAndReported) {
  Trace trace = load_text("t.sip", "OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  EXPECT_EQ(trace.messages_without_call_id, 1u);
  EXPECT_TRUE(trace.calls.empty());
  EXPECT_TRUE(has_finding(trace, "sip.missing_call_id"));
}

TEST(Model, NulBytesAndInvalidUtf8AreFindings) {
  Trace trace = load_text("t.sip", std::string("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: n\r\nX-Bad: a\0b\xff\r\n\r\n", 52));
  ASSERT_EQ(trace.calls.size(), 1u);
  EXPECT_TRUE(has_finding(trace, "sip.nul_byte"));
  EXPECT_TRUE(has_finding(trace, "sip.invalid_utf8"));
}

}  // namespace
}  // namespace sipsleuth::model

namespace sipsleuth::model {
namespace {

TEST(Model, ForksCancelledBecauseAnotherEndpointAnswered) {
  auto response = [](const std::string& status, const std::string& tag, const std::string& epid, const std::string& cseq) {
    return "SIP/2.0 " + status + "\r\nFrom: <sip:a@x>;tag=f1\r\nTo: <sip:b@x>;tag=" + tag + ";epid=" + epid +
           "\r\nCall-ID: fork1\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n";
  };
  std::string trace_text =
      "INVITE sip:b@x SIP/2.0\r\nFrom: <sip:a@x>;tag=f1\r\nTo: <sip:b@x>\r\nCall-ID: fork1\r\nCSeq: 1 INVITE\r\n"
      "Content-Length: 0\r\n\r\n" +
      response("180 Ringing", "t1", "e1", "1 INVITE") + response("180 Ringing", "t2", "e2", "1 INVITE") +
      response("200 OK", "t1", "e1", "1 INVITE") +
      "CANCEL sip:b@x SIP/2.0\r\nFrom: <sip:a@x>;tag=f1\r\nTo: <sip:b@x>\r\nCall-ID: fork1\r\nCSeq: 1 CANCEL\r\n"
      "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\nContent-Length: 0\r\n\r\n" +
      response("487 Request Terminated", "t2", "e2", "1 INVITE");
  Trace trace = testing::load_text("fork.sip", trace_text);
  ASSERT_EQ(trace.calls.size(), 1u);
  const Call& call = trace.calls[0];
  ASSERT_EQ(call.forks.size(), 2u);
  EXPECT_EQ(call.final_status, 200);
  EXPECT_EQ(call.forks[0].best_status, 200);
  EXPECT_FALSE(call.forks[0].completed_elsewhere);
  EXPECT_EQ(call.forks[1].failure_status, 487);
  EXPECT_TRUE(call.forks[1].completed_elsewhere);
}

// A large log is read in pieces on several cores; the result must not depend
// on where it was cut: same messages, same lines and offsets, same calls.
TEST(Model, LogsReadInPiecesGiveTheSameTrace) {
  for (const char* path : {"tests/fixtures/hops/fe1.log", "tests/fixtures/hops/client.uccapilog",
                           "samples/seed004-fe-outbound-routing.log", "samples/seed001-mpop-call.uccapilog"}) {
    LoadOptions whole_options;
    whole_options.threads = 1;
    Trace whole = load(io::open_inputs({path}), whole_options);
    LoadOptions pieces_options;
    pieces_options.threads = 3;
    pieces_options.piece_bytes = 512;  // dozens of pieces
    Trace pieces = load(io::open_inputs({path}), pieces_options);
    ASSERT_EQ(pieces.messages.size(), whole.messages.size()) << path;
    for (std::size_t i = 0; i < whole.messages.size(); ++i) {
      const auto& a = whole.messages[i].record;
      const auto& b = pieces.messages[i].record;
      EXPECT_EQ(a.location.offset, b.location.offset) << path << " message " << i;
      EXPECT_EQ(a.location.line, b.location.line) << path << " message " << i;
      EXPECT_EQ(a.parts.start_line, b.parts.start_line) << path;
      EXPECT_EQ(a.original, b.original) << path;
    }
    ASSERT_EQ(pieces.events.size(), whole.events.size()) << path;
    for (std::size_t i = 0; i < whole.events.size(); ++i) {
      EXPECT_EQ(whole.events[i].event.location.line, pieces.events[i].event.location.line) << path;
    }
    ASSERT_EQ(pieces.calls.size(), whole.calls.size()) << path;
    for (std::size_t i = 0; i < whole.calls.size(); ++i) {
      EXPECT_EQ(pieces.calls[i].call_id, whole.calls[i].call_id) << path;
      EXPECT_EQ(pieces.calls[i].messages, whole.calls[i].messages) << path;
    }
    EXPECT_EQ(pieces.findings.size(), whole.findings.size()) << path;
  }
}

// Headers, checks, calls, hop links and retransmissions are worked out on
// every core; the trace must be the same as one thread makes, order included.
TEST(Model, WorkOnSeveralCoresGivesTheSameTraceAsOne) {
  std::vector<std::string> paths = {"tests/fixtures/hops/client.uccapilog", "tests/fixtures/hops/fe1.log",
                                    "tests/fixtures/hops/fe2.log", "tests/fixtures/hops/edge.log",
                                    "samples/trunk-capture.pcap", "tests/fixtures/conversation-hostile.uccapilog"};
  LoadOptions one;
  one.threads = 1;
  Trace serial = load(io::open_inputs(paths), one);
  LoadOptions many;
  many.threads = 5;
  Trace parallel = load(io::open_inputs(paths), many);
  ASSERT_EQ(parallel.messages.size(), serial.messages.size());
  for (std::size_t i = 0; i < serial.messages.size(); ++i) {
    EXPECT_EQ(parallel.messages[i].call, serial.messages[i].call) << i;
    EXPECT_EQ(parallel.messages[i].retransmission_of, serial.messages[i].retransmission_of) << i;
    EXPECT_EQ(parallel.messages[i].hop_event, serial.messages[i].hop_event) << i;
    EXPECT_EQ(parallel.messages[i].sip.call_id(), serial.messages[i].sip.call_id()) << i;
  }
  ASSERT_EQ(parallel.findings.size(), serial.findings.size());
  for (std::size_t i = 0; i < serial.findings.size(); ++i) {
    EXPECT_EQ(parallel.findings[i].code, serial.findings[i].code) << i;
    EXPECT_EQ(parallel.findings[i].message, serial.findings[i].message) << i;
  }
  ASSERT_EQ(parallel.calls.size(), serial.calls.size());
  for (std::size_t i = 0; i < serial.calls.size(); ++i) {
    EXPECT_EQ(parallel.calls[i].call_id, serial.calls[i].call_id);
    EXPECT_EQ(parallel.calls[i].kind, serial.calls[i].kind);
    EXPECT_EQ(parallel.calls[i].forks.size(), serial.calls[i].forks.size());
    EXPECT_EQ(parallel.calls[i].retransmissions, serial.calls[i].retransmissions);
  }
  EXPECT_EQ(parallel.hop_events.size(), serial.hop_events.size());
  EXPECT_GT(serial.hop_events.size(), 0u);
  ASSERT_EQ(parallel.clocks.size(), serial.clocks.size());
  for (std::size_t i = 0; i < serial.clocks.size(); ++i) {
    EXPECT_EQ(parallel.clocks[i].offset_micros, serial.clocks[i].offset_micros);
  }
}

// Past the most messages a trace can number, the rest is not read and the
// user is told so; nothing wraps around.
TEST(Model, TooManyMessagesIsAnErrorNotAWraparound) {
  LoadOptions options;
  options.max_messages = 5;
  options.piece_bytes = 700;
  Trace trace = load(io::open_inputs({"samples/seed004-fe-outbound-routing.log", "samples/trunk-capture.pcap"}), options);
  EXPECT_EQ(trace.messages.size(), 5u);
  ASSERT_EQ(trace.errors.size(), 1u);
  EXPECT_NE(trace.errors[0].message.find("more than 5 SIP messages"), std::string::npos);
  for (std::uint32_t i = 0; i < trace.messages.size(); ++i) EXPECT_EQ(trace.messages[i].id, i);
}

// The progress a display reads: every byte of every input, then building, then done.
TEST(Model, ProgressCountsEveryByteOfEveryInput) {
  std::vector<std::string> paths = {"samples/trunk-capture.pcap", "samples/seed004-fe-outbound-routing.log",
                                    "tests/fixtures/hops/client.uccapilog"};
  std::uint64_t total = 0;
  for (const auto& path : paths) total += testing::read_file(path).size();
  LoadProgress progress;
  LoadOptions options;
  options.progress = &progress;
  options.piece_bytes = 700;  // the logs in many pieces
  Trace trace = load(io::open_inputs(paths), options);
  EXPECT_EQ(progress.total_bytes.load(), total);
  EXPECT_EQ(progress.read_bytes.load(), total);
  EXPECT_EQ(progress.messages.load(), trace.messages.size());
  EXPECT_EQ(progress.stage.load(), LoadProgress::Stage::done);
}

TEST(Model, RecordBoundariesAreRecordStarts) {
  std::string log = testing::read_file("tests/fixtures/hops/fe1.log");
  auto cuts = formats::record_boundaries(log, formats::Format::server_log, 10);
  ASSERT_GT(cuts.size(), 5u);
  EXPECT_EQ(cuts.front(), 0u);
  for (std::size_t cut : cuts) EXPECT_EQ(log.compare(cut, 3, "TL_"), 0) << cut;
  std::string client = testing::read_file("tests/fixtures/hops/client.uccapilog");
  for (std::size_t cut : formats::record_boundaries(client, formats::Format::client_log, 10)) {
    std::size_t end = client.find('\n', cut);
    std::string_view line(client.data() + cut, end - cut);
    EXPECT_TRUE(line.find(":: Sending Packet") != std::string_view::npos ||
                line.find(":: Data Received") != std::string_view::npos || cut == 0)
        << line;
  }
  EXPECT_EQ(formats::record_boundaries("abc", formats::Format::pcap, 4), std::vector<std::size_t>{0});
}

// Whoever gives pages back as it reads is told where finding each cut read:
// from the point aimed at up to the cut.
TEST(Model, RecordBoundariesTellWhatFindingThemRead) {
  std::string log = testing::read_file("tests/fixtures/hops/fe1.log");
  std::vector<std::pair<std::size_t, std::size_t>> probed;
  auto cuts = formats::record_boundaries(log, formats::Format::server_log, 10,
                                         [&](std::size_t offset, std::size_t length) { probed.push_back({offset, length}); });
  EXPECT_EQ(cuts, formats::record_boundaries(log, formats::Format::server_log, 10));
  ASSERT_GE(probed.size(), cuts.size() - 1);
  for (std::size_t c = 1; c < cuts.size(); ++c) {
    bool told = std::any_of(probed.begin(), probed.end(), [&](const auto& range) {
      return range.first <= cuts[c] && range.first + range.second == cuts[c];
    });
    EXPECT_TRUE(told) << cuts[c];
  }
}


// A trace built a batch of calls at a time must hold, call for call, what
// load() builds: the same calls in the same order, the same messages read
// again from the input (places, times, text), the same findings and counts.
void expect_batches_match_load(const std::vector<std::string>& paths, unsigned threads, std::size_t calls_per_batch) {
  SCOPED_TRACE("threads " + std::to_string(threads) + ", " + std::to_string(calls_per_batch) + " calls per batch");
  LoadOptions options;
  options.threads = threads;
  options.piece_bytes = 600;  // logs in many pieces
  options.clock_offsets["fe2.log"] = 1'500'000;
  Trace whole = load(io::open_inputs(paths), options);
  BatchedTrace batched = load_batched(io::open_inputs(paths), options);
  const Trace& shared = batched.shared;
  EXPECT_EQ(batched.message_count(), whole.messages.size());
  EXPECT_EQ(batched.call_count(), whole.calls.size());
  EXPECT_EQ(shared.messages_without_call_id, whole.messages_without_call_id);
  ASSERT_EQ(shared.inputs.size(), whole.inputs.size());
  for (std::size_t i = 0; i < whole.inputs.size(); ++i) {
    EXPECT_EQ(shared.inputs[i].messages, whole.inputs[i].messages);
    EXPECT_EQ(shared.inputs[i].events, whole.inputs[i].events);
    EXPECT_EQ(shared.inputs[i].clock_offset_micros, whole.inputs[i].clock_offset_micros);
  }
  EXPECT_EQ(shared.events.size(), whole.events.size());

  // The findings about one call's messages, in their order among a trace's findings.
  auto findings_of = [](const Trace& trace, const Call& call) {
    std::vector<const Finding*> found;
    for (const auto& f : trace.findings) {
      if (f.message != kNoId && trace.messages[f.message].call == call.id) found.push_back(&f);
    }
    return found;
  };
  std::size_t next_call = 0, batches = 0, batch_findings = 0;
  batched.for_each_batch(calls_per_batch, [&](const Trace& batch) {
    ++batches;
    for (const auto& f : batch.findings) {
      ASSERT_LT(f.message, batch.messages.size());  // numbered in the batch while it is used
      ++batch_findings;
    }
    EXPECT_LE(batch.calls.size(), calls_per_batch);
    for (const Call& call : batch.calls) {
      ASSERT_LT(next_call, whole.calls.size());
      const Call& expected = whole.calls[next_call++];
      EXPECT_EQ(call.call_id, expected.call_id);
      EXPECT_EQ(call.kind, expected.kind);
      EXPECT_EQ(call.from_uri, expected.from_uri);
      EXPECT_EQ(call.to_uri, expected.to_uri);
      EXPECT_EQ(call.start.micros, expected.start.micros);
      EXPECT_EQ(call.end.micros, expected.end.micros);
      EXPECT_EQ(call.final_status, expected.final_status);
      EXPECT_EQ(call.final_reason, expected.final_reason);
      EXPECT_EQ(call.retransmissions, expected.retransmissions);
      EXPECT_EQ(call.forks.size(), expected.forks.size());
      EXPECT_EQ(call.endpoints.size(), expected.endpoints.size());
      EXPECT_EQ(call.transactions.size(), expected.transactions.size());
      EXPECT_EQ(call.events, expected.events);
      // `diagnose` tells each call's own: they are the batch's, in load()'s order.
      auto found = findings_of(batch, call), wanted = findings_of(whole, expected);
      ASSERT_EQ(found.size(), wanted.size()) << call.call_id;
      for (std::size_t k = 0; k < found.size(); ++k) {
        EXPECT_EQ(found[k]->code, wanted[k]->code);
        EXPECT_EQ(found[k]->detail, wanted[k]->detail);
        EXPECT_EQ(found[k]->location.offset, wanted[k]->location.offset);
        EXPECT_EQ(batch.messages[found[k]->message].record.location.offset,
                  whole.messages[wanted[k]->message].record.location.offset);
      }
      ASSERT_EQ(call.messages.size(), expected.messages.size()) << call.call_id;
      for (std::size_t k = 0; k < call.messages.size(); ++k) {
        const Message& m = batch.messages[call.messages[k]];
        const Message& e = whole.messages[expected.messages[k]];
        EXPECT_EQ(m.input, e.input);
        EXPECT_EQ(m.record.location.offset, e.record.location.offset);
        EXPECT_EQ(m.record.location.line, e.record.location.line);
        EXPECT_EQ(m.record.location.packet, e.record.location.packet);
        EXPECT_EQ(m.record.time.micros, e.record.time.micros);
        EXPECT_EQ(m.record.direction, e.record.direction);
        EXPECT_EQ(m.record.source, e.record.source);
        EXPECT_EQ(m.record.destination, e.record.destination);
        EXPECT_EQ(m.record.parts.start_line, e.record.parts.start_line);
        EXPECT_EQ(m.record.parts.header_block, e.record.parts.header_block);
        EXPECT_EQ(m.record.parts.body, e.record.parts.body);
        EXPECT_EQ(m.record.original, e.record.original);
        EXPECT_EQ(m.record.correlation_id, e.record.correlation_id);
        EXPECT_EQ(m.retransmission_of == kNoId, e.retransmission_of == kNoId);
        EXPECT_EQ(m.hop_event == kNoId, e.hop_event == kNoId);
      }
    }
  });
  EXPECT_EQ(next_call, whole.calls.size());
  EXPECT_EQ(batches, (whole.calls.size() + calls_per_batch - 1) / calls_per_batch);
  EXPECT_EQ(batched.linked_messages(), whole.hop_events.size());
  ASSERT_EQ(shared.clocks.size(), whole.clocks.size());
  for (std::size_t i = 0; i < whole.clocks.size(); ++i) {
    EXPECT_EQ(shared.clocks[i].input, whole.clocks[i].input);
    EXPECT_EQ(shared.clocks[i].offset_micros, whole.clocks[i].offset_micros);
    EXPECT_EQ(shared.clocks[i].links, whole.clocks[i].links);
  }
  for (std::size_t i = 0; i < whole.inputs.size(); ++i) {
    EXPECT_EQ(shared.inputs[i].local_address, whole.inputs[i].local_address);
  }
  // Messages are checked as their calls are built: the findings are whole once the last batch is.
  std::size_t message_findings = 0;
  for (const auto& f : whole.findings) {
    if (f.message != kNoId && whole.messages[f.message].call != kNoId) ++message_findings;
  }
  EXPECT_EQ(batch_findings, message_findings);
  ASSERT_EQ(shared.findings.size(), whole.findings.size());
  for (std::size_t i = 0; i < whole.findings.size(); ++i) {
    EXPECT_EQ(shared.findings[i].code, whole.findings[i].code) << i;
    EXPECT_EQ(shared.findings[i].message, whole.findings[i].message) << i;
    EXPECT_EQ(shared.findings[i].input, whole.findings[i].input) << i;
    EXPECT_EQ(shared.findings[i].location.line, whole.findings[i].location.line) << i;
    EXPECT_EQ(shared.findings[i].location.offset, whole.findings[i].location.offset) << i;
    EXPECT_EQ(shared.findings[i].detail, whole.findings[i].detail) << i;
  }
}

TEST(Batches, EveryCallIsBuiltAsLoadBuildsIt) {
  std::vector<std::string> every_format = {
      "tests/fixtures/hops/client.uccapilog", "tests/fixtures/hops/fe1.log", "tests/fixtures/hops/fe2.log",
      "tests/fixtures/hops/edge.log",         "samples",                     "tests/fixtures/conversation-hostile.uccapilog"};
  for (unsigned threads : {1u, 3u}) {
    for (std::size_t per_batch : {std::size_t{1}, std::size_t{4}, std::size_t{1000}}) {
      expect_batches_match_load(every_format, threads, per_batch);
    }
  }
  // Hop links and clock estimates need the server logs of one call together.
  expect_batches_match_load({"tests/fixtures/hops"}, 2, 2);
}

// Problems found in a call's messages belong to the call in a batch too,
// in load()'s order, which numbers messages as read: here a call's second
// message in the log is its first in time.
TEST(Batches, EachCallHasTheFindingsAboutItsOwnMessages) {
  auto packet = [](const std::string& time, const std::string& sip) {
    return "03/05/2024|" + time +
           " 1A2B:3C4D INFO  :: Sending Packet - 10.0.0.1:5061 (From Local Address: " + "10.0.0.2:50000) 100 bytes:\n" +
           sip + "03/05/2024|" + time +
           " 1A2B:3C4D INFO  :: End of Sending Packet - 10.0.0.1:5061 (From Local Address: 10.0.0.2:50000) 100 "
           "bytes\n";
  };
  auto message = [](const std::string& start, const std::string& call_id, const std::string& cseq,
                    const std::string& extra = "") {
    return start + "\nVia: SIP/2.0/TLS 10.0.0.2:50000;branch=z9hG4bK" + call_id + cseq +
           "\nFrom: <sip:a@x.com>;tag=1\nTo: <sip:b@x.com>\nCall-ID: " + call_id + "\n" +
           (cseq.empty() ? "" : "CSeq: " + cseq + " INVITE\n") + extra + "Content-Length: 0\n\n";
  };
  testing::TempDir dir;
  std::string log =
      packet("08:00:02.000", message("INVITE sip:b@x.com SIP/2.0", "call-a", "")) +
      packet("08:00:01.000", message("SIP/2.0 999 Odd", "call-a", "1")) +
      packet("08:00:03.000", message("INVITE sip:c@x.com SIP/2.0", "call-b", "1", "Subject: \xff\xfe\n")) +
      packet("08:00:04.000", message("SIP/2.0 200 OK", "call-b", "1"));
  std::string path = dir.file("findings.uccapilog", log);
  Trace whole = load(io::open_inputs({path}), LoadOptions{});
  std::size_t about_calls = 0;
  for (const auto& f : whole.findings) about_calls += f.message != kNoId && whole.messages[f.message].call != kNoId;
  ASSERT_GE(about_calls, 3u);  // the missing CSeq, the odd status code, the bytes that are not UTF-8
  for (unsigned threads : {1u, 2u}) {
    for (std::size_t per_batch : {std::size_t{1}, std::size_t{1000}})
      expect_batches_match_load({path}, threads, per_batch);
  }
}

// Generated calls of every outcome sent over TCP, one connection each way,
// in segments of 30-500 bytes that ignore where messages end; some segments
// are sent twice and some pairs arrive swapped.
std::string calls_over_tcp(unsigned seed) {
  testing::ScenarioGenerator generator(seed);
  const testing::GeneratedLogs logs = generator.generate(2);
  formats::ReadResult log = formats::read_any(logs.client_log, formats::Format::client_log);
  const testing::PcapWriter::Endpoint client{"10.1.0.5", 50123}, server{"10.2.0.9", 5061};
  struct Stream {
    std::string pending;
    std::uint32_t seq = 1000;
  };
  std::map<bool, Stream> streams;  // by "sent by the client"
  testing::PcapWriter w;
  std::mt19937 random(seed);
  auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  double time = 1'700'000'000;
  auto flush = [&](bool sent, bool all) {
    Stream& s = streams[sent];
    std::vector<std::pair<std::uint32_t, std::string>> segments;
    for (;;) {
      std::size_t size = static_cast<std::size_t>(pick(30, 500));
      if (s.pending.size() < size && !(all && !s.pending.empty())) break;
      size = std::min(size, s.pending.size());
      segments.emplace_back(s.seq, s.pending.substr(0, size));
      s.pending.erase(0, size);
      s.seq += static_cast<std::uint32_t>(size);
    }
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
      if (pick(0, 9) == 0) std::swap(segments[i], segments[i + 1]);
    }
    for (const auto& [seq, bytes] : segments) {
      int copies = pick(0, 9) == 0 ? 2 : 1;
      for (int c = 0; c < copies; ++c) {
        w.tcp(time += 0.001, sent ? client : server, sent ? server : client, seq, testing::PcapWriter::kAck, bytes);
      }
    }
  };
  for (const auto& record : log.messages) {
    bool sent = record.direction == formats::Direction::sent;
    // A log's record drops the empty line of a message without a body.
    std::string_view headers = record.parts.header_block;
    while (!headers.empty() && (headers.back() == '\n' || headers.back() == '\r')) headers.remove_suffix(1);
    streams[sent].pending += std::string(record.parts.start_line) + "\r\n" + std::string(headers) + "\r\n\r\n" +
                             std::string(record.parts.body);
    flush(sent, false);
  }
  flush(true, true);
  flush(false, true);
  return w.bytes();
}

TEST(Batches, MessagesOverSeveralTcpSegmentsAreBuiltAsLoadBuildsThem) {
  testing::TempDir dir;
  std::string capture = calls_over_tcp(11);
  std::string path = dir.file("calls-over-tcp.pcap", capture);
  formats::ReadOptions options;
  options.defer_framing = true;
  options.pieces_not_copies = true;
  formats::ReadResult read = formats::read_pcap(capture, options);
  std::size_t in_pieces = 0;
  for (const auto& record : read.messages) in_pieces += !record.pieces.empty();
  EXPECT_TRUE(read.findings.empty()) << read.findings.front().code;
  ASSERT_GT(in_pieces, 20u) << "the capture should hold messages over several segments";
  ASSERT_LT(in_pieces, read.messages.size()) << "and messages within one";
  Trace whole = load(io::open_inputs({path}));
  EXPECT_GE(whole.calls.size(), 22u);
  for (unsigned threads : {1u, 3u}) {
    for (std::size_t per_batch : {std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      expect_batches_match_load({path}, threads, per_batch);
    }
  }
}

// A server log's record is rebuilt from where its views lie in its text;
// one that cannot be (a view elsewhere, or too far in) is read again.
TEST(Batches, RecordViewsRebuildTheRecordOrSayTheyCannot) {
  std::string text = "TL_INFO(TF_PROTOCOL) [fe01]::03/05/2024 $$begin_record\nPeer: 10.1.2.3:5061\n"
                     "Start-Line: BYE sip:a@b SIP/2.0\nCall-ID: x\nMessage-Body: -\n$$end_record\n";
  formats::SipRecord record;
  std::string_view original = text;
  auto at = [&](std::string_view part) { return original.substr(original.find(part), part.size()); };
  record.original = original;
  record.parts.start_line = at("BYE sip:a@b SIP/2.0");
  record.parts.header_block = at("Call-ID: x\n");
  record.raw = original.substr(0, original.find("$$end_record"));
  record.source = at("10.1.2.3:5061");
  record.destination = at("fe01");
  auto views = RecordViews::of(record);
  ASSERT_TRUE(views);
  formats::SipRecord rebuilt = views->rebuild(original);
  EXPECT_EQ(rebuilt.parts.start_line, record.parts.start_line);
  EXPECT_EQ(rebuilt.parts.header_block, record.parts.header_block);
  EXPECT_EQ(rebuilt.parts.body, "");
  EXPECT_EQ(rebuilt.raw, record.raw);
  EXPECT_EQ(rebuilt.source, "10.1.2.3:5061");
  EXPECT_EQ(rebuilt.destination, "fe01");
  EXPECT_EQ(rebuilt.original.data(), original.data());

  std::string elsewhere = "10.9.9.9:5060";
  record.destination = elsewhere;
  EXPECT_FALSE(RecordViews::of(record));
  std::string long_record = text + std::string(70'000, 'x');
  formats::SipRecord far;
  far.original = long_record;
  far.parts.start_line = far.original.substr(0, 10);
  EXPECT_TRUE(RecordViews::of(far));
  far.parts.body = far.original.substr(long_record.size() - 10);
  EXPECT_FALSE(RecordViews::of(far)) << "a view past 64 KB";
}

TEST(Batches, TooManyMessagesIsTheSameErrorAsLoad) {
  LoadOptions options;
  options.max_messages = 5;
  options.piece_bytes = 700;
  std::vector<std::string> paths = {"samples/seed004-fe-outbound-routing.log", "samples/trunk-capture.pcap"};
  BatchedTrace batched = load_batched(io::open_inputs(paths), options);
  Trace whole = load(io::open_inputs(paths), options);
  EXPECT_EQ(batched.message_count(), 5u);
  ASSERT_EQ(batched.shared.errors.size(), 1u);
  EXPECT_EQ(batched.shared.errors[0].message, whole.errors[0].message);
  EXPECT_EQ(batched.call_count(), whole.calls.size());
}

TEST(Batches, InputsThatAreNotTracesAreReportedAsByLoad) {
  std::vector<std::string> paths = {"samples/trunk-capture.pcap", "tests/no-such-file.log", "README.md"};
  BatchedTrace batched = load_batched(io::open_inputs(paths));
  Trace whole = load(io::open_inputs(paths));
  ASSERT_EQ(batched.shared.errors.size(), whole.errors.size());
  for (std::size_t i = 0; i < whole.errors.size(); ++i) {
    EXPECT_EQ(batched.shared.errors[i].name, whole.errors[i].name);
    EXPECT_EQ(batched.shared.errors[i].message, whole.errors[i].message);
  }
  EXPECT_EQ(batched.call_count(), whole.calls.size());
  EXPECT_GT(batched.call_count(), 0u);
}

// An input held in memory that records what it is told to give back.
class GiveBackRecorder final : public io::Buffer {
 public:
  explicit GiveBackRecorder(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view bytes() const override { return bytes_; }
  void release(std::size_t offset, std::size_t length) const override {
    std::lock_guard lock(mutex_);
    given_back_.emplace_back(offset, length);
  }
  std::vector<std::pair<std::size_t, std::size_t>> given_back() const {
    std::lock_guard lock(mutex_);
    return given_back_;
  }

 private:
  std::string bytes_;
  mutable std::mutex mutex_;
  mutable std::vector<std::pair<std::size_t, std::size_t>> given_back_;
};

// `calls` gives an input's pages back as it is done with them, so that its
// memory stays bounded: all of them in the end, and a few megabytes at a
// time, since each madvise() interrupts the other cores.
TEST(Batches, InputIsGivenBackAFewMegabytesAtATime) {
  auto log = std::make_shared<GiveBackRecorder>(bench::client_log(80000));
  const std::size_t size = log->bytes().size();
  ASSERT_GT(size, 5 * loading::kGiveBackBytes);
  io::OpenedInputs opened;
  opened.inputs.push_back(io::Input{"big.uccapilog", log, false, false, {}});
  LoadOptions options;
  options.threads = 2;
  BatchedTrace batched = load_batched(std::move(opened), options);
  std::size_t calls = 0;
  batched.for_each_batch(
      64, [&](const Trace& batch) { calls += batch.calls.size(); }, 2);
  EXPECT_EQ(calls, 20000u);

  auto given_back = log->given_back();
  std::sort(given_back.begin(), given_back.end());
  std::size_t covered = 0;  // [0, covered) given back
  for (auto [offset, length] : given_back) {
    if (offset <= covered) covered = std::max(covered, offset + length);
  }
  EXPECT_GE(covered, size);
  // Fewer than one call a megabyte read: 21 here, where a piece, a batch or
  // a probe at a time was about 400.
  EXPECT_LE(given_back.size(), size >> 20) << "of " << size << " bytes";
}

}  // namespace
}  // namespace sipsleuth::model
