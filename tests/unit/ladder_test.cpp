// Ladder layout and its writers: columns by address and by endpoint, row
// markers, SVG that parses as XML with one arrow per message, and escaping of
// hostile trace text in SVG, Mermaid and the HTML report.
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <sstream>

#include "render/ladder.hpp"
#include "support/helpers.hpp"

namespace sipsleuth {
namespace {

using render::ArrowClass;
using render::LadderColumns;

const char* kSeed001 = "samples/seed001-mpop-call.uccapilog";
const char* kHostile = "tests/fixtures/conversation-hostile.uccapilog";

std::vector<std::uint32_t> all_calls(const model::Trace& trace) {
  std::vector<std::uint32_t> ids;
  for (const auto& c : trace.calls) ids.push_back(c.id);
  return ids;
}

TEST(LadderLayout, ByAddressHasOneColumnPerHost) {
  auto trace = testing::load_paths({kSeed001});
  ASSERT_EQ(trace.calls.size(), 1u);
  auto ladder = render::layout_ladder(trace, {0}, {LadderColumns::address});
  ASSERT_EQ(ladder.participants.size(), 2u);
  EXPECT_EQ(ladder.participants[0].title, "200.1.1.201");
  EXPECT_EQ(ladder.participants[1].title, "200.1.1.20");
  EXPECT_NE(ladder.participants[0].subtitle.find("client log"), std::string::npos);
  ASSERT_EQ(ladder.rows.size(), trace.calls[0].messages.size());
  EXPECT_EQ(ladder.rows[0].label, "INVITE");
  EXPECT_EQ(ladder.rows[0].from, 0u);
  EXPECT_EQ(ladder.rows[0].to, 1u);
  EXPECT_TRUE(ladder.rows[0].has_sdp);
  EXPECT_EQ(ladder.rows[0].cseq, "1 INVITE");
  EXPECT_FALSE(ladder.rows[0].delta_micros.has_value());
  EXPECT_EQ(ladder.rows[1].arrow, ArrowClass::provisional);
  EXPECT_EQ(*ladder.rows[1].delta_micros, 122000);
  EXPECT_EQ(ladder.rows[2].diagnostic, "ms-diagnostics 13004");
}

TEST(LadderLayout, ByEndpointGivesEachRingingDeviceAColumnAndMarksTheAnswer) {
  auto trace = testing::load_paths({kSeed001});
  auto ladder = render::layout_ladder(trace, {0}, {LadderColumns::endpoint});
  // caller, the called address before a device answers, and the two devices that sent 183
  ASSERT_EQ(ladder.participants.size(), 4u);
  EXPECT_NE(ladder.participants[2].subtitle.find("aad34505db"), std::string::npos);
  EXPECT_NE(ladder.participants[3].subtitle.find("2798f0b3cc"), std::string::npos);
  EXPECT_FALSE(ladder.participants[2].answered);
  EXPECT_TRUE(ladder.participants[3].answered);
  int answers = 0;
  for (const auto& row : ladder.rows) {
    if (row.label == "183 Session Progress") {
      EXPECT_NE(row.fork, 0u);
    }
    if (row.answering_fork) {
      ++answers;
      EXPECT_EQ(row.label, "200 OK");
      EXPECT_EQ(row.fork, 2u);
      EXPECT_EQ(row.from, 3u);
    }
  }
  EXPECT_EQ(answers, 1) << "only the first 2xx of the answering device, not the re-INVITE's";
}

TEST(LadderLayout, RetransmissionsAreMarkedNotDropped) {
  auto trace = testing::load_paths({"samples/trunk-capture.pcap"});
  auto id = trace.find_call("trunk-udp", nullptr);
  ASSERT_TRUE(id);
  auto ladder = render::layout_ladder(trace, {*id}, {});
  ASSERT_EQ(ladder.rows.size(), trace.calls[*id].messages.size());
  ASSERT_GE(ladder.rows.size(), 2u);
  EXPECT_TRUE(ladder.rows[1].retransmission);
  EXPECT_NE(ladder.rows[1].notes.find("retransmission"), std::string::npos);
}

TEST(LadderLayout, SeveralCallsMergeInTimeOrderWithCallNumbers) {
  auto trace = testing::load_paths({kHostile});
  ASSERT_EQ(trace.calls.size(), 2u);
  auto ladder = render::layout_ladder(trace, all_calls(trace), {});
  ASSERT_EQ(ladder.rows.size(), 8u);
  for (std::size_t i = 1; i < ladder.rows.size(); ++i) EXPECT_LE(ladder.rows[i - 1].time.micros, ladder.rows[i].time.micros);
  EXPECT_EQ(ladder.rows.front().notes.rfind("call 1", 0), 0u);
  EXPECT_EQ(ladder.rows.back().notes.rfind("call 2", 0), 0u);
}

TEST(LadderSvg, ParsesAsXmlWithOneArrowPerMessage) {
  for (const char* path : {kSeed001, "samples/seed000-federated-mpop.uccapilog", "samples/trunk-capture.pcap",
                           "samples/seed004-fe-outbound-routing.log", "samples/pasted-im-and-options.sip", kHostile}) {
    auto trace = testing::load_paths({path});
    for (auto columns : {LadderColumns::address, LadderColumns::endpoint}) {
      auto ladder = render::layout_ladder(trace, all_calls(trace), {columns});
      std::ostringstream svg;
      render::write_ladder_svg(svg, trace, ladder);
      pugi::xml_document doc;
      auto parsed = doc.load_string(svg.str().c_str());
      ASSERT_TRUE(parsed) << path << ": " << parsed.description() << " at " << parsed.offset;
      std::size_t messages = 0;
      for (const auto& call : trace.calls) messages += call.messages.size();
      auto arrows = doc.select_nodes("//g[starts-with(@class, 'msg ')]");
      EXPECT_EQ(arrows.size(), messages) << path;
      auto columns_drawn = doc.select_nodes("//g[starts-with(@class, 'participant')]");
      EXPECT_EQ(columns_drawn.size(), ladder.participants.size()) << path;
      for (const auto& arrow : arrows) {
        EXPECT_TRUE(arrow.node().child("path") || arrow.node().child("line")) << path;
      }
    }
  }
}

// Text of every node under `node`, concatenated.
std::string all_text(const pugi::xml_node& node) {
  std::string text;
  for (const auto& n : node.select_nodes("descendant::text()")) text += n.node().value();
  return text;
}

TEST(LadderSvg, HostileTraceTextStaysText) {
  // A display name and a header value that would be markup if pasted raw.
  auto trace = testing::load_paths({kHostile});
  auto ladder = render::layout_ladder(trace, all_calls(trace), {LadderColumns::endpoint});
  ladder.participants[0].title = "<script>alert(1)</script>";  // as a hostile URI would show
  ladder.participants[0].subtitle = "<img onerror=x>&\x01";
  std::ostringstream svg;
  render::write_ladder_svg(svg, trace, ladder);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.str().c_str()));
  EXPECT_TRUE(doc.select_nodes("//script").empty());
  EXPECT_TRUE(doc.select_nodes("//img").empty());
  std::string text = all_text(doc.document_element());
  EXPECT_NE(text.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(text.find("<img onerror=x>&\\x01"), std::string::npos);
}

TEST(LadderMermaid, EscapesWhatWouldEndAStatementOrStartMarkup) {
  auto trace = testing::load_paths({kHostile});
  auto ladder = render::layout_ladder(trace, all_calls(trace), {LadderColumns::endpoint});
  ladder.participants[0].title = "a;b#c<d>%%e\nf";
  ladder.rows[0].label = "INVITE; <b>x</b>";
  std::ostringstream out;
  render::write_ladder_mermaid(out, trace, ladder);
  std::string text = out.str();
  EXPECT_EQ(text.rfind("sequenceDiagram\n", 0), 0u);
  EXPECT_NE(text.find("participant P0 as a#59;b#35;c#60;d#62;#37;#37;e f"), std::string::npos) << text;
  EXPECT_NE(text.find("P0->>P1: 09:15:01.100 INVITE#59; #60;b#62;x#60;/b#62;"), std::string::npos) << text;
  std::size_t arrows = 0;
  for (std::size_t at = 0; (at = text.find("\n  P", at)) != std::string::npos; ++at) ++arrows;
  EXPECT_EQ(arrows, ladder.rows.size());
}

TEST(LadderText, FitsTheWidthAndCutsLabels) {
  auto trace = testing::load_paths({"samples/seed000-federated-mpop.uccapilog"});
  auto ladder = render::layout_ladder(trace, {0}, {LadderColumns::endpoint});
  for (std::size_t width : {80u, 100u, 140u}) {
    std::ostringstream out;
    render::TextLadderOptions options;
    options.unicode = true;
    options.width = width;
    std::size_t needed = render::write_ladder_text(out, trace, ladder, render::Style{}, options);
    EXPECT_LE(needed, width);
    std::istringstream lines(out.str());
    std::string line;
    std::size_t lines_seen = 0;
    while (std::getline(lines, line)) {
      if (line.rfind("Call ", 0) == 0) continue;  // the heading names the call in full
      EXPECT_LE(render::display_width(line), width) << line;
      ++lines_seen;
    }
    EXPECT_GT(lines_seen, 2 * ladder.rows.size());
  }
}

TEST(LadderText, ColoursArrowsByClassOnlyWhenAsked) {
  auto trace = testing::load_paths({kSeed001});
  auto ladder = render::layout_ladder(trace, {0}, {});
  std::ostringstream plain, coloured;
  render::write_ladder_text(plain, trace, ladder, render::Style{}, {});
  render::write_ladder_text(coloured, trace, ladder, render::Style{true, false}, {});
  EXPECT_EQ(plain.str().find('\x1b'), std::string::npos);
  EXPECT_NE(coloured.str().find("\x1b[36mINVITE"), std::string::npos);       // request
  EXPECT_NE(coloured.str().find("\x1b[33m100 Trying"), std::string::npos);   // 1xx
  EXPECT_NE(coloured.str().find("\x1b[32m200 OK"), std::string::npos);       // 2xx
}

TEST(Report, IsSelfContainedAndKeepsTraceTextOutOfMarkup) {
  auto trace = testing::load_paths({kHostile});
  std::ostringstream out;
  render::write_report_html(out, trace, all_calls(trace), {});
  std::string html = out.str();
  // No fetches: nothing refers to another file or host.
  for (const char* ref : {"src=\"http", "href=\"http", "src=\"//", "@import", "url("}) {
    EXPECT_EQ(html.find(ref), std::string::npos) << ref;
  }
  // Exactly two scripts: the JSON data block and sipsleuth's own script.
  std::size_t scripts = 0;
  for (std::size_t at = 0; (at = html.find("<script", at)) != std::string::npos; ++at) ++scripts;
  EXPECT_EQ(scripts, 2u);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("window.__xss=1</script>"), std::string::npos);
  EXPECT_NE(html.find("\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e"), std::string::npos);
  // The SRTP key of the fixture is masked unless asked for.
  EXPECT_EQ(html.find("SECRETKEYSECRETKEY"), std::string::npos);
  std::ostringstream unmasked;
  render::write_report_html(unmasked, trace, all_calls(trace), {LadderColumns::address, true});
  EXPECT_NE(unmasked.str().find("SECRETKEYSECRETKEY"), std::string::npos);
}

}  // namespace
}  // namespace sipsleuth
