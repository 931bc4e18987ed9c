#include <gtest/gtest.h>

#include "formats/line_patterns.hpp"
#include "formats/reader.hpp"
#include "formats/timestamp.hpp"
#include "sip/message.hpp"
#include "support/helpers.hpp"

namespace sipsleuth::formats {
namespace {

const std::string kTwoMessages =
    "01/05/2010|14:00:47.889 418:D8 INFO  :: Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) 100 bytes:\n"
    "OPTIONS sip:a@b SIP/2.0\n"
    "Call-ID: one\n"
    "CSeq: 1 OPTIONS\n"
    "Content-Length: 0\n"
    "\n"
    "01/05/2010|14:00:47.889 418:D8 INFO  :: End of Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) 100 bytes\n"
    "01/05/2010|14:00:47.990 5A4:6F0 ERROR :: CUccSomething::Else failed 0x80ef01f4\n"
    "01/05/2010|14:00:48.011 418:D8 TRACE :: Data Received -10.10.10.1:5061 (To Local Address: 10.98.2.1:51647) 90 bytes:\n"
    "SIP/2.0 200 OK\n"
    "Call-ID: one\n"
    "CSeq: 1 OPTIONS\n"
    "Content-Length: 0\n"
    "\n"
    "01/05/2010|14:00:48.011 418:D8 TRACE :: End of Data Received -10.10.10.1:5061 (To Local Address: 10.98.2.1:51647) 90 bytes\n";

// The last time and day read are remembered: each text still reads as
// itself, whatever was read before it, and a bad one is still refused.
TEST(UsDatetime, EachTextReadsAsItselfWhateverCameBefore) {
  auto micros = [](int y, unsigned mo, unsigned d, int h, int mi, int sec, int ms) -> std::optional<std::int64_t> {
    return ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms) * 1000;
  };
  const std::vector<std::pair<std::string, std::optional<std::int64_t>>> texts = {
      {"03/05/2024|08:00:00.049", micros(2024, 3, 5, 8, 0, 0, 49)},
      {"03/05/2024|08:00:00.049", micros(2024, 3, 5, 8, 0, 0, 49)},  // the same again
      {"03/05/2024|08:00:01.050", micros(2024, 3, 5, 8, 0, 1, 50)},  // same day
      {"03/06/2024|08:00:01.050", micros(2024, 3, 6, 8, 0, 1, 50)},  // same time, next day
      {"03/06/2024-08:00:01.050", std::nullopt},                     // another separator
      {"03/06/2024|24:00:01.050", std::nullopt},                     // a known day, a bad hour
      {"13/06/2024|08:00:01.050", std::nullopt},                     // a bad month, a known time
      {"03/06/2024|08:00:01.050", micros(2024, 3, 6, 8, 0, 1, 50)},
      {"12/31/1999|23:59:60.999", micros(1999, 12, 31, 23, 59, 60, 999)},
  };
  testing::forwards_then_backwards(texts, [](const auto& text_and_expected) {
    const auto& [text, expected] = text_and_expected;
    std::size_t consumed = 0;
    auto t = parse_us_datetime(text + " rest", '|', consumed);
    ASSERT_EQ(t.has_value(), expected.has_value()) << text;
    if (!t) return;
    EXPECT_EQ(t->micros, *expected) << text;
    EXPECT_TRUE(t->valid);
    EXPECT_EQ(consumed, 23u);
  });
}

// What follows a line's time is remembered from the line before: every
// line still reads as itself in any order, its level and text its own, with
// the one space after "::" taken only when there is one.
TEST(ClientLog, EachPrefixReadsAsItselfWhateverCameBefore) {
  struct Case {
    std::string line;
    bool parses;
    std::string level, text;
  };
  const std::vector<Case> cases = {
      {"03/05/2024|08:00:00.049 1A2B:3C4D INFO  :: Sending Packet", true, "INFO", "Sending Packet"},
      {"03/05/2024|08:00:00.050 1A2B:3C4D INFO  :: End of it", true, "INFO", "End of it"},
      {"03/05/2024|08:00:00.050 1A2B:3C4D INFO  ::  two spaces", true, "INFO", " two spaces"},
      {"03/05/2024|08:00:00.050 1A2B:3C4D INFO  ::no space", true, "INFO", "no space"},
      {"03/05/2024|08:00:00.050 1A2B:3C4D INFO  :: after none", true, "INFO", "after none"},
      {"03/05/2024|08:00:00.050 1A2B:3C4D INFO  ::", true, "INFO", ""},
      {"03/05/2024|08:00:00.051 0F0F:0001 ERROR :: other thread", true, "ERROR", "other thread"},
      {"03/05/2024|08:00:00.051 0F0F:0001 :: no level", true, "", "no level"},
      {"03/05/2024|08:00:00.051 xyz INFO :: not hex", false},
      {"03/05/2024|08:00:00.051 0F0F:0001 ERROR : one colon", false},
  };
  testing::forwards_then_backwards(cases, [](const Case& c) {
    auto prefix = parse_client_prefix(c.line);
    ASSERT_EQ(prefix.has_value(), c.parses) << c.line;
    if (!prefix) return;
    EXPECT_EQ(prefix->level, c.level) << c.line;
    EXPECT_EQ(prefix->text, c.text) << c.line;
    EXPECT_EQ(prefix->text.data() + prefix->text.size(), c.line.data() + c.line.size()) << c.line;
  });
}

TEST(ClientLog, ReadsMessagesWithTimeDirectionAndAddresses) {
  ReadResult r = read_client_log(kTwoMessages);
  ASSERT_EQ(r.messages.size(), 2u);
  const SipRecord& sent = r.messages[0];
  EXPECT_EQ(sent.direction, Direction::sent);
  EXPECT_EQ(sent.source, "10.98.2.1:51647");
  EXPECT_EQ(sent.destination, "10.10.10.1:5061");
  EXPECT_EQ(sent.parts.start_line, "OPTIONS sip:a@b SIP/2.0");
  EXPECT_EQ(sent.location.line, 1u);
  EXPECT_TRUE(sent.time.valid);
  EXPECT_FALSE(sent.time.utc);
  const SipRecord& received = r.messages[1];
  EXPECT_EQ(received.direction, Direction::received);
  EXPECT_EQ(received.source, "10.10.10.1:5061");  // "Data Received -10.10.10.1" without a space
  EXPECT_EQ(received.location.line, 9u);
  EXPECT_TRUE(r.findings.empty());
}

// A large log is read in pieces, each placed by the line breaks before it:
// the reader counts them as it walks the lines, with or without a last one.
TEST(ClientLog, CountsTheLineBreaksItWalks) {
  EXPECT_EQ(read_client_log(kTwoMessages).line_breaks, 15u);
  EXPECT_EQ(read_client_log(kTwoMessages + "trailing text").line_breaks, 15u);
  EXPECT_EQ(read_client_log("").line_breaks, 0u);
  EXPECT_EQ(line_breaks(kTwoMessages, nullptr), 15u);
}

TEST(ClientLog, StartLineWithItsOwnPrefixAsBlogsShowIt) {
  ReadResult r = read_client_log(
      "12/10/2012|10:43:06.703 24F8:2648 INFO :: Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) 2520 bytes:\n"
      "12/10/2012|10:43:06.703 24F8:2648 INFO :: INVITE sip:user2@fabrikam.com SIP/2.0\n"
      "Call-ID: a622\n"
      "CSeq: 1 INVITE\n"
      "12/10/2012|10:43:06.703 24F8:2648 INFO :: End of Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) 2520 bytes\n");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].parts.start_line, "INVITE sip:user2@fabrikam.com SIP/2.0");
}

// `calls` groups a client log's messages by the Call-ID the reader finds on
// its way through their lines: it must be the one found in the message.
TEST(ClientLog, CallIdFoundOnTheWayIsTheOneInTheMessage) {
  const std::string open =
      "01/05/2010|14:00:47.889 418:D8 INFO  :: Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) "
      "1 bytes:\n";
  const std::string end =
      "01/05/2010|14:00:47.889 418:D8 INFO  :: End of Sending Packet - 10.10.10.1:5061 (From Local Address: "
      "10.98.2.1:51647) 1 bytes\n";
  std::string too_many_headers = "OPTIONS sip:a@b SIP/2.0\n";
  for (int i = 0; i < 4096; ++i) too_many_headers += "X-Filler: " + std::to_string(i) + "\n";
  const std::vector<std::pair<std::string, std::string>> messages = {
      {"OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TLS h\nCall-ID: plain\nCSeq: 1 OPTIONS\n\n", "plain"},
      {"SIP/2.0 200 OK\r\ni:  compact \r\nCall-ID: second\r\n\r\n", "compact"},
      {"BYE sip:a@b SIP/2.0\nCall-ID: folded\n  over a line\n\tand another\nCSeq: 1 BYE\n\n",
       "folded\n  over a line\n\tand another"},
      {"BYE sip:a@b SIP/2.0\nFrom: <sip:a@b>\n\nCall-ID: in the body\n", ""},
      {"BYE sip:a@b SIP/2.0\nFrom: <sip:a@b>\nnot a header\nCall-ID: after\n", ""},
      {"BYE sip:a@b SIP/2.0\nCall-ID:\n 7 only on the fold\n\n", "7 only on the fold"},
      {"BYE sip:a@b SIP/2.0\nCSeq: 1 BYE\n", ""},
      {too_many_headers + "Call-ID: one header too many\n\n", ""},
  };
  std::string log;
  for (const auto& [text, call_id] : messages) log += open + text + end;
  // A start line with its own prefix, and one without a packet marker.
  log += open + "01/05/2010|14:00:47.889 418:D8 INFO  :: INVITE sip:a@b SIP/2.0\nCall-ID: prefixed\n\n" + end;
  log += "01/05/2010|14:00:48.831 418:D8 INFO :: SIP/2.0 183 Session Progress\nCall-ID: unmarked\n";
  ReadResult r = read_client_log(log, true);
  ASSERT_EQ(r.messages.size(), messages.size() + 2);
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    const SipRecord& record = r.messages[i];
    ASSERT_TRUE(record.call_id.has_value()) << i;
    const std::string_view found = record.call_id->in(record.raw);
    const std::string_view in_message = sip::first_header_value_in_message(record.raw, sip::HeaderId::call_id);
    EXPECT_EQ(found, in_message) << record.raw;
    if (!found.empty()) {
      EXPECT_EQ(found.data(), in_message.data()) << record.raw;
    }
    if (i < messages.size()) {
      EXPECT_EQ(found, messages[i].second) << record.raw;
    }
  }
  EXPECT_EQ(r.messages[messages.size()].call_id->in(r.messages[messages.size()].raw), "prefixed");
  EXPECT_EQ(r.messages[messages.size() + 1].call_id->in(r.messages[messages.size() + 1].raw), "unmarked");
  // Read to be framed at once, the messages are framed and need no Call-ID found ahead.
  EXPECT_FALSE(read_client_log(log).messages[0].call_id.has_value());
}

TEST(ClientLog, MinimalSnooperFormWithoutAddresses) {
  ReadResult r = read_client_log(
      "10/16/2013|08:40:18.943 2D8:1C98 INFO  :: Sending Packet\n"
      "10/16/2013|08:40:18.943 2D8:1C98 INFO  :: SERVICE sip:frank.carius@netatwork.de SIP/2.0\n"
      "From: <sip:sender>\n"
      "To: <sip:ziel>\n"
      "Call-ID: 133283aed71a47eeb4f366e6cc32d17c\n"
      "10/16/2013|08:40:18.943 2D8:1C98 INFO  :: End of\n");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].direction, Direction::sent);
  EXPECT_EQ(r.messages[0].parts.start_line, "SERVICE sip:frank.carius@netatwork.de SIP/2.0");
}

TEST(ClientLog, PrefixedStartLinesWithoutMarkersAsSeedExcerptsShowThem) {
  ReadResult r = read_client_log(
      "01/05/2010|14:00:48.831 418:D8 INFO :: SIP/2.0 183 Session Progress\n"
      "Call-ID: e343\n"
      "CSeq: 1 INVITE\n"
      "01/05/2010|14:00:49.191 418:D8 INFO :: SIP/2.0 183 Session Progress\n"
      "Call-ID: e343\n"
      "CSeq: 1 INVITE\n");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].direction, Direction::unknown);
  EXPECT_TRUE(r.findings.empty());
}

TEST(ClientLog, TruncatedLogKeepsThePartialMessageAndSaysSo) {
  std::string truncated = kTwoMessages.substr(0, kTwoMessages.find("Content-Length: 0\n\n01/05/2010|14:00:48.011"));
  ReadResult r = read_client_log(truncated);
  ASSERT_EQ(r.messages.size(), 2u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "lync.client_message_unterminated");
  EXPECT_EQ(r.findings[0].location.line, 9u);
}

TEST(ClientLog, HugeHeaderLineDoesNotBreakFraming) {
  std::string big(10 * 1024 * 1024, 'x');
  std::string log =
      "01/05/2010|14:00:47.889 418:D8 INFO :: Sending Packet - 1.1.1.1:5061 (From Local Address: 2.2.2.2:1) 1 bytes:\n"
      "OPTIONS sip:a@b SIP/2.0\nCall-ID: big\nX-Huge: " + big + "\nContent-Length: 0\n\n"
      "01/05/2010|14:00:47.889 418:D8 INFO :: End of Sending Packet - 1.1.1.1:5061 (From Local Address: 2.2.2.2:1) 1 bytes\n";
  ReadResult r = read_client_log(log);
  ASSERT_EQ(r.messages.size(), 1u);
  sip::Message m = sip::Message::parse(r.messages[0].parts);
  EXPECT_EQ(m.call_id(), "big");
  EXPECT_EQ(m.header("X-Huge").size(), big.size());
}

}  // namespace
}  // namespace sipsleuth::formats
