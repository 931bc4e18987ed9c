#include <gtest/gtest.h>

#include <sstream>

#include "render/renderers.hpp"
#include "support/helpers.hpp"

namespace sipsleuth::render {
namespace {

TEST(Printable, EscapesTerminalControlsAndRepairsUtf8) {
  EXPECT_EQ(printable("a\x1b[31mred"), "a\\x1b[31mred");
  EXPECT_EQ(printable(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(printable("line\r\nnext\ttab"), "line\nnext\ttab");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(printable("bad\xff"), "bad\xef\xbf\xbd");
  EXPECT_EQ(printable("c1\xc2\x9b" "x"), "c1\xef\xbf\xbd\xef\xbf\xbdx");
}

TEST(Columns, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(display_width("caf\xc3\xa9"), 4u);
  EXPECT_EQ(pad_right("caf\xc3\xa9", 6), "caf\xc3\xa9  ");
  EXPECT_EQ(truncate_to("abcdefgh", 5), "abcd\xe2\x80\xa6");
}

TEST(Style, ColourOnlyWhenEnabled) {
  Style plain;
  EXPECT_EQ(plain.status(486, "486 Busy"), "486 Busy");
  Style color;
  color.color = true;
  EXPECT_EQ(color.status(200, "200 OK"), "\x1b[32m200 OK\x1b[0m");
}

TEST(Json, InvalidUtf8NeverBreaksJsonOutput) {
  Json j;
  j["text"] = std::string("bad\xff");
  EXPECT_EQ(json_line(j), "{\"text\":\"bad\xef\xbf\xbd\"}");
}

TEST(Show, SecretsAreMaskedUnlessAsked) {
  model::Trace trace = testing::load_paths({"samples/seed001-mpop-call.uccapilog"});
  std::ostringstream masked, shown;
  Style style;
  write_show(masked, trace, trace.calls[0], style);
  style.show_secrets = true;
  write_show(shown, trace, trace.calls[0], style);
  EXPECT_EQ(masked.str().find("0100000000000000adf58669807b40ea"), std::string::npos);
  EXPECT_EQ(masked.str().find("JTZf0de"), std::string::npos);
  EXPECT_NE(shown.str().find("0100000000000000adf58669807b40ea"), std::string::npos);
}

}  // namespace
}  // namespace sipsleuth::render
