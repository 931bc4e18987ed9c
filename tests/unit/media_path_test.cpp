// The capture side of the media path (FlowTable: TCP handshake outcomes, UDP
// flows, STUN) and its correlation with the signalled media addresses
// (check_media_path), on the seed 003 case and its variations.
#include <gtest/gtest.h>

#include <ctime>

#include "analysis/diagnose.hpp"
#include "analysis/media_path.hpp"
#include "analysis/verdict.hpp"
#include "formats/flows.hpp"
#include "support/helpers.hpp"
#include "support/pcap_writer.hpp"

namespace sipsleuth {
namespace {

using formats::NetEndpoint;
using formats::TcpOutcome;
using testing::PcapWriter;

NetEndpoint ep(const char* ip, std::uint16_t port) { return *NetEndpoint::parse(ip, port); }

formats::Timestamp at_second(std::int64_t s) { return {s * 1'000'000, true, true}; }

TEST(FlowTable, HandshakeOutcomes) {
  formats::FlowTable table;
  auto a = ep("10.0.0.1", 40000), b = ep("192.0.2.9", 443), c = ep("192.0.2.9", 50704), d = ep("192.0.2.9", 50705);
  table.tcp(a, b, 0x02, at_second(1), 1);         // SYN
  table.tcp(b, a, 0x12, at_second(1), 2);         // SYN/ACK
  table.tcp(a, b, 0x18, at_second(2), 3);         // data
  for (int i = 0; i < 3; ++i) {
    table.tcp(a, c, 0x02, at_second(10 + i), 10 + 2 * i);      // SYN
    table.tcp(c, a, 0x14, at_second(10 + i), 11 + 2 * i);      // RST/ACK
  }
  table.tcp(a, d, 0x02, at_second(20), 20);
  table.tcp(a, d, 0x02, at_second(23), 21);
  table.tcp(ep("10.0.0.7", 5000), ep("10.0.0.8", 6000), 0x18, at_second(30), 30);  // opened before the capture
  table.tcp(ep("10.0.0.7", 5001), ep("10.0.0.8", 6001), 0x14, at_second(31), 31);  // a lone RST: ignored
  auto flows = table.take();
  ASSERT_EQ(flows.tcp.size(), 4u);
  EXPECT_EQ(flows.tcp[0].outcome, TcpOutcome::established);
  EXPECT_EQ(flows.tcp[0].packets_to_server, 2u);
  EXPECT_EQ(flows.tcp[0].packets_to_client, 1u);
  EXPECT_EQ(flows.tcp[1].outcome, TcpOutcome::refused);
  EXPECT_EQ(flows.tcp[1].syns, 3u);
  EXPECT_EQ(flows.tcp[1].resets, 3u);
  EXPECT_EQ(flows.tcp[1].first_packet, 10u);
  EXPECT_EQ(flows.tcp[1].answer_packet, 11u);
  EXPECT_EQ(flows.tcp[1].last_reset_packet, 15u);
  EXPECT_EQ(flows.tcp[2].outcome, TcpOutcome::unanswered);
  EXPECT_EQ(flows.tcp[2].syns, 2u);
  EXPECT_EQ(flows.tcp[3].outcome, TcpOutcome::midstream);
  EXPECT_EQ(flows.tcp[3].client, ep("10.0.0.7", 5000));
}

// A connection that carried SIP is no candidate for media; so is one opened
// the other way round between the same two endpoints after it was marked.
TEST(FlowTable, ConnectionsThatCarriedSipAreMarked) {
  formats::FlowTable table;
  auto a = ep("10.0.0.1", 5061), b = ep("10.0.0.2", 5061), c = ep("10.0.0.3", 5061);
  table.tcp(a, b, 0x02, at_second(1), 1);
  table.tcp(a, c, 0x02, at_second(1), 2);
  table.mark_tcp_signalling(a, b);
  table.mark_tcp_signalling(b, a);         // the same connection, the other way
  table.tcp(b, a, 0x02, at_second(2), 3);  // a new connection, opened by the other end
  table.mark_tcp_signalling(b, a);
  auto flows = table.take();
  ASSERT_EQ(flows.tcp.size(), 3u);
  EXPECT_TRUE(flows.tcp[0].signalling);
  EXPECT_FALSE(flows.tcp[1].signalling);
  EXPECT_TRUE(flows.tcp[2].signalling);
}

// Two endpoints can hold an attempt each way, each opened by a SYN from its
// client: a segment belongs to the one its source opened, else to the one
// its destination did; marking the pair marks both.
TEST(FlowTable, AttemptsEachWayBetweenTheSameEndpoints) {
  formats::FlowTable table;
  auto a = ep("10.0.0.1", 5061), b = ep("10.0.0.2", 5061), c = ep("10.0.0.3", 5070), d = ep("10.0.0.4", 5080);
  table.tcp(a, b, 0x02, at_second(1), 1);  // SYN: a's attempt
  table.tcp(b, a, 0x02, at_second(1), 2);  // SYN the other way: b's
  table.tcp(a, b, 0x18, at_second(2), 3);  // a's data: to a's server
  table.tcp(b, a, 0x18, at_second(2), 4);  // b's data: to b's server
  table.tcp(b, a, 0x12, at_second(2), 5);  // SYN/ACK from b: b's own attempt, so a's stays unanswered
  table.tcp(c, d, 0x18, at_second(3), 6);  // opened before the capture, by c
  table.tcp(d, c, 0x18, at_second(3), 7);  // the answer: to c
  table.tcp(d, c, 0x02, at_second(4), 8);  // then d opens one of its own
  table.tcp(d, c, 0x18, at_second(4), 9);
  table.mark_tcp_signalling(c, d);
  struct Expected {
    NetEndpoint client;
    TcpOutcome outcome;
    std::uint32_t syns, to_server, to_client;
    bool signalling;
  };
  const Expected expected[] = {
      {a, TcpOutcome::unanswered, 1, 2, 0, false},
      {b, TcpOutcome::unanswered, 1, 3, 0, false},
      {c, TcpOutcome::midstream, 0, 1, 1, true},
      {d, TcpOutcome::unanswered, 1, 2, 0, true},
  };
  auto flows = table.take();
  ASSERT_EQ(flows.tcp.size(), std::size(expected));
  for (std::size_t i = 0; i < flows.tcp.size(); ++i) {
    const auto& attempt = flows.tcp[i];
    EXPECT_EQ(attempt.client, expected[i].client) << i;
    EXPECT_EQ(attempt.outcome, expected[i].outcome) << i;
    EXPECT_EQ(attempt.syns, expected[i].syns) << i;
    EXPECT_EQ(attempt.packets_to_server, expected[i].to_server) << i;
    EXPECT_EQ(attempt.packets_to_client, expected[i].to_client) << i;
    EXPECT_EQ(attempt.signalling, expected[i].signalling) << i;
  }
}

std::string stun(std::uint16_t type, bool cookie) {
  std::string m(20, '\0');
  m[0] = static_cast<char>(type >> 8);
  m[1] = static_cast<char>(type & 0xff);
  if (cookie) m.replace(4, 4, "\x21\x12\xa4\x42");
  return m;
}

TEST(FlowTable, UdpDirectionsAndStun) {
  formats::FlowTable table;
  auto a = ep("10.0.0.1", 50020), b = ep("198.51.100.7", 3478);
  table.udp(a, b, stun(0x0001, true), at_second(1), 1);   // binding request (RFC 5389)
  table.udp(b, a, stun(0x0101, true), at_second(1), 2);   // success
  table.udp(a, b, stun(0x0003, false), at_second(2), 3);  // MS-TURN allocate, no cookie
  table.udp(b, a, stun(0x0113, false), at_second(2), 4);  // allocate error
  table.udp(a, b, std::string(172, '\x80'), at_second(3), 5);  // RTP
  table.udp(a, b, std::string(20, '\0') + "x", at_second(3), 6);  // length field does not fit: not STUN
  auto flows = table.take();
  ASSERT_EQ(flows.udp.size(), 1u);
  const auto& f = flows.udp[0];
  EXPECT_EQ(f.a, a);
  EXPECT_EQ(f.packets_a_to_b, 4u);
  EXPECT_EQ(f.packets_b_to_a, 2u);
  EXPECT_EQ(f.stun_requests, 2u);
  EXPECT_EQ(f.stun_successes, 1u);
  EXPECT_EQ(f.stun_errors, 1u);
  EXPECT_EQ(f.first_packet, 1u);
  EXPECT_EQ(f.last_packet, 6u);
}

TEST(NetEndpoint, ParsesPrintsAndKnowsPrivateRanges) {
  EXPECT_EQ(ep("10.3.0.40", 58138).text(), "10.3.0.40:58138");
  EXPECT_EQ(ep("2001:db8::1", 5060).text(), "[2001:db8::1]:5060");
  EXPECT_EQ(NetEndpoint::parse("[2001:db8::1]", 1)->ip_text(), "2001:db8::1");
  EXPECT_FALSE(NetEndpoint::parse("edge.contoso.com", 1));
  EXPECT_TRUE(ep("10.3.0.40", 1).is_private());
  EXPECT_TRUE(ep("172.20.1.1", 1).is_private());
  EXPECT_TRUE(ep("192.168.7.5", 1).is_private());
  EXPECT_TRUE(ep("fd00::1", 1).is_private());
  EXPECT_FALSE(ep("2.2.2.2", 1).is_private());
  EXPECT_FALSE(ep("172.32.0.1", 1).is_private());
}

// 2012-12-10 10:43:00 UTC plus `seconds`: the seed 003 capture's clock.
double seed003_time(double seconds) {
  std::tm tm{};
  tm.tm_year = 112;
  tm.tm_mon = 11;
  tm.tm_mday = 10;
  tm.tm_hour = 10;
  tm.tm_min = 43;
  return static_cast<double>(timegm(&tm)) + seconds;
}

const PcapWriter::Endpoint kEdgeExternal{"10.3.0.40", 58138}, kRemoteRelay{"1.1.1.1", 50704};

// A SYN from `client` to the remote relay at `at` (seconds after 10:43 on the seed's day), refused 43 ms later.
void refused_syn(PcapWriter& pcap, double at, const PcapWriter::Endpoint& client = kEdgeExternal) {
  pcap.tcp(seed003_time(at), client, kRemoteRelay, 1, PcapWriter::kSyn);
  pcap.tcp(seed003_time(at + 0.043), kRemoteRelay, client, 0, PcapWriter::kRst | PcapWriter::kAck);
}

model::Trace load_with_capture(const std::string& log_path, const std::string& capture) {
  io::OpenedInputs opened;
  opened.inputs.push_back(
      io::Input{log_path, io::make_owned_buffer(testing::read_file(log_path)), false, false, log_path});
  opened.inputs.push_back(io::Input{"edge.pcap", io::make_owned_buffer(capture), false, false, "edge.pcap"});
  return model::load(std::move(opened));
}

struct Checked {
  analysis::Verdict verdict;
  analysis::MediaPathReport report;
  std::vector<analysis::CallFinding> diagnosed;
  const analysis::CallFinding* find(const std::string& code) const {
    for (const auto& f : report.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }
  std::size_t errors() const {
    std::size_t n = 0;
    for (const auto& f : report.findings) n += f.severity == formats::Severity::error;
    return n;
  }
};

Checked check(const model::Trace& trace, std::string_view call_prefix) {
  auto id = trace.find_call(call_prefix, nullptr);
  EXPECT_TRUE(id);
  const auto& call = trace.calls[*id];
  Checked c{analysis::judge(trace, call), analysis::check_media_path(trace, call), {}};
  c.diagnosed = analysis::diagnose(trace, call, c.verdict);
  return c;
}

const char* kSeed003 = "samples/seed003-app-sharing.uccapilog";

TEST(MediaPath, Seed003RefusedRelayIsNamedAndTheCallMediaFailed) {
  auto trace = testing::load_paths({kSeed003, "samples/seed003-edge.pcap"});
  auto c = check(trace, "a622d7b9");
  EXPECT_TRUE(c.report.checked);
  EXPECT_TRUE(c.report.media_failed);
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::media_failed);
  EXPECT_TRUE(c.verdict.media_failure_in_capture);
  const auto* refused = c.find("media.tcp_refused");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->severity, formats::Severity::error);
  for (const char* part : {"1.1.1.1:50704", "10.3.0.40:58138", "2.2.2.2:58138 behind NAT", "3 SYN answered by RST",
                           "10:43:59.456 – 10:44:00.590", "packets 1299–1361", "TCP 50000–59999"}) {
    EXPECT_NE(refused->message.find(part), std::string::npos) << part << " in: " << refused->message;
  }
  ASSERT_EQ(refused->messages.size(), 2u);  // the INVITE (relay candidate) and the 200 OK (LocalMR)
  EXPECT_NE(c.find("media.nat"), nullptr);
  // The client's own leg to its Edge (TCP 443) connected; that alone does not carry the media.
  const auto* connected = c.find("media.connected");
  ASSERT_NE(connected, nullptr);
  EXPECT_NE(connected->message.find("10.98.2.1:13211"), std::string::npos);
  const auto* clock = c.find("media.clock_offset");
  ASSERT_NE(clock, nullptr);
  EXPECT_NE(clock->message.find("+0h00"), std::string::npos);
}

TEST(MediaPath, EstablishedRelayGivesNoFinding) {
  PcapWriter pcap;
  pcap.tcp(seed003_time(59.456), kEdgeExternal, kRemoteRelay, 1, PcapWriter::kSyn);
  pcap.tcp(seed003_time(59.499), kRemoteRelay, kEdgeExternal, 1, PcapWriter::kSyn | PcapWriter::kAck);
  pcap.tcp(seed003_time(59.500), kEdgeExternal, kRemoteRelay, 2, PcapWriter::kAck);
  pcap.tcp(seed003_time(59.600), kRemoteRelay, kEdgeExternal, 2, PcapWriter::kPsh | PcapWriter::kAck, "data");
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  auto c = check(trace, "a622d7b9");
  EXPECT_FALSE(c.report.media_failed);
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::answered);
  EXPECT_EQ(c.errors(), 0u);
  EXPECT_EQ(c.find("media.not_attempted"), nullptr);
  ASSERT_NE(c.find("media.connected"), nullptr);
  EXPECT_NE(c.find("media.connected")->message.find("1.1.1.1:50704"), std::string::npos);
}

TEST(MediaPath, UnansweredSynIsADroppedConnection) {
  PcapWriter pcap;
  for (int i = 0; i < 3; ++i) pcap.tcp(seed003_time(59.0 + i * 3), kEdgeExternal, kRemoteRelay, 1, PcapWriter::kSyn);
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  auto c = check(trace, "a622d7b9");
  ASSERT_NE(c.find("media.tcp_unanswered"), nullptr);
  EXPECT_NE(c.find("media.tcp_unanswered")->message.find("3 SYN"), std::string::npos);
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::media_failed);
}

TEST(MediaPath, NatIsMatchedByPortOnlyForAPrivateAddress) {
  // A public address that is not in the signalling, with the relay's port: not the caller's Edge.
  PcapWriter pcap;
  refused_syn(pcap, 59.456, {"203.0.113.80", 58138});
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  auto c = check(trace, "a622d7b9");
  EXPECT_EQ(c.find("media.nat"), nullptr);
  // Still a refused attempt at the callee's relay, but not between the two parties: reported, not a verdict.
  const auto* refused = c.find("media.tcp_refused");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->severity, formats::Severity::info);
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::answered);
}

TEST(MediaPath, CaptureWithoutMediaSaysTheRelaysWereNeverTried) {
  PcapWriter pcap;
  for (int s = 0; s <= 300; s += 10) pcap.udp(seed003_time(s), {"10.3.0.34", 53000}, {"10.3.0.2", 53}, "dns?");
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  auto c = check(trace, "a622d7b9");
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::answered);
  EXPECT_EQ(c.errors(), 0u);
  const auto* never = c.find("media.not_attempted");
  ASSERT_NE(never, nullptr);
  EXPECT_NE(never->message.find("1.1.1.1:50704"), std::string::npos);
}

// A flow that carried SIP is the signalling's own, even on a port the SDP
// also names; and a capture of signalling only (a SIP port filter) says
// nothing about media, not even that it was never tried.
TEST(MediaPath, FlowsThatCarriedSipAreNeverMedia) {
  PcapWriter pcap;
  const std::string options = "OPTIONS sip:relay@1.1.1.1 SIP/2.0\r\nCall-ID: keepalive-1\r\nCSeq: 1 OPTIONS\r\n"
                              "Content-Length: 0\r\n\r\n";
  for (int s = 0; s <= 300; s += 10) {
    pcap.udp(seed003_time(s), kEdgeExternal, kRemoteRelay, options);
    pcap.udp(seed003_time(s + 0.01), kRemoteRelay, kEdgeExternal, options);
  }
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  ASSERT_EQ(trace.inputs[1].flows.udp.size(), 1u);
  EXPECT_TRUE(trace.inputs[1].flows.udp[0].signalling);
  EXPECT_FALSE(trace.inputs[1].flows.has_media_candidates());
  EXPECT_TRUE(trace.flows.empty());
  auto c = check(trace, "a622d7b9");
  EXPECT_EQ(c.find("media.connected"), nullptr);
  EXPECT_EQ(c.find("media.not_attempted"), nullptr);
  EXPECT_EQ(c.errors(), 0u);
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::answered);
}

TEST(MediaPath, CaptureOutsideTheCallSaysNothing) {
  PcapWriter pcap;
  pcap.udp(seed003_time(-86400), {"10.3.0.34", 53000}, {"10.3.0.2", 53}, "dns?");
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  auto c = check(trace, "a622d7b9");
  EXPECT_TRUE(c.report.findings.empty());
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::answered);
}

TEST(MediaPath, CaptureClockAnHourAheadIsEstimatedAndReported) {
  PcapWriter pcap;
  refused_syn(pcap, 3600 + 59.456);
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  auto c = check(trace, "a622d7b9");
  ASSERT_NE(c.find("media.clock_offset"), nullptr);
  EXPECT_NE(c.find("media.clock_offset")->message.find("+1h00"), std::string::npos);
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::media_failed);
}

TEST(MediaPath, GivenOffsetShiftsTheCapture) {
  PcapWriter pcap;
  refused_syn(pcap, 3600 + 59.456);
  testing::TempDir dir;
  std::string capture = dir.file("edge.pcap", pcap.bytes());
  auto r = testing::run_cli({"diagnose", "-q", "--offset", "edge.pcap=-3600", kSeed003, capture});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("reads +0h00"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--offset moved"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10:43:59.456"), std::string::npos) << r.out;
}

TEST(MediaPath, OneWayUdpToTheAnsweringRelayFailsTheAudio) {
  // Seed 001: the caller's host 200.1.1.201:50016 and the callee's relay 200.1.1.20:52279 (UDP).
  PcapWriter pcap;
  double t = 1262700050.0;  // 2010-01-05 14:00:50 UTC
  for (int i = 0; i < 5; ++i) {
    pcap.udp(t + i * 0.5, {"200.1.1.201", 50016}, {"200.1.1.20", 52279}, stun(0x0001, true));
  }
  auto trace = load_with_capture("samples/seed001-mpop-call.uccapilog", pcap.bytes());
  auto c = check(trace, "e343");
  const auto* one_way = c.find("media.udp_one_way");
  ASSERT_NE(one_way, nullptr);
  EXPECT_NE(one_way->message.find("5 packets (5 STUN request(s)), none back"), std::string::npos) << one_way->message;
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::media_failed);
  // The same flow with answers is a healthy call.
  for (int i = 0; i < 5; ++i) {
    pcap.udp(t + 0.1 + i * 0.5, {"200.1.1.20", 52279}, {"200.1.1.201", 50016}, stun(0x0101, true));
  }
  auto healthy = load_with_capture("samples/seed001-mpop-call.uccapilog", pcap.bytes());
  auto h = check(healthy, "e343");
  EXPECT_EQ(h.verdict.outcome, analysis::Outcome::answered);
  EXPECT_EQ(h.errors(), 0u);
  EXPECT_NE(h.find("media.connected"), nullptr);
}

TEST(MediaPath, TensOfThousandsOfUnrelatedFlowsChangeNothing) {
  PcapWriter pcap;
  for (int i = 0; i < 30000; ++i) {
    PcapWriter::Endpoint client{"10.20." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1),
                                static_cast<std::uint16_t>(20000 + i % 30000)};
    PcapWriter::Endpoint server{"192.0.2." + std::to_string(i % 200 + 1), static_cast<std::uint16_t>(i % 2 ? 443 : 8080)};
    pcap.tcp(seed003_time(i * 0.01), client, server, 1, PcapWriter::kSyn);
    pcap.tcp(seed003_time(i * 0.01), server, client, 1, PcapWriter::kSyn | PcapWriter::kAck);
  }
  refused_syn(pcap, 59.456);
  auto trace = load_with_capture(kSeed003, pcap.bytes());
  ASSERT_EQ(trace.inputs[1].flows.tcp.size(), 30001u);
  auto c = check(trace, "a622d7b9");
  EXPECT_EQ(c.verdict.outcome, analysis::Outcome::media_failed);
  ASSERT_NE(c.find("media.tcp_refused"), nullptr);
  std::size_t media_findings = 0;
  for (const auto& f : c.report.findings) media_findings += f.code.rfind("media.", 0) == 0;
  EXPECT_EQ(media_findings, 3u);  // clock offset, NAT, refused
}

TEST(MediaPath, RelayOutsideTheEdgePortsIsFlaggedWithoutACapture) {
  std::string log = testing::read_file(kSeed003);
  auto at = log.find("LocalMR=1.1.1.1:50704");
  ASSERT_NE(at, std::string::npos);
  log.replace(at, 21, "LocalMR=1.1.1.1:40704");
  auto trace = testing::load_text("moved.uccapilog", log);
  auto c = check(trace, "a622d7b9");
  const auto* outside = c.find("media.port_outside_edge_range");
  ASSERT_NE(outside, nullptr);
  EXPECT_NE(outside->message.find("1.1.1.1:40704"), std::string::npos);
  EXPECT_FALSE(c.report.checked);
}

}  // namespace
}  // namespace sipsleuth
