#include <gtest/gtest.h>

#include <sstream>

#include "render/json_writer.hpp"
#include "render/progress.hpp"
#include "render/renderers.hpp"
#include "support/helpers.hpp"

namespace sipsleuth::render {
namespace {

TEST(Progress, ReadingShowsBytesRateAndTimeLeft) {
  ProgressSnapshot s;
  s.total_bytes = 2'000'000'000;
  s.read_bytes = 500'000'000;
  s.elapsed_seconds = 1.0;
  EXPECT_EQ(progress_line(s, 200),
            "[########......................]  reading 500 MB of 2.00 GB   25%  500 MB/s  ETA 3s");
}

TEST(Progress, NarrowTerminalsLoseTheBarThenTheText) {
  ProgressSnapshot s;
  s.total_bytes = 300'000'000;
  s.read_bytes = 0;
  EXPECT_EQ(progress_line(s, 80), "[..............................]  reading 0 B of 300 MB    0%");
  EXPECT_EQ(progress_line(s, 30), "reading 0 B of 300 MB    0%");
  EXPECT_EQ(progress_line(s, 12), "reading 0 B");
}

TEST(Progress, BuildingCountsMessages) {
  ProgressSnapshot s;
  s.building = true;
  s.messages = 1234567;
  s.elapsed_seconds = 75;
  EXPECT_EQ(progress_line(s, 80), "building calls from 1,234,567 messages (1m15s elapsed)");
}

TEST(Progress, BuildingInBatchesCountsCalls) {
  ProgressSnapshot s;
  s.building = true;
  s.messages = 1234567;
  s.calls = 200'000;
  s.calls_built = 50'000;
  s.elapsed_seconds = 2.0;
  EXPECT_EQ(progress_line(s, 200),
            "[########......................]  building calls 50,000 of 200,000   25%  25,000/s  ETA 6s");
  EXPECT_EQ(progress_line(s, 40), "building calls 50,000 of 200,000   25%");
}

TEST(Progress, SizesInSiUnits) {
  EXPECT_EQ(human_bytes(999), "999 B");
  EXPECT_EQ(human_bytes(4'200'000), "4.20 MB");
  EXPECT_EQ(human_bytes(42'000'000), "42.0 MB");
  EXPECT_EQ(human_bytes(1'030'000'000), "1.03 GB");
}

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

namespace sipsleuth::render {
namespace {

// The streaming writer must write what nlohmann writes, byte for byte, so the
// JSON outputs do not depend on which of the two produced a value.
// Strings are looked at sixteen and eight bytes at a time: every special
// byte at every position of strings up to three blocks long, beside
// multi-byte characters; and plain strings of every length written where
// the writer's room still holds specials from text taken before.
TEST(JsonWriter, EscapesAtEveryPositionOfLongStrings) {
  const std::string specials[] = {"\"", "\\", "\n", "\x1f", std::string(1, '\0'), "\x7f", "\xc3\xa9", "\xff", "/"};
  auto nlohmann_text = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const auto& special : specials) {
        std::string s = std::string(at, 'a') + special + std::string(length - at - 1, 'b');
        JsonWriter w;
        w.string(s);
        EXPECT_EQ(w.text(), nlohmann_text(s)) << length << " " << at;
      }
    }
  }
  JsonWriter reused;
  for (std::size_t length = 0; length <= 40; ++length) {
    reused.string(std::string(80, '"'));
    reused.take();
    const std::string plain(length, 'p');
    reused.string(plain);
    EXPECT_EQ(reused.take(), nlohmann_text(plain)) << length;
  }
}

TEST(JsonWriter, WritesWhatNlohmannWrites) {
  const std::vector<std::string> strings = {
      "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 here", 10), "\x01\x1f\x7f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e", "bad \xff byte", "cut \xe2\x82", "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80", "too high \xf4\x90\x80\x80", "<script>&",
      // escapes written before a bad byte is met are not left behind
      "\"quoted\"\ttab, then a long enough run \xff", "caf\xc3\xa9 \"quoted\" then cut \xe2\x82"};
  for (const auto& s : strings) {
    JsonWriter w;
    w.begin_object();
    w.escaped_key(s);
    w.string(s);
    w.key("n");
    w.number(std::int64_t{-42});
    w.key("u");
    w.number(std::uint64_t{18446744073709551615u});
    w.key("a_key_longer_than_the_sixty_characters_that_are_put_together_at_once");
    w.null();
    w.key("list");
    w.begin_array();
    w.null();
    w.boolean(true);
    w.begin_object();
    w.end_object();
    w.optional_string("");
    w.end_array();
    w.end_object();
    nlohmann::ordered_json j;
    j[s] = s;
    j["n"] = -42;
    j["u"] = std::uint64_t{18446744073709551615u};
    j["a_key_longer_than_the_sixty_characters_that_are_put_together_at_once"] = nullptr;
    j["list"] = nlohmann::ordered_json::array({nullptr, true, nlohmann::ordered_json::object(), nullptr});
    if (s == "n" || s == "u" || s == "list") continue;
    EXPECT_EQ(w.text(), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) << s;
  }
}

// The writer's text grows as it is written: strings whose escapes take
// several times their length, values past any room made at first, keys on
// either side of the length copied whole, and values taken a line at a time.
TEST(JsonWriter, GrowsItsTextAndStartsAgainAfterTake) {
  std::string escapes;
  for (int i = 0; i < 5000; ++i) escapes += static_cast<char>(i % 32);
  escapes += "\"\\tail";
  const std::string plain(70000, 'x');
  for (std::size_t expected : {std::size_t{0}, std::size_t{16}, std::size_t{1} << 20}) {
    JsonWriter w(expected);
    for (int line = 0; line < 3; ++line) {
      w.begin_object();
      w.key("a_key_of_twenty_nine_letters_");  // 29 + 3: just fits the room copied whole
      w.string(escapes);
      w.key("a_key_of_thirty_letters_long__");  // one more: written from its text
      w.string(plain);
      w.key("n");
      w.number(std::int64_t{-9223372036854775807 - 1});
      w.end_object();
      w.line_break();
    }
    nlohmann::ordered_json j;
    j["a_key_of_twenty_nine_letters_"] = escapes;
    j["a_key_of_thirty_letters_long__"] = plain;
    j["n"] = std::int64_t{-9223372036854775807 - 1};
    const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    EXPECT_EQ(w.text(), line + line + line);
    EXPECT_EQ(w.take(), line + line + line);
    EXPECT_EQ(w.text(), "");
    w.null();
    EXPECT_EQ(w.take(), "null");
  }
}

// Commas are owed per open container: every level down to the deepest
// allowed keeps its own, and one level more is refused rather than miswritten.
TEST(JsonWriter, KeepsCommasRightAtEveryDepth) {
  JsonWriter w;
  nlohmann::json expected = nlohmann::json::array({1});
  for (int level = 1; level < 64; ++level) expected = nlohmann::json::array({level + 1, expected, level + 1});
  auto write = [&](auto& self, int level) -> void {
    w.begin_array();
    w.number(std::int64_t{64 - level + 1});
    if (level < 64) {
      self(self, level + 1);
      w.number(std::int64_t{64 - level + 1});
    }
    w.end_array();
  };
  write(write, 1);
  EXPECT_EQ(w.text(), expected.dump());
  for (int level = 0; level < 64; ++level) w.begin_array();
  EXPECT_THROW(w.begin_array(), std::logic_error);
}

}  // namespace
}  // namespace sipsleuth::render
