#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <functional>

#include "formats/pcap_records.hpp"
#include "formats/pcap_subset.hpp"
#include "formats/reader.hpp"
#include "sip/message.hpp"
#include "support/pcap_writer.hpp"

namespace sipsleuth::formats {
namespace {

using testing::PcapWriter;

std::string message(const std::string& start, const std::string& call_id, const std::string& body = "") {
  return start + "\r\nCall-ID: " + call_id + "\r\nCSeq: 1 INVITE\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

const PcapWriter::Endpoint kA{"10.0.0.1", 5060}, kB{"10.0.0.2", 5060};

TEST(Pcap, UdpOnAnyPortRecognisedByContent) {
  PcapWriter w;
  w.udp(1000.25, {"10.0.0.1", 40000}, {"10.0.0.2", 12345}, message("OPTIONS sip:a@b SIP/2.0", "u1"));
  w.udp(1000.50, kA, kB, "\r\n\r\n");            // keep-alive
  w.udp(1000.75, kA, kB, std::string("\x80\x00\x01\x02 rtp-ish", 12));
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 1u);
  const SipRecord& m = r.messages[0];
  EXPECT_EQ(m.source, "10.0.0.1:40000");
  EXPECT_EQ(m.destination, "10.0.0.2:12345");
  EXPECT_EQ(m.transport, Transport::udp);
  EXPECT_EQ(m.location.packet, 1u);
  EXPECT_EQ(m.time.micros, 1000250000);
  EXPECT_EQ(r.capture.packets, 3u);
}

// Read for `calls` (framing deferred), a UDP message comes with its Call-ID,
// placed in its text where a look through the unframed message finds it:
// keep-alive line breaks before it, a compact name, and none at all.
TEST(Pcap, UdpMessageReadUnframedComesWithItsCallId) {
  PcapWriter w;
  w.udp(1, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "plain"));
  w.udp(2, kA, kB, "\r\n" + message("OPTIONS sip:a@b SIP/2.0", "after-breaks"));
  w.udp(3, kA, kB, "MESSAGE sip:a@b SIP/2.0\r\ni:  compact \r\nl: 0\r\n\r\n");
  w.udp(4, kA, kB, "OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  ReadOptions options;
  options.defer_framing = true;
  ReadResult r = read_pcap(w.bytes(), options);
  ASSERT_EQ(r.messages.size(), 4u);
  const std::vector<std::string> expected = {"plain", "after-breaks", "compact", ""};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const SipRecord& record = r.messages[i];
    EXPECT_TRUE(record.parts.start_line.empty()) << i;  // not framed
    ASSERT_TRUE(record.call_id.has_value()) << i;
    const std::string_view found = record.call_id->in(record.raw);
    const std::string_view looked_up = sip::first_header_value_in_message(record.raw, sip::HeaderId::call_id);
    EXPECT_EQ(found, expected[i]) << i;
    if (!looked_up.empty()) {
      EXPECT_EQ(found.data(), looked_up.data()) << i;
    }
  }
  // Framed as it is read, a message needs no Call-ID found beside it.
  EXPECT_FALSE(read_pcap(w.bytes()).messages[0].call_id.has_value());
}

// Messages are taken from the capture file itself when libpcap read them
// whole (no copy), over UDP and within one TCP segment; split ones are copied.
TEST(Pcap, MessagesPointIntoTheInputWhenWhole) {
  PcapWriter w;
  std::string udp = message("OPTIONS sip:a@b SIP/2.0", "whole-udp");
  std::string tcp = message("INVITE sip:b@x SIP/2.0", "whole-tcp");
  std::string split = message("BYE sip:b@x SIP/2.0", "split-tcp");
  w.udp(1, kA, kB, udp);
  w.tcp(2, kA, {"10.0.0.2", 5061}, 100, PcapWriter::kSyn);
  w.tcp(3, kA, {"10.0.0.2", 5061}, 101, PcapWriter::kAck, tcp);
  w.tcp(4, kA, {"10.0.0.2", 5061}, 101 + static_cast<std::uint32_t>(tcp.size()), PcapWriter::kAck, split.substr(0, 20));
  w.tcp(5, kA, {"10.0.0.2", 5061}, 121 + static_cast<std::uint32_t>(tcp.size()), PcapWriter::kAck, split.substr(20));
  const std::string& file = w.bytes();
  ReadResult r = read_pcap(file);
  ASSERT_EQ(r.messages.size(), 3u);
  auto inside_file = [&](std::string_view text) {
    return text.data() >= file.data() && text.data() + text.size() <= file.data() + file.size();
  };
  EXPECT_TRUE(inside_file(r.messages[0].raw));
  EXPECT_TRUE(inside_file(r.messages[1].parts.start_line));
  EXPECT_FALSE(inside_file(r.messages[2].parts.start_line));
  EXPECT_EQ(r.messages[2].parts.start_line, "BYE sip:b@x SIP/2.0");
}

// A segment that starts with nothing buffered is framed where it lies: its
// whole messages are the input's bytes, and only the start of a message
// that goes on is buffered, then joined with the rest from the next segment.
TEST(Pcap, WholeMessagesInASegmentAreNotCopiedAndTheStartOfTheNextWaits) {
  PcapWriter w;
  const PcapWriter::Endpoint server{"10.0.0.2", 5061};
  std::string first = message("SIP/2.0 100 Trying", "seg"), second = message("SIP/2.0 180 Ringing", "seg");
  std::string third = message("SIP/2.0 200 OK", "seg", "v=0\r\n"), fourth = message("BYE sip:b@x SIP/2.0", "seg");
  std::string carried = first + second + third.substr(0, 25);
  auto seq = [](std::size_t offset) { return static_cast<std::uint32_t>(101 + offset); };
  w.tcp(1, kA, server, 100, PcapWriter::kSyn);
  w.tcp(2, kA, server, seq(0), PcapWriter::kAck, carried);
  w.tcp(3, kA, server, seq(carried.size()), PcapWriter::kAck, third.substr(25));
  w.tcp(4, kA, server, seq(carried.size() + third.size() - 25), PcapWriter::kAck, fourth);
  const std::string& file = w.bytes();
  ReadResult r = read_pcap(file);
  ASSERT_EQ(r.messages.size(), 4u);
  auto inside_file = [&](std::string_view text) {
    return text.data() >= file.data() && text.data() + text.size() <= file.data() + file.size();
  };
  const std::vector<std::string> starts{"SIP/2.0 100 Trying", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK",
                                        "BYE sip:b@x SIP/2.0"};
  // The packets that carried each, where not only the one it ended in
  // (location.packet): the fourth starts in a segment of its own.
  const std::vector<std::vector<std::uint32_t>> packets{{}, {}, {2, 3}, {}};
  const std::vector<std::uint32_t> ended_in{2, 2, 3, 4};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(r.messages[i].parts.start_line, starts[i]);
    EXPECT_EQ(inside_file(r.messages[i].parts.start_line), i != 2);
    EXPECT_EQ(r.messages[i].packets, packets[i]);
    EXPECT_EQ(r.messages[i].location.packet, ended_in[i]);
  }
  EXPECT_EQ(r.messages[2].parts.body, "v=0\r\n");
}

// A search keeps only the messages holding its text, over UDP and TCP, and
// still counts every SIP message and every flow.
TEST(Pcap, SearchKeepsMatchingMessagesAndEveryFlow) {
  PcapWriter w;
  w.udp(1, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "wanted-1"));
  w.udp(2, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "other-1"));
  w.udp(3, {"10.0.0.1", 40000}, {"10.0.0.3", 40002}, std::string("\x80\x00 rtp", 6));
  w.tcp(4, kA, {"10.0.0.2", 5061}, 100, PcapWriter::kSyn);
  w.tcp(5, kA, {"10.0.0.2", 5061}, 101, PcapWriter::kAck,
        message("INVITE sip:b@x SIP/2.0", "other-2") + message("BYE sip:b@x SIP/2.0", "wanted-2"));
  ReadResult all = read_pcap(w.bytes());
  std::vector<std::string> wanted{"wanted-"};
  ReadOptions options;
  options.required_text = &wanted;
  ReadResult some = read_pcap(w.bytes(), options);
  ASSERT_EQ(some.messages.size(), 2u);
  EXPECT_EQ(some.messages[0].parts.start_line, "OPTIONS sip:a@b SIP/2.0");
  EXPECT_EQ(some.messages[1].parts.start_line, "BYE sip:b@x SIP/2.0");
  EXPECT_EQ(some.capture.sip_packets, all.capture.sip_packets);
  EXPECT_EQ(all.messages.size(), 4u);
  EXPECT_EQ(some.flows.udp.size(), all.flows.udp.size());
  EXPECT_EQ(some.flows.tcp.size(), all.flows.tcp.size());
}

TEST(Pcap, Ipv6Udp) {
  PcapWriter w;
  w.udp(1, {"fd17::1", 5060}, {"fd17::2", 5060}, message("INVITE sip:b@[fd17::2] SIP/2.0", "v6"));
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].source, "[fd17::1]:5060");
}

TEST(Pcap, TcpMessageAcrossSegmentsAndTwoMessagesInOneSegment) {
  PcapWriter w;
  std::string invite = message("INVITE sip:b@x SIP/2.0", "t1", "v=0\r\nm=audio 1 RTP/AVP 0\r\n");
  std::string two = message("SIP/2.0 100 Trying", "t1") + message("SIP/2.0 180 Ringing", "t1");
  w.tcp(1, kA, kB, 100, PcapWriter::kSyn);
  w.tcp(2, kA, kB, 101, PcapWriter::kAck, invite.substr(0, 30));
  w.tcp(3, kA, kB, 131, PcapWriter::kAck, invite.substr(30, 40));
  w.tcp(4, kA, kB, 171, PcapWriter::kAck, invite.substr(70));
  w.tcp(5, kB, kA, 900, PcapWriter::kAck, two);
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0].parts.start_line, "INVITE sip:b@x SIP/2.0");
  EXPECT_EQ(r.messages[0].parts.body, "v=0\r\nm=audio 1 RTP/AVP 0\r\n");
  EXPECT_EQ(r.messages[0].location.packet, 4u);  // the segment that completed it, as Wireshark counts
  EXPECT_EQ(r.messages[1].parts.start_line, "SIP/2.0 100 Trying");
  EXPECT_EQ(r.messages[2].parts.start_line, "SIP/2.0 180 Ringing");
  EXPECT_EQ(r.messages[2].location.packet, 5u);
}

// Where a message's headers end in a TCP stream is found in the same walk
// as its Content-Length when the blank line is a plain one; these are the
// other ends, and a blank line that arrives in a segment of its own.
TEST(Pcap, TcpHeadersEndingOddlyAreFramedAsBefore) {
  PcapWriter w;
  // A bare-LF message whose blank line is "\r\n": the first "\n\n" or
  // "\r\n\r\n" after it, inside the next message, ends its headers.
  std::string odd = "OPTIONS sip:b@x SIP/2.0\nCall-ID: o1\nCSeq: 1 OPTIONS\nContent-Length: 0\n\r\n";
  std::string after = message("OPTIONS sip:b@x SIP/2.0", "o2");
  w.tcp(1, kA, kB, 1, PcapWriter::kAck, odd + after);
  // A line that is no header before the blank line.
  std::string unheaded =
      "SIP/2.0 200 OK\r\nCall-ID: o3\r\nCSeq: 1 OPTIONS\r\nContent-Length: 4\r\nno header here\r\n\r\n";
  std::string next = message("SIP/2.0 200 OK", "o4");
  w.tcp(2, kB, kA, 1, PcapWriter::kAck, unheaded + next);
  // The blank line in a segment of its own.
  std::string split = message("BYE sip:b@x SIP/2.0", "o5", "body");
  std::size_t blank = split.find("\r\n\r\n") + 2;
  std::uint32_t seq = 1 + static_cast<std::uint32_t>(odd.size() + after.size());
  w.tcp(3, kA, kB, seq, PcapWriter::kAck, split.substr(0, blank));
  w.tcp(4, kA, kB, seq + static_cast<std::uint32_t>(blank), PcapWriter::kAck, split.substr(blank));
  ReadResult r = read_pcap(w.bytes());
  std::vector<std::string> seen;
  for (const auto& m : r.messages) {
    seen.push_back(std::string(m.parts.start_line) + " | " + std::string(m.parts.body) + " | " +
                   std::to_string(m.location.packet));
  }
  const std::vector<std::string> expected = {
      "OPTIONS sip:b@x SIP/2.0 |  | 1",
      "SIP/2.0 200 OK | no h | 2",
      "BYE sip:b@x SIP/2.0 | body | 4",
  };
  EXPECT_EQ(seen, expected);
  std::vector<std::string> findings;
  for (const auto& f : r.findings)
    findings.push_back(f.code + " " + std::to_string(f.location.packet) + ": " + f.detail);
  for (const auto& m : r.messages) {
    for (const auto& issue : m.framing_issues) findings.push_back(std::string(issue.code) + ": " + issue.detail);
  }
  const std::vector<std::string> expected_findings = {
      "sip.content_length_mismatch 2: data after a SIP message in 10.0.0.2:5060 -> 10.0.0.1:5060 is not a SIP "
      "message; its Content-Length may be wrong",
      "sip.content_length_mismatch: Content-Length 0 is shorter than the body (75 bytes)",
      "sip.missing_blank_line: no empty line between the headers and the body; the body is taken to start here",
      "sip.content_length_mismatch: Content-Length 4 is shorter than the body (22 bytes)",
  };
  EXPECT_EQ(findings, expected_findings);
}

TEST(Pcap, RetransmittedAndReorderedSegmentsAreCountedOnce) {
  PcapWriter w;
  std::string a = message("INVITE sip:b@x SIP/2.0", "r1");
  std::string b = message("BYE sip:b@x SIP/2.0", "r1");
  w.tcp(1, kA, kB, 1, PcapWriter::kAck, a);
  w.tcp(2, kA, kB, 1, PcapWriter::kAck, a);  // retransmission
  std::uint32_t next = 1 + static_cast<std::uint32_t>(a.size());
  w.tcp(3, kA, kB, next + 10, PcapWriter::kAck, b.substr(10));  // arrives early
  w.tcp(4, kA, kB, next, PcapWriter::kAck, b.substr(0, 10));
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1].parts.start_line, "BYE sip:b@x SIP/2.0");
  EXPECT_EQ(r.capture.tcp_retransmitted_bytes, a.size());
}

// Data missing for good (a capture that holds only some calls' packets, as
// `search -o` writes, or one that lost packets): what comes after each gap
// is still read once the capture ends, each message as seen in its own
// packet, and each gap is told.
TEST(Pcap, MessagesAfterAGapThatNeverFillsAreStillRead) {
  PcapWriter w;
  std::string invite = message("INVITE sip:b@x SIP/2.0", "g1"), ringing = message("SIP/2.0 180 Ringing", "g1");
  std::string ok = message("SIP/2.0 200 OK", "g1");
  w.tcp(1, kA, kB, 1, PcapWriter::kAck, invite);
  w.tcp(2, kA, kB, 5000, PcapWriter::kAck, ringing);                                                // after a gap
  w.tcp(3, kA, kB, 5000 + static_cast<std::uint32_t>(ringing.size()) + 700, PcapWriter::kAck, ok);  // another
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 3u);
  const std::vector<std::string> starts{"INVITE sip:b@x SIP/2.0", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK"};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(r.messages[i].parts.start_line, starts[i]);
    EXPECT_EQ(r.messages[i].location.packet, i + 1);
    EXPECT_EQ(r.messages[i].time.micros, static_cast<std::int64_t>(i + 1) * 1000000);
  }
  std::vector<std::uint32_t> gaps;
  for (const auto& f : r.findings) {
    if (f.code == "pcap.tcp_gap") gaps.push_back(static_cast<std::uint32_t>(f.location.packet));
  }
  EXPECT_EQ(gaps, (std::vector<std::uint32_t>{2, 3}));
}

// For a whole-trace summary, a message over several segments is given as
// the places of the input it lies in rather than copied: across a
// retransmission that overlaps new bytes, and where one segment ends one
// message and starts the next. Bytes held out of order are copies, and so
// is the message they end up in.
TEST(Pcap, MessagesOverSeveralSegmentsCanBeGivenAsPiecesOfTheInput) {
  const std::string first = message("INVITE sip:b@x SIP/2.0", "p1", std::string(300, 'a'));
  const std::string second = message("BYE sip:b@x SIP/2.0", "p2");
  const std::string third = message("ACK sip:b@x SIP/2.0", "p3");
  const std::string reordered = message("CANCEL sip:b@x SIP/2.0", "p4");
  const std::string stream = first + second + third + reordered;
  const std::size_t f = first.size(), fs = f + second.size(), fst = fs + third.size();
  PcapWriter w;
  auto send = [&](double time, std::size_t begin, std::size_t end) {
    w.tcp(time, kA, kB, 1 + static_cast<std::uint32_t>(begin), PcapWriter::kAck, stream.substr(begin, end - begin));
  };
  send(1, 0, 100);
  send(2, 100, 250);
  send(3, 200, f + 20);  // 50 bytes again, then new ones
  send(4, f + 20, fs + 10);
  send(5, fs + 10, fst);
  send(6, fst + 10, stream.size());  // early
  send(7, fst, fst + 10);
  const std::string& file = w.bytes();
  auto in_file = [&](std::string_view text) {
    return text.data() >= file.data() && text.data() + text.size() <= file.data() + file.size();
  };

  ReadOptions options;
  options.defer_framing = true;
  options.pieces_not_copies = true;
  ReadResult r = read_pcap(file, options);
  ASSERT_EQ(r.messages.size(), 4u);
  const std::vector<std::string> expected = {first, second, third, reordered};
  const std::vector<std::size_t> pieces = {3, 2, 2, 0};
  for (std::size_t i = 0; i < 4; ++i) {
    SipRecord& record = r.messages[i];
    ASSERT_EQ(record.pieces.size(), pieces[i]) << i;
    for (std::string_view piece : record.pieces) EXPECT_TRUE(in_file(piece)) << i;
    EXPECT_EQ(record.raw.empty(), pieces[i] > 0) << i;
    std::string storage;
    join_pieces(record, storage);
    EXPECT_EQ(record.raw, expected[i]) << i;
    // Its Call-ID, found while it was framed, lies where a look for it finds it.
    ASSERT_TRUE(record.call_id.has_value()) << i;
    EXPECT_EQ(record.call_id->in(record.raw), "p" + std::to_string(i + 1));
  }
  EXPECT_FALSE(in_file(r.messages[3].raw));

  ReadResult copied = read_pcap(file);
  ASSERT_EQ(copied.messages.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(copied.messages[i].pieces.empty());
    EXPECT_EQ(copied.messages[i].parts.start_line, sip::split_message(expected[i], nullptr).parts.start_line);
  }
}

TEST(Pcap, HttpOnTheSipPortIsNotSip) {
  PcapWriter w;
  w.tcp(1, kA, kB, 1, PcapWriter::kAck, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  w.tcp(2, kB, kA, 1, PcapWriter::kAck, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(read_pcap(w.bytes()).messages.empty());
}

TEST(Pcap, TcpStreamEndingMidMessageKeepsWhatItHas) {
  PcapWriter w;
  std::string a = message("INVITE sip:b@x SIP/2.0", "cut", std::string(200, 'x'));
  w.tcp(1, kA, kB, 1, PcapWriter::kAck, a.substr(0, a.size() - 50));
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 1u);
  ASSERT_FALSE(r.messages[0].framing_issues.empty());
  EXPECT_EQ(r.messages[0].framing_issues.back().code, "sip.content_length_mismatch");
}

TEST(Pcap, CaptureCutInsideTheLastPacket) {
  PcapWriter w;
  w.udp(1, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "ok"));
  w.truncated_tail(2, 500, "only a few bytes");
  ReadResult r = read_pcap(w.bytes());
  ASSERT_EQ(r.messages.size(), 1u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "pcap.truncated");
  EXPECT_EQ(r.findings[0].location.packet, 2u);
  EXPECT_GT(r.findings[0].location.offset, 24u);
}

TEST(Pcap, HeaderOnlyFileIsReadable) {
  PcapWriter w;
  ReadResult r = read_pcap(w.bytes());
  EXPECT_TRUE(r.messages.empty());
  EXPECT_TRUE(r.findings.empty());
}

TEST(Pcap, GarbageAfterMagicIsAnError) {
  ReadResult r = read_pcap(std::string("\xd4\xc3\xb2\xa1garbage", 11));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "pcap.unreadable");
}

// Every record of `bytes`, read as `walk` says, up to the end or an error.
// With how many of them were taken without libpcap.
std::vector<CaptureRecord> records_of(std::string_view bytes, RecordWalk walk, std::deque<std::string>& copies,
                                      std::size_t* walked = nullptr) {
  CaptureRecords records(bytes, walk);
  std::vector<CaptureRecord> read;
  if (!records.opened()) return read;
  do {
    records.next(read.emplace_back(), copies);
  } while (read.back().status == 1 && read.size() < 10000);
  if (walked) *walked = records.walked();
  return read;
}

// A PcapWriter capture (this machine's byte order, microseconds) changed as
// another writer would have written it: the other byte order, nanoseconds,
// another version.
std::string rewritten(std::string bytes, bool swap, bool nanoseconds, std::uint16_t minor = 4) {
  auto field32 = [&](std::size_t at, auto change) {
    std::uint32_t v;
    std::memcpy(&v, bytes.data() + at, 4);
    v = change(v);
    if (swap) v = __builtin_bswap32(v);
    std::memcpy(bytes.data() + at, &v, 4);
  };
  auto same = [](std::uint32_t v) { return v; };
  field32(0, [&](std::uint32_t) { return nanoseconds ? 0xa1b23c4du : 0xa1b2c3d4u; });
  std::uint16_t version[2] = {2, minor};
  if (swap) version[0] = __builtin_bswap16(version[0]), version[1] = __builtin_bswap16(version[1]);
  std::memcpy(bytes.data() + 4, version, 4);
  for (std::size_t at : {8, 12, 16, 20}) field32(at, same);
  for (std::size_t at = 24; at + 16 <= bytes.size();) {
    std::uint32_t caplen;
    std::memcpy(&caplen, bytes.data() + at + 8, 4);
    field32(at, same);
    field32(at + 4, [&](std::uint32_t micros) { return nanoseconds ? micros * 1000 + 999 : micros; });
    field32(at + 8, same);
    field32(at + 12, same);
    at += 16 + caplen;
  }
  return bytes;
}

// Overwrites one 32-bit field of the record header at `record`, in this
// machine's byte order.
void set_field(std::string& bytes, std::size_t record, int field, std::uint32_t value) {
  std::memcpy(bytes.data() + record + 4 * field, &value, 4);
}

TEST(PcapRecords, PlainRecordsAreReadAsLibpcapReadsThemAndPointIntoTheInput) {
  PcapWriter w;
  w.udp(1700000000.25, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "one"));
  w.udp(4000000000.5, kB, kA, message("SIP/2.0 200 OK", "one"));  // after 2038
  w.tcp(1700000001, kA, kB, 7, PcapWriter::kSyn);
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"as written", w.bytes()},
      {"other byte order", rewritten(w.bytes(), true, false)},
      {"nanoseconds", rewritten(w.bytes(), false, true)},
      {"nanoseconds, other byte order", rewritten(w.bytes(), true, true)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::deque<std::string> copies;
    std::size_t without_libpcap = 0;
    auto walked = records_of(c.bytes, RecordWalk::mapped_when_plain, copies, &without_libpcap);
    auto by_libpcap = records_of(c.bytes, RecordWalk::libpcap_only, copies);
    EXPECT_EQ(without_libpcap, 3u);
    ASSERT_EQ(walked.size(), 4u);
    ASSERT_EQ(by_libpcap.size(), walked.size());
    for (std::size_t i = 0; i < walked.size(); ++i) EXPECT_TRUE(same_record(walked[i], by_libpcap[i])) << i;
    EXPECT_EQ(walked.back().status, PCAP_ERROR_BREAK);
    EXPECT_EQ(capture_seconds(walked[1].header), 4000000000);
    EXPECT_EQ(walked[1].header.ts.tv_usec, 500000);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_GE(walked[i].captured.data(), c.bytes.data());
      EXPECT_LE(walked[i].captured.data() + walked[i].captured.size(), c.bytes.data() + c.bytes.size());
    }
  }
}

// The walk leaves every record it does not take as it lies to libpcap, from
// that record to the end: libpcap judges and words every anomaly as before.
TEST(PcapRecords, AnUnusualRecordAndAllAfterItAreLibpcaps) {
  PcapWriter w;
  w.udp(1, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "one"));
  const std::size_t second = w.bytes().size();
  w.udp(2, kB, kA, message("SIP/2.0 200 OK", "one"));
  w.udp(3, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "two"));
  struct Case {
    const char* name;
    std::function<void(std::string&)> change;
    std::size_t records;  // with the last, the end or libpcap's error
    std::size_t walked;   // before libpcap took over
  };
  const Case cases[] = {
      {"longer than the snapshot length",
       [&](std::string& b) {
         set_field(b, 16, 0, 100);  // the file header's snapshot length
       },
       4, 0},
      {"captured longer than sent", [&](std::string& b) { set_field(b, second, 3, 20); }, 4, 1},
      {"a fraction of a second of a million microseconds", [&](std::string& b) { set_field(b, second, 1, 1000000); }, 4,
       1},
      {"longer than the file",
       [&](std::string& b) {
         set_field(b, second, 2, 60000);
         set_field(b, second, 3, 60000);
       },
       2, 1},
      {"a header cut short", [&](std::string& b) { b.resize(second + 10); }, 2, 1},
      {"version 2.3", [&](std::string& b) { b = rewritten(b, false, false, 3); }, 4, 0},
      {"a link type whose pseudo-header libpcap rewrites (USB)", [&](std::string& b) { set_field(b, 20, 0, 189); }, 4,
       0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string bytes = w.bytes();
    c.change(bytes);
    std::deque<std::string> copies;
    std::size_t without_libpcap = 0;
    auto walked = records_of(bytes, RecordWalk::mapped_when_plain, copies, &without_libpcap);
    auto by_libpcap = records_of(bytes, RecordWalk::libpcap_only, copies);
    EXPECT_EQ(without_libpcap, c.walked);
    ASSERT_EQ(by_libpcap.size(), c.records);
    ASSERT_EQ(walked.size(), by_libpcap.size());
    for (std::size_t i = 0; i < walked.size(); ++i) EXPECT_TRUE(same_record(walked[i], by_libpcap[i])) << i;
  }
}

// A packet libpcap changes as it reads it (here a USB pseudo-header in the
// other byte order) is not in the input as it is: it is copied, and the copy
// is what `search -o` writes.
TEST(PcapRecords, PacketsLibpcapChangesAreCopiedAndWrittenAsItGivesThem) {
  PcapWriter w;
  w.udp(1, kA, kB, message("OPTIONS sip:a@b SIP/2.0", "one"));
  w.udp(2, kB, kA, message("SIP/2.0 200 OK", "one"));
  std::string bytes = w.bytes();
  set_field(bytes, 20, 0, 189);  // LINKTYPE_USB_LINUX
  bytes = rewritten(bytes, true, false);
  std::deque<std::string> copies;
  auto read = records_of(bytes, RecordWalk::libpcap_only, copies);
  ASSERT_EQ(read.size(), 3u);
  ASSERT_EQ(copies.size(), 2u);  // neither packet is in the input as libpcap gives it
  std::string out, error;
  ASSERT_TRUE(copy_packets(bytes, {1, 2}, out, error)) << error;
  std::deque<std::string> copies_out;
  auto written = records_of(out, RecordWalk::libpcap_only, copies_out);
  ASSERT_EQ(written.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(written[i].captured, read[i].captured) << i;
}

}  // namespace
}  // namespace sipsleuth::formats
