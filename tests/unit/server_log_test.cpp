#include <gtest/gtest.h>

#include "formats/line_patterns.hpp"
#include "formats/reader.hpp"
#include "sip/message.hpp"
#include "support/helpers.hpp"

namespace sipsleuth::formats {
namespace {

const std::string kProtocolRecord =
    "TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record\n"
    "Trace-Correlation-Id: 2003888399\n"
    "Instance-Id: 0000C23F\n"
    "Direction: incoming;source=\"internal edge\";destination=\"external edge\"\n"
    "Peer: lyncservr.contoso.com:61182\n"
    "Message-Type: request\n"
    "Start-Line: OPTIONS sip:Options_User@fabrikam.com SIP/2.0\n"
    "To: <sip:Options_User@fabrikam.com>\n"
    "CSeq: 1 OPTIONS\n"
    "Call-ID: 017b06f397b14886bba5edf97ea206bd\n"
    "CONTENT-LENGTH: 0\n"
    "Message-Body: -\n"
    "$$end_record\n";

// A record's opening line is read in two parts, each remembered from the
// line before: every line still reads as itself, in any order, with either
// part the same as the last line's or not, and a broken one is refused.
TEST(ServerLog, EachHeaderLineReadsAsItselfWhateverCameBefore) {
  struct Case {
    std::string line;
    bool parses;
    std::string level, flag, machine, component, function, text;
    bool begins;
  };
  const std::string protocol = " (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record";
  const std::vector<Case> cases = {
      {"TL_INFO(TF_PROTOCOL) [fe01\\fe01]0C3C.0F78::03/05/2024-08:00:00.049.0001A2F3" + protocol, true, "TL_INFO",
       "TF_PROTOCOL", "fe01", "SIPStack", "SIPAdminLog::TraceProtocolRecord", "", true},
      {"TL_INFO(TF_PROTOCOL) [fe01\\fe01]0C3C.0F78::03/05/2024-08:00:01.000.0001A2F4" + protocol, true, "TL_INFO",
       "TF_PROTOCOL", "fe01", "SIPStack", "SIPAdminLog::TraceProtocolRecord", "", true},
      {"TL_ERROR(TF_DIAG) [2]0C3C.0F78::03/05/2024-08:00:01.000.0001A2F5" + protocol, true, "TL_ERROR", "TF_DIAG", "",
       "SIPStack", "SIPAdminLog::TraceProtocolRecord", "", true},
      {"TL_ERROR(TF_DIAG) [2]0C3C.0F78::03/05/2024-08:00:02.000.0001A2F6 (S4,Conn::Fail:Conn.cpp(9)) lost it", true,
       "TL_ERROR", "TF_DIAG", "", "S4", "Conn::Fail", "lost it", false},
      {"TL_ERROR(TF_DIAG) [2]0C3C.0F78::13/05/2024-08:00:02.000.0001A2F6 (S4,Conn::Fail:Conn.cpp(9)) lost it", false},
      {"TL_ERROR(TF_DIAG) [2]0C3C.0F78 03/05/2024-08:00:02.000.0001A2F6 (S4,Conn::Fail:Conn.cpp(9))", false},
      {"TL_INFO(TF_PROTOCOL) [fe02\\fe02]0C3C.0F78::03/05/2024-08:00:03.000.1 (S4,Conn::Fail:Conn.cpp(9)) lost it",
       true, "TL_INFO", "TF_PROTOCOL", "fe02", "S4", "Conn::Fail", "lost it", false},
  };
  testing::forwards_then_backwards(cases, [](const Case& c) {
    auto h = parse_server_header(c.line);
    ASSERT_EQ(h.has_value(), c.parses) << c.line;
    if (!h) return;
    EXPECT_EQ(h->level, c.level) << c.line;
    EXPECT_EQ(h->flag, c.flag) << c.line;
    EXPECT_EQ(h->machine, c.machine) << c.line;
    EXPECT_EQ(h->component, c.component) << c.line;
    EXPECT_EQ(h->function, c.function) << c.line;
    EXPECT_EQ(h->text, c.text) << c.line;
    EXPECT_EQ(h->begins_record, c.begins) << c.line;
    EXPECT_TRUE(h->time.valid && h->time.utc);
    for (std::string_view part : {h->level, h->component, h->function}) {
      EXPECT_TRUE(part.data() >= c.line.data() && part.data() < c.line.data() + c.line.size()) << c.line;
    }
  });
}

// `calls` groups a server log's messages by the Call-ID the reader finds on
// its way through their header lines: it must be the one found in the block.
TEST(ServerLog, CallIdFoundOnTheWayIsTheOneInTheHeaderBlock) {
  const std::string open =
      "TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 "
      "(SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record\n"
      "Direction: incoming\nPeer: pool.contoso.com:5061\nStart-Line: BYE sip:a@b SIP/2.0\n";
  const std::vector<std::pair<std::string, std::string>> blocks = {
      {"From: <sip:a@b>\nCall-ID: plain\nCSeq: 1 BYE\nMessage-Body: -\n", "plain"},
      {"i:  compact \r\nCall-ID: second\r\nMessage-Body: -\n", "compact"},
      {"Call-ID: folded\n  over a line\nCSeq: 1 BYE\nMessage-Body: -\n", "folded\n  over a line"},
      {"not a header\n\nCall-ID: after a line that is none, and an empty one\nMessage-Body: -\n",
       "after a line that is none, and an empty one"},
      {"Call ID: a name that is no token\nCall-ID: the token one\nMessage-Body: -\n", "the token one"},
      {"From: <sip:a@b>\nMessage-Body: Call-ID: in the body\n", ""},
      {"CSeq: 1 BYE\n", ""},
  };
  std::string log;
  for (const auto& [block, call_id] : blocks) log += open + block + "$$end_record\n";
  ReadResult r = read_server_log(log, true);
  ASSERT_EQ(r.messages.size(), blocks.size());
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    const SipRecord& record = r.messages[i];
    ASSERT_TRUE(record.call_id.has_value()) << i;
    const std::string_view found = record.call_id->in(record.raw);
    const std::string_view in_block = sip::first_header_value(record.parts.header_block, sip::HeaderId::call_id);
    EXPECT_EQ(found, in_block) << record.raw;
    if (!found.empty()) {
      EXPECT_EQ(found.data(), in_block.data()) << record.raw;
    }
    EXPECT_EQ(found, blocks[i].second) << record.raw;
  }
  EXPECT_FALSE(read_server_log(log).messages[0].call_id.has_value());
}

TEST(ServerLog, ProtocolRecordBecomesASipMessage) {
  ReadResult r = read_server_log(kProtocolRecord);
  ASSERT_EQ(r.messages.size(), 1u);
  const SipRecord& m = r.messages[0];
  EXPECT_EQ(m.direction, Direction::received);
  EXPECT_EQ(m.source, "lyncservr.contoso.com:61182");
  EXPECT_EQ(m.correlation_id, "2003888399");
  EXPECT_EQ(m.instance_id, "0000C23F");
  EXPECT_TRUE(m.time.utc);
  EXPECT_TRUE(m.parts.body.empty());
  sip::Message sip = sip::Message::parse(m.parts);
  EXPECT_EQ(sip.method(), "OPTIONS");
  EXPECT_EQ(sip.call_id(), "017b06f397b14886bba5edf97ea206bd");
  EXPECT_EQ(sip.header(sip::HeaderId::content_length), "0");
  EXPECT_TRUE(r.findings.empty());
}

TEST(ServerLog, CountsTheLineBreaksItWalks) {
  EXPECT_EQ(read_server_log(kProtocolRecord).line_breaks, 13u);
  EXPECT_EQ(read_server_log(kProtocolRecord + kProtocolRecord.substr(0, 20)).line_breaks, 13u);
}

TEST(ServerLog, MultiLineBody) {
  ReadResult r = read_server_log(
      "TL_INFO(TF_PROTOCOL) [fe1\\fe1]0C3C.0F78::03/15/2011-09:12:04.117.0001A2F3 (SIPStack,X:Y.cpp(1))$$begin_record\n"
      "Direction: outgoing;source=\"local\";destination=\"medpool\"\n"
      "Peer: medpool.w14lab.com:5070\n"
      "Start-Line: INVITE sip:+1@gw SIP/2.0\n"
      "Call-ID: c1\n"
      "Message-Body: v=0\n"
      "m=audio 1 RTP/AVP 0\n"
      "$$end_record\n");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].parts.body, "v=0\nm=audio 1 RTP/AVP 0");
  EXPECT_EQ(r.messages[0].source, "fe1");  // the machine from [machine\instance]
  EXPECT_EQ(r.messages[0].direction, Direction::sent);
}

TEST(ServerLog, DiagnosticRecordsWithAndWithoutBeginMarker) {
  ReadResult r = read_server_log(
      "TL_ERROR(TF_COMPONENT) [0]0860.0CDC::01/18/2012-05:07:42.622.000d0b31 (SIPStack,CSIPRequest::GetNextHopByRouteHeader:SIPRequest.cpp(2440))( 00000000028FDD70 ) Exit - route headers from untrusted source. Result 0xC3E93C5E(SIPPROXY_E_ROUTING)\n"
      "LogType: diagnostic\n"
      "Severity: warning\n"
      "Result-Code: 0xc3e93c5e SIPPROXY_E_ROUTING\n"
      "SIP-Call-ID: c00bc6180f284b948be61febf274d05e\n"
      "$$end_record\n"
      "TL_ERROR(TF_DIAG) [sfvedge\\sfvedge]0B60.0D6C::03/02/2017-06:30:40.025.00005602 (SIPStack,SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(833)) [3634190282] $$begin_record\n"
      "Severity: error\n"
      "Text: Message cannot be routed because the peer's certificate does not contain a matching FQDN Result-Code: 0xc3e93d67 SIPPROXY_E_ROUTING_MSG_CERT_MISMATCH\n"
      "SIP-Call-ID: e144704c-1dd0-4ea7-929f-77e7e071c24c\n"
      "Data: expected-fqdn =\" vcse.acano.steven.lab \"\n"
      "$$end_record\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].flag, "TF_COMPONENT");
  EXPECT_EQ(r.events[0].field("Result-Code"), "0xc3e93c5e SIPPROXY_E_ROUTING");
  EXPECT_EQ(r.events[1].level, "TL_ERROR");
  EXPECT_EQ(r.events[1].field("Result-Code"), "0xc3e93d67 SIPPROXY_E_ROUTING_MSG_CERT_MISMATCH");
  EXPECT_EQ(r.events[1].field("Text"),
            "Message cannot be routed because the peer's certificate does not contain a matching FQDN");
  EXPECT_EQ(r.events[1].location.line, 7u);
  EXPECT_TRUE(r.findings.empty());
}

TEST(ServerLog, RecordCutOffByTheNextHeaderIsReported) {
  std::string cut = kProtocolRecord.substr(0, kProtocolRecord.find("Message-Body"));
  ReadResult r = read_server_log(cut + kProtocolRecord);
  ASSERT_EQ(r.messages.size(), 2u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "lync.record_unterminated");
  EXPECT_EQ(r.findings[0].location.line, 1u);
}

}  // namespace
}  // namespace sipsleuth::formats
