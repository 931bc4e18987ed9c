#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "base/bytes.hpp"

namespace sipsleuth::base {
namespace {

std::size_t counted_one_by_one(std::string_view text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(CountNewlines, EmptyAndShortTexts) {
  EXPECT_EQ(count_newlines(""), 0u);
  EXPECT_EQ(count_newlines("\n"), 1u);
  EXPECT_EQ(count_newlines("a\nb\r\nc"), 2u);
  EXPECT_EQ(count_newlines("no newline here at all"), 0u);
}

// Every byte a newline: each lane counts as many as it can hold between
// sums, so a lane that overflowed would show here.
TEST(CountNewlines, NothingButNewlinesOverManyRounds) {
  for (std::size_t size : {7u, 8u, 9u, 2039u, 2040u, 2041u, 4080u, 100000u}) {
    std::string text(size, '\n');
    EXPECT_EQ(count_newlines(text), size) << size;
  }
}

// Bytes that differ from '\n' in one bit, and bytes with the top bit set,
// must not count.
TEST(CountNewlines, NearMissesDoNotCount) {
  std::string text;
  for (int b = 0; b < 256; ++b) text.push_back(static_cast<char>(b));
  text += std::string(64, '\x0b') + std::string(64, '\x8a') + std::string(64, '\x0e');
  EXPECT_EQ(count_newlines(text), 1u);
}

TEST(CountNewlines, MatchesCountingOneByOneAtEveryAlignment) {
  std::mt19937 random(7);
  std::string text(20000, ' ');
  for (auto& c : text) {
    unsigned r = random() % 100;
    c = r < 10 ? '\n' : r < 20 ? static_cast<char>(random() % 256) : 'x';
  }
  for (std::size_t begin = 0; begin < 9; ++begin) {
    for (std::size_t length : {0u, 1u, 15u, 16u, 17u, 2047u, 5000u, 19990u}) {
      std::string_view part = std::string_view(text).substr(begin, length);
      EXPECT_EQ(count_newlines(part), counted_one_by_one(part)) << begin << " " << length;
    }
  }
}

}  // namespace
}  // namespace sipsleuth::base
