#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "sip/message.hpp"
#include "sip/text.hpp"
#include "support/helpers.hpp"

namespace sipsleuth::sip {
namespace {

Message parse_text(std::string_view text, std::vector<ParseIssue>* issues = nullptr) {
  return Message::parse(split_message(text, issues).parts);
}

TEST(SipMessage, ParsesRequestLineAndHeadersAsViews) {
  std::string text =
      "INVITE sip:bob@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK1\r\n"
      "Call-ID: abc@host\r\n"
      "CSeq: 314 INVITE\r\n"
      "Content-Length: 4\r\n"
      "\r\n"
      "body";
  Message m = parse_text(text);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), "INVITE");
  EXPECT_EQ(m.request_uri(), "sip:bob@example.com");
  EXPECT_EQ(m.call_id(), "abc@host");
  EXPECT_EQ(m.cseq_number(), 314u);
  EXPECT_EQ(m.cseq_method(), "INVITE");
  EXPECT_EQ(m.parts().body, "body");
  // Views point into the original text: nothing was copied.
  EXPECT_GE(m.call_id().data(), text.data());
  EXPECT_LT(m.call_id().data(), text.data() + text.size());
}

TEST(SipMessage, ParsesStatusLine) {
  Message m = parse_text("SIP/2.0 183 Session Progress\nCall-ID: x\n\n");
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status(), 183);
  EXPECT_EQ(m.reason(), "Session Progress");
}

TEST(SipMessage, HeaderNamesAreKnownInAnyCaseAndNotWithAnyByteChanged) {
  // What header_id() must agree with: the known names compared letter by letter, ignoring case.
  auto by_hand = [](std::string_view name) {
    for (int i = 1; i < static_cast<int>(HeaderId::count_); ++i) {
      auto id = static_cast<HeaderId>(i);
      std::string_view known = canonical_header_name(id);
      if (known.size() != name.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < name.size(); ++k) {
        same = same &&
               std::tolower(static_cast<unsigned char>(name[k])) == std::tolower(static_cast<unsigned char>(known[k]));
      }
      if (same) return id;
    }
    return HeaderId::other;
  };
  for (int i = 1; i < static_cast<int>(HeaderId::count_); ++i) {
    auto id = static_cast<HeaderId>(i);
    const std::string known(canonical_header_name(id));
    std::string upper = known, lower = known, mixed = known;
    for (std::size_t k = 0; k < known.size(); ++k) {
      upper[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(known[k])));
      lower[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(known[k])));
      mixed[k] = k % 2 ? upper[k] : lower[k];
    }
    for (const auto& name : {known, upper, lower, mixed}) EXPECT_EQ(header_id(name), id) << name;
    for (std::size_t k = 0; k < known.size(); ++k) {
      // Bytes a case-folding shortcut could take for letters or '-': each one away from a letter, or with the high bit.
      for (char odd : {'\r', '@', '[', '`', '{', '\x7f', '\xc1', '\xe1', '_', '.', '\0'}) {
        std::string changed = known;
        changed[k] = odd;
        EXPECT_EQ(header_id(changed), by_hand(changed)) << known << " with byte " << k << " changed";
      }
    }
    EXPECT_EQ(header_id(known + "x"), by_hand(known + "x"));
    // One byte that is not a letter is no compact form (a known name without one has 0 for it).
    for (char odd : {'\0', ':', '-', '1'}) EXPECT_EQ(header_id(std::string(1, odd)), HeaderId::other);
    if (known.size() > 2) {  // not a compact form
      EXPECT_EQ(header_id(known.substr(1)), by_hand(known.substr(1)));
    }
  }
}

TEST(SipMessage, CompactAndCaseInsensitiveHeaderNames) {
  Message m = parse_text(
      "INVITE sip:a@b SIP/2.0\r\ni: compact-id\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>\r\nCSEQ: 1 INVITE\r\n"
      "v: SIP/2.0/UDP h\r\nl: 0\r\nMS-DIAGNOSTICS: 13004;reason=\"x\"\r\n\r\n");
  EXPECT_EQ(m.call_id(), "compact-id");
  EXPECT_EQ(m.header(HeaderId::from), "<sip:a@b>;tag=1");
  EXPECT_EQ(m.header(HeaderId::to), "<sip:c@d>");
  EXPECT_EQ(m.cseq_number(), 1u);
  EXPECT_EQ(m.header("Ms-Diagnostics"), "13004;reason=\"x\"");
  EXPECT_EQ(m.header("content-length"), "0");
}

TEST(SipMessage, FoldedHeaderValueSpansLines) {
  Message m = parse_text("OPTIONS sip:a@b SIP/2.0\r\nSubject: first\r\n  second\r\nCall-ID: y\r\n\r\n");
  EXPECT_EQ(m.header(HeaderId::subject), "first\r\n  second");
  EXPECT_EQ(m.call_id(), "y");
}

// `calls` groups messages by the Call-ID found without indexing every
// header: it must be the value the full parse finds, whatever the block holds.
TEST(SipMessage, FirstHeaderValueIsTheValueTheParseIndexes) {
  const std::vector<std::string> blocks = {
      "Via: SIP/2.0/UDP h\r\nCall-ID: plain\r\nCSeq: 1 INVITE\r\n",
      "i: compact\r\n",
      "CALL-id :  spaced  \r\n",
      "Call-ID: folded\r\n  over a line\r\n\tand another\r\nCSeq: 1 BYE\r\n",
      "Call-ID: first\r\nCall-ID: second\r\n",
      "Call-ID:\r\n  only-on-the-fold\r\n",
      "Call-ID: kept\r\nno colon here\r\n  folds into the header before\r\n",
      "  a fold before any header\r\nCall-ID: after\r\n",
      "From: <sip:a@b>\r\nTo: <sip:c@d>\r\n",
      "Call-Id: x\r\n   \r\nCSeq: 2 ACK\r\n",
      "",
  };
  for (const auto& block : blocks) {
    MessageParts parts{"INVITE sip:a@b SIP/2.0", block, {}};
    EXPECT_EQ(first_header_value(block, HeaderId::call_id), Message::parse(parts).call_id()) << block;
    EXPECT_EQ(first_header_value(block, HeaderId::cseq), Message::parse(parts).header(HeaderId::cseq)) << block;
  }
  EXPECT_EQ(first_header_value(blocks[3], HeaderId::call_id), "folded\r\n  over a line\r\n\tand another");
  EXPECT_EQ(first_header_value(blocks[4], HeaderId::call_id), "first");
  EXPECT_EQ(first_header_value(blocks[8], HeaderId::call_id), "");
}

// A client log's or a capture's message is grouped before it is framed: the
// Call-ID found on the way must be the one in the block split_message() frames.
TEST(SipMessage, FirstHeaderValueInMessageIsTheOneInTheFramedBlock) {
  std::string too_many_headers = "OPTIONS sip:a@b SIP/2.0\r\n";
  for (int i = 0; i < 4096; ++i) too_many_headers += "X-Filler: " + std::to_string(i % 10) + "\r\n";
  const std::vector<std::string> messages = {
      "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCall-ID: plain\r\nCSeq: 1 INVITE\r\n\r\nv=0\r\n",
      "\r\n\r\nSIP/2.0 200 OK\ni: compact\n\n",
      "BYE sip:a@b SIP/2.0\r\nCall-ID: folded\r\n  over a line\r\nCSeq: 1 BYE\r\n\r\n",
      "BYE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>\r\n\r\nCall-ID: in the body\r\n",
      "BYE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>\r\nno colon: ends the headers\r\nCall-ID: after\r\n",
      "BYE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>\r\nnot a header\r\nCall-ID: after\r\n",
      "BYE sip:a@b SIP/2.0\r\nCall-ID :  spaced  \r\nCall-ID: second\r\n",
      "BYE sip:a@b SIP/2.0\r\nCall-ID: x\r\n   \r\nCSeq: 2 ACK\r\n\r\n",
      "BYE sip:a@b SIP/2.0\r\nCall-ID:\r\n\tonly-on-the-fold\r\n\r\n",
      "BYE sip:a@b SIP/2.0",
      "\r\n",
      "",
      too_many_headers + "Call-ID: one header too many\r\n\r\n",
      too_many_headers.substr(0, too_many_headers.size() - 13) + "Call-ID: the last header read\r\n\r\n",
  };
  for (const auto& text : messages) {
    SplitResult split = split_message(text, nullptr);
    EXPECT_EQ(first_header_value_in_message(text, HeaderId::call_id),
              first_header_value(split.parts.header_block, HeaderId::call_id))
        << text;
  }
  EXPECT_EQ(first_header_value_in_message(messages[0], HeaderId::call_id), "plain");
  EXPECT_EQ(first_header_value_in_message(messages[2], HeaderId::call_id), "folded\r\n  over a line");
  EXPECT_EQ(first_header_value_in_message(messages[3], HeaderId::call_id), "");
  EXPECT_EQ(first_header_value_in_message(messages[5], HeaderId::call_id), "");
  EXPECT_EQ(first_header_value_in_message(messages[8], HeaderId::call_id), "only-on-the-fold");
  EXPECT_EQ(first_header_value_in_message(messages[12], HeaderId::call_id), "");
  EXPECT_EQ(first_header_value_in_message(messages[13], HeaderId::call_id), "the last header read");
}

// A message read unframed is framed and indexed in one walk: it must come
// out as framing it and then parsing what was framed.
TEST(SipMessage, FrameAndParseIsSplitThenParse) {
  std::string many = "INVITE sip:a@b SIP/2.0\r\n";
  for (int i = 0; i < 4100; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  many += "Call-ID: past the limit\r\nContent-Length: 2\r\n\r\nhi";
  const std::vector<std::string> messages = {
      "INVITE sip:a@b SIP/2.0\r\nCall-ID: c\r\nCSeq: 7 INVITE\r\nContent-Length: 3\r\n\r\nv=0extra",
      "\r\nSIP/2.0 180 Ringing\nCall-ID: folded\n over\nl: 0\n\n",
      "BYE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>\r\nnot a header\r\nCall-ID: body\r\n",
      "BYE sip:a@b SIP/2.0\r\nVia: x\r\n Content-Length: 4\r\n\r\nbody",
      "BYE sip:a@b SIP/2.0\r\nContent-Length: many\r\nCSeq: x BYE\r\n\r\n",
      "SIP/2.0 999 Odd\r\nContent-Length: 10\r\n\r\nshort",
      many,
      "\r\n",
      "",
  };
  for (const auto& text : messages) {
    std::vector<ParseIssue> split_issues, fused_issues;
    SplitResult split = split_message(text, &split_issues);
    Message parsed = Message::parse(split.parts);
    SplitResult fused_split;
    Message fused = Message::frame_and_parse(text, &fused_issues, fused_split);
    EXPECT_EQ(fused_split.parts.start_line, split.parts.start_line) << text;
    EXPECT_EQ(fused_split.parts.header_block, split.parts.header_block) << text;
    EXPECT_EQ(fused_split.parts.body, split.parts.body) << text;
    EXPECT_EQ(fused_split.consumed, split.consumed) << text;
    EXPECT_EQ(fused_split.content_length, split.content_length) << text;
    ASSERT_EQ(fused_issues.size(), split_issues.size()) << text;
    for (std::size_t i = 0; i < split_issues.size(); ++i) EXPECT_EQ(fused_issues[i].code, split_issues[i].code);
    ASSERT_EQ(fused.issues().size(), parsed.issues().size()) << text;
    for (std::size_t i = 0; i < parsed.issues().size(); ++i) EXPECT_EQ(fused.issues()[i].code, parsed.issues()[i].code);
    ASSERT_EQ(fused.header_count(), parsed.header_count()) << text;
    for (std::size_t i = 0; i < parsed.header_count(); ++i) {
      EXPECT_EQ(fused.header_at(i).name, parsed.header_at(i).name);
      EXPECT_EQ(fused.header_at(i).value, parsed.header_at(i).value);
    }
    EXPECT_EQ(fused.call_id(), parsed.call_id()) << text;
    EXPECT_EQ(fused.cseq_number(), parsed.cseq_number()) << text;
    EXPECT_EQ(fused.cseq_method(), parsed.cseq_method()) << text;
    EXPECT_EQ(fused.status(), parsed.status()) << text;
  }
  SplitResult split;
  Message folded = Message::frame_and_parse(messages[1], nullptr, split);
  EXPECT_EQ(folded.call_id(), "folded\n over");
  EXPECT_EQ(split.content_length, 0u);
  EXPECT_EQ(Message::frame_and_parse(many, nullptr, split).header_count(), 4096u);
  EXPECT_EQ(split.parts.body, "hi");
}

// A call's messages repeat their From and To, and the tags read from the
// last ones are reused when the bytes are the same: each message's tags are
// still its own, read from its own text, whatever came before it.
TEST(SipMessage, TagsAreEachMessagesOwnWhenFromAndToRepeat) {
  auto with = [](const std::string& from, const std::string& to) {
    return "SIP/2.0 200 OK\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
  };
  struct Case {
    std::string from, to, from_tag, from_epid, to_tag, to_epid;
  };
  const std::vector<Case> cases = {
      {"\"A\" <sip:a@b>;tag=1111;epid=e1", "<sip:c@d>", "1111", "e1", "", ""},
      {"\"A\" <sip:a@b>;tag=1111;epid=e1", "<sip:c@d>;tag=t2", "1111", "e1", "t2", ""},
      {"\"A\" <sip:a@b>;tag=1111;epid=e1", "<sip:c@d>;tag=t2", "1111", "e1", "t2", ""},
      {"\"A\" <sip:a@b>;tag=2222;epid=e1", "<sip:c@d>;tag=t3", "2222", "e1", "t3", ""},  // same lengths
      {"\"A\" <sip:a@b>;epid=e1;tag=2222", "<sip:c@d>;TAG=t3;epid=x", "2222", "e1", "t3", "x"},
      {"<sip:a@b>", "<sip:c@d>;tag=t3;epid=x", "", "", "t3", "x"},
  };
  testing::forwards_then_backwards(cases, [&](const Case& c) {
    const std::string text = with(c.from, c.to);
    Message m = Message::parse(split_message(text, nullptr).parts);
    EXPECT_EQ(m.from_tag(), c.from_tag) << text;
    EXPECT_EQ(m.from_epid(), c.from_epid) << text;
    EXPECT_EQ(m.to_tag(), c.to_tag) << text;
    EXPECT_EQ(m.to_epid(), c.to_epid) << text;
    for (std::string_view part : {m.from_tag(), m.from_epid(), m.to_tag(), m.to_epid()}) {
      if (part.empty()) continue;
      EXPECT_TRUE(part.data() >= text.data() && part.data() < text.data() + text.size()) << text;
    }
  });
}

// Parsing into a message that held another (as a batch of calls reuses its
// messages) leaves nothing of the other behind: each comes out as parsed
// afresh, after a larger one, a smaller one, one with issues or tags.
TEST(SipMessage, ParsingIntoAMessageForgetsWhatItHeld) {
  std::string many = "SIP/2.0 200 OK\r\n";
  for (int i = 0; i < 40; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  many += "From: \"A\" <sip:a@b>;tag=ft;epid=fe\r\nTo: <sip:c@d>;tag=tt;epid=te\r\nCSeq: 9 BYE\r\n\r\n";
  const std::vector<std::string> messages = {
      many,
      "INVITE sip:a@b SIP/2.0\r\nCall-ID: c\r\nCSeq: 7 INVITE\r\nContent-Length: 3\r\n\r\nv=0extra",
      "BYE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>\r\nnot a header\r\nCall-ID: body\r\n",
      "SIP/2.0 999 Odd\r\nContent-Length: 10\r\n\r\nshort",
      "",
  };
  auto expect_same = [](const Message& reused, const Message& fresh, const std::string& text) {
    EXPECT_EQ(reused.parts().start_line, fresh.parts().start_line) << text;
    EXPECT_EQ(reused.parts().header_block, fresh.parts().header_block) << text;
    EXPECT_EQ(reused.parts().body, fresh.parts().body) << text;
    EXPECT_EQ(reused.is_request(), fresh.is_request()) << text;
    EXPECT_EQ(reused.valid_start_line(), fresh.valid_start_line()) << text;
    EXPECT_EQ(reused.method(), fresh.method()) << text;
    EXPECT_EQ(reused.request_uri(), fresh.request_uri()) << text;
    EXPECT_EQ(reused.status(), fresh.status()) << text;
    EXPECT_EQ(reused.reason(), fresh.reason()) << text;
    EXPECT_EQ(reused.call_id(), fresh.call_id()) << text;
    EXPECT_EQ(reused.cseq_number(), fresh.cseq_number()) << text;
    EXPECT_EQ(reused.cseq_method(), fresh.cseq_method()) << text;
    EXPECT_EQ(reused.from_tag(), fresh.from_tag()) << text;
    EXPECT_EQ(reused.from_epid(), fresh.from_epid()) << text;
    EXPECT_EQ(reused.to_tag(), fresh.to_tag()) << text;
    EXPECT_EQ(reused.to_epid(), fresh.to_epid()) << text;
    EXPECT_EQ(reused.header(HeaderId::content_length), fresh.header(HeaderId::content_length)) << text;
    ASSERT_EQ(reused.header_count(), fresh.header_count()) << text;
    for (std::size_t i = 0; i < fresh.header_count(); ++i) {
      EXPECT_EQ(reused.header_at(i).name, fresh.header_at(i).name) << text;
      EXPECT_EQ(reused.header_at(i).value, fresh.header_at(i).value) << text;
    }
    ASSERT_EQ(reused.issues().size(), fresh.issues().size()) << text;
    for (std::size_t i = 0; i < fresh.issues().size(); ++i) EXPECT_EQ(reused.issues()[i].code, fresh.issues()[i].code);
  };
  for (bool backwards : {false, true}) {
    Message framed, parsed;
    for (std::size_t k = 0; k < messages.size(); ++k) {
      const std::string& text = messages[backwards ? messages.size() - 1 - k : k];
      SplitResult split, fresh_split;
      framed.frame_and_parse_from(text, nullptr, split);
      expect_same(framed, Message::frame_and_parse(text, nullptr, fresh_split), text);
      parsed.parse_from(split.parts);
      expect_same(parsed, Message::parse(split.parts), text);
    }
  }
}

TEST(SipMessage, RepeatedHeadersAreAllKept) {
  Message m = parse_text("INVITE sip:a@b SIP/2.0\nSupported: timer\nSupported: 100rel\nCall-ID: z\n\n");
  std::vector<std::string_view> values;
  m.for_each(HeaderId::supported, [&](std::string_view v) { values.push_back(v); });
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1], "100rel");
}

TEST(SipMessage, NamesAreReadAlikeWhetherTheMessageIsFramedFirstOrAsItIsParsed) {
  // Names looked up from the colon (known ones are not checked letter by
  // letter) must be read as the token rule reads them: spaces before the
  // colon, names in any case, unknown names, and names that are no token.
  const std::string start_line = "INVITE sip:a@b SIP/2.0";
  const std::string block =
      "Via \t: SIP/2.0/UDP h\r\nCALL-ID: q\r\nX-Odd.Name!%*_+`'~: 1\r\nContact\r: <sip:c@d>\r\nX Bad: 2\r\n"
      "Content-Length: 0\r\n";
  // A name of one byte that is not a letter is no token name, nor a compact form (found by fuzzing).
  {
    SplitResult split;
    std::vector<ParseIssue> issues;
    Message m = Message::frame_and_parse(
        std::string("OPTIONS sip:a@b SIP/2.0\r\n") + std::string(1, '\0') + ": x\r\nCall-ID: y\r\n\r\n", &issues,
        split);
    EXPECT_EQ(m.header_count(), 0u);
    EXPECT_EQ(m.call_id(), "");
  }
  const std::string text = start_line + "\r\n" + block + "\r\n";
  // Parsed from a header block framed already, a line whose name is no
  // token is a header still, named by what lies before its colon, trimmed.
  MessageParts parts;
  parts.start_line = start_line;
  parts.header_block = block;
  Message parsed = Message::parse(parts);
  EXPECT_EQ(parsed.top_via(), "SIP/2.0/UDP h");
  EXPECT_EQ(parsed.call_id(), "q");
  EXPECT_EQ(parsed.header("x-odd.name!%*_+`'~"), "1");
  EXPECT_EQ(parsed.header(HeaderId::contact), "<sip:c@d>");
  EXPECT_EQ(parsed.header("X Bad"), "2");
  // Framed as it is parsed, the first line whose name is no token ends the
  // headers: what follows is the body.
  SplitResult split;
  std::vector<ParseIssue> issues;
  Message framed = Message::frame_and_parse(text, &issues, split);
  EXPECT_EQ(framed.top_via(), "SIP/2.0/UDP h");
  EXPECT_EQ(framed.call_id(), "q");
  EXPECT_EQ(framed.header("X-ODD.NAME!%*_+`'~"), "1");
  EXPECT_EQ(framed.header(HeaderId::contact), "");
  EXPECT_EQ(framed.header(HeaderId::content_length), "");
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].code, "sip.missing_blank_line");
  EXPECT_EQ(split.parts.body.substr(0, 7), "Contact");
}

TEST(SipMessage, BodyWithoutBlankLineStartsAtFirstNonHeaderLine) {
  std::vector<ParseIssue> issues;
  auto split = split_message("INVITE sip:a@b SIP/2.0\nCall-ID: q\nContent-Length: 4\nv=0\n", &issues);
  EXPECT_EQ(split.parts.body, "v=0\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "sip.missing_blank_line");
}

TEST(SipMessage, ContentLengthLongerThanBodyIsReported) {
  std::vector<ParseIssue> issues;
  auto split = split_message("INVITE sip:a@b SIP/2.0\r\nContent-Length: 100\r\n\r\nshort", &issues);
  EXPECT_FALSE(split.body_complete);
  EXPECT_EQ(split.parts.body, "short");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "sip.content_length_mismatch");
}

TEST(SipMessage, ContentLengthFramesBodyAndLeavesTheRest) {
  auto split = split_message("SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nabNEXT", nullptr);
  EXPECT_EQ(split.parts.body, "ab");
  EXPECT_EQ(split.consumed, std::string_view("SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nab").size());
}

TEST(SipMessage, BadStartLinesAreNamedFindings) {
  EXPECT_EQ(parse_text("SIP/2.0 4294967301 better not break\r\n\r\n").issues().at(0).code, "sip.bad_status_code");
  EXPECT_EQ(parse_text("OPTIONS sip:a@b SIP/7.0\r\n\r\n").issues().at(0).code, "sip.bad_version");
  EXPECT_EQ(parse_text("garbage\r\n\r\n").issues().at(0).code, "sip.bad_start_line");
}

TEST(SipMessage, StartLineRecognition) {
  EXPECT_TRUE(looks_like_start_line("INVITE sip:a@b SIP/2.0"));
  EXPECT_TRUE(looks_like_start_line("SIP/2.0 200 OK"));
  EXPECT_TRUE(looks_like_start_line("BENOTIFY sip:x@y;gruu SIP/2.0\r"));
  EXPECT_FALSE(looks_like_start_line("GET / HTTP/1.1"));
  EXPECT_FALSE(looks_like_start_line("HTTP/1.1 200 OK"));
  EXPECT_FALSE(looks_like_start_line("v=0"));
}

// What looks_like_start_line() decided when it read every word: it now reads
// only the URI's start and the last word, and must decide the same.
bool start_line_by_every_word(std::string_view line) {
  line = trim(line);
  if (line.size() < 7) return false;
  std::string_view rest = line;
  std::string_view first = pop_word(rest);
  auto version = [](std::string_view s) {
    if (!istarts_with(s, "SIP/")) return false;
    std::string_view v = s.substr(4);
    std::size_t dot = v.find('.');
    return dot != std::string_view::npos && dot > 0 && parse_uint(v.substr(0, dot)) && parse_uint(v.substr(dot + 1));
  };
  if (version(first)) {
    std::string_view code = pop_word(rest);
    return !code.empty() && parse_uint(code).has_value();
  }
  for (char c : first) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-.!%*_+`'~").find(c) == std::string_view::npos)
      return false;
  }
  std::string_view uri = pop_word(rest);
  if (uri.empty() || uri.find(':') == std::string_view::npos) return false;
  std::string_view last;
  for (std::string_view w = pop_word(rest); !w.empty(); w = pop_word(rest)) last = w;
  return version(last);
}

TEST(SipMessage, StartLineIsRecognisedAsWhenEveryWordWasRead) {
  const std::vector<std::string> lines = {
      "INVITE sip:a@b SIP/2.0",
      "INVITE sip:a@b SIP/2.0\r",
      " INVITE  sip:a@b \t SIP/2.0 ",
      "INVITE sip:a@b",
      "INVITE sip:a@b ",
      "INVITE foo bar:baz SIP/2.0",
      "INVITE sip:a b c SIP/2.0",
      "INVITE sip:a@b SIP/2",
      "INVITE sip:a@b SIP/2.x",
      "INVITE sip:a@b sip/2.0",
      "INVITE :x SIP/2.0",
      "INVITE x: SIP/2.0",
      "INV(TE sip:a@b SIP/2.0",
      "SIP/2.0 200 OK",
      "SIP/2.0 abc OK",
      "SIP/2.0",
      "SIP/2.0 ",
      "GET / HTTP/1.1",
      "HTTP/1.1 200 OK",
      "v=0",
      "INVITE sip:a@b SIP/2.0 trailing",
      "INVITE\tsip:a@b\tSIP/2.0",
      "INVITE sip:a@b\rSIP/2.0",
      "MESSAGE tel:+1555 SIP/3.14",
      "",
  };
  for (const auto& line : lines) EXPECT_EQ(looks_like_start_line(line), start_line_by_every_word(line)) << line;
}

TEST(SipMessage, HeaderWithoutColonIsReported) {
  MessageParts parts{"OPTIONS sip:a@b SIP/2.0", "Call-ID: a\r\nno colon here\r\n", ""};
  Message m = Message::parse(parts);
  ASSERT_EQ(m.issues().size(), 1u);
  EXPECT_EQ(m.issues()[0].code, "sip.header_no_colon");
  EXPECT_EQ(m.call_id(), "a");
}

}  // namespace
}  // namespace sipsleuth::sip
