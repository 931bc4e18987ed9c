#include <gtest/gtest.h>

#include "formats/reader.hpp"

namespace sipsleuth::formats {
namespace {

TEST(SipText, SeveralMessagesWithLfLineEnds) {
  ReadResult r = read_sip_text(
      "INVITE sip:a@b SIP/2.0\nCall-ID: 1\nContent-Length: 3\n\nabc\n"
      "SIP/2.0 200 OK\nCall-ID: 1\nContent-Length: 0\n\n");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].parts.body, "abc");
  EXPECT_EQ(r.messages[1].location.line, 6u);
  EXPECT_TRUE(r.messages[1].framing_issues.empty());
}

TEST(SipText, WrongContentLengthFallsBackToTheNextStartLine) {
  ReadResult r = read_sip_text(
      "INVITE sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 999\r\n\r\nv=0\r\n"
      "SIP/2.0 200 OK\r\nCall-ID: 1\r\nContent-Length: 1\r\n\r\nmore than one byte\r\n"
      "ACK sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n");
  ASSERT_EQ(r.messages.size(), 3u);
  ASSERT_EQ(r.messages[0].framing_issues.size(), 1u);
  EXPECT_EQ(r.messages[0].framing_issues[0].code, "sip.content_length_mismatch");
  EXPECT_NE(r.messages[0].framing_issues[0].detail.find("longer"), std::string::npos);
  ASSERT_EQ(r.messages[1].framing_issues.size(), 1u);
  EXPECT_NE(r.messages[1].framing_issues[0].detail.find("shorter"), std::string::npos);
  EXPECT_EQ(r.messages[2].parts.start_line, "ACK sip:a@b SIP/2.0");
}

TEST(SipText, TextBeforeTheFirstMessageIsSkippedWithANote) {
  ReadResult r = read_sip_text("Hi team, here is the trace:\n\nOPTIONS sip:a@b SIP/2.0\nCall-ID: 9\n\n");
  ASSERT_EQ(r.messages.size(), 1u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "sip_text.skipped_text");
  EXPECT_EQ(r.messages[0].location.line, 3u);
}

}  // namespace
}  // namespace sipsleuth::formats
