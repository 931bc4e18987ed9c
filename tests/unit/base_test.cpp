#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.hpp"
#include "base/parallel.hpp"

namespace sipsleuth::base {
namespace {

std::size_t counted_one_by_one(std::string_view text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(CountNewlines, EmptyAndShortTexts) {
  EXPECT_EQ(count_newlines(""), 0u);
  EXPECT_EQ(count_newlines("\n"), 1u);
  EXPECT_EQ(count_newlines("a\nb\r\nc"), 2u);
  EXPECT_EQ(count_newlines("no newline here at all"), 0u);
}

TEST(Contains, FindsANeedleWhereverItLiesAndNothingElse) {
  const std::string text = std::string("Call-ID: 3f2a\0\x80", 15) + "9c3f2a9c\r\n";
  EXPECT_TRUE(contains(text, "3f2a9c"));   // after a partial match and a NUL
  EXPECT_TRUE(contains(text, "9c\r\n"));   // at the very end
  EXPECT_TRUE(contains(text, "Call-ID"));  // at the start
  EXPECT_FALSE(contains(text, "3f2a9d"));
  EXPECT_FALSE(contains("3f2", "3f2a"));  // longer than the text
  EXPECT_TRUE(contains(text, ""));
  EXPECT_TRUE(contains_any(text, {"nope", "c3f2a9"}));
  EXPECT_FALSE(contains_any(text, {"", "nope"}));  // empty needles match nothing
  EXPECT_FALSE(contains_any(text, {}));
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

// Taken in order, each after its work, and never more than `ahead` items
// worked on past the one being taken.
TEST(ForEachChunk, EveryChunkRunsOnceOnTheThreadsKeptForSteps) {
  for (unsigned threads : {1u, 2u, 7u}) {
    for (int round = 0; round < 50; ++round) {  // many steps in a row reuse the same helpers
      Chunking cut = chunking(1000 + static_cast<std::size_t>(round), threads, 3);
      std::vector<std::atomic<int>> runs(cut.chunks());
      std::vector<std::atomic<int>> covered(cut.count);
      for_each_chunk(cut, threads, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        ++runs[chunk];
        EXPECT_EQ(begin, cut.begin(chunk));
        EXPECT_EQ(end, cut.end(chunk));
        for (std::size_t i = begin; i < end; ++i) ++covered[i];
      });
      for (auto& r : runs) ASSERT_EQ(r, 1) << threads << " threads, round " << round;
      for (auto& c : covered) ASSERT_EQ(c, 1);
    }
  }
}

TEST(ForEachChunk, StepsInsideStepsAndOnSeveralCallersAtOnceFinish) {
  std::atomic<std::size_t> sum{0};
  auto nested = [&] {
    for_each_index(
        40, 3,
        [&](std::size_t i) {
          for_each_index(
              100, 3, [&](std::size_t j) { sum += i * 100 + j; }, 1);
        },
        1);
  };
  std::thread other(nested);
  nested();
  other.join();
  const std::size_t once = (4000 * 3999) / 2;  // every i * 100 + j of [0, 4000) once
  EXPECT_EQ(sum, 2 * once);
}

TEST(ForEachChunk, AnExceptionComesOutAndTheNextStepStillRuns) {
  EXPECT_THROW(for_each_index(
                   10000, 2,
                   [](std::size_t i) {
                     if (i == 5000) throw std::runtime_error("chunk");
                   },
                   1),
               std::runtime_error);
  std::atomic<std::size_t> count{0};
  for_each_index(
      10000, 2, [&](std::size_t) { ++count; }, 1);
  EXPECT_EQ(count, 10000u);
}

TEST(WorkThenTakeInOrder, TakesEveryItemInOrderAfterItsWork) {
  for (unsigned threads : {1u, 2u, 5u}) {
    for (std::size_t ahead : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
      const std::size_t count = 200;
      std::vector<std::atomic<int>> worked(count);
      std::atomic<std::size_t> claimed{0};
      std::vector<std::size_t> taken;
      std::size_t most_ahead = 0;
      work_then_take_in_order(
          count, threads, ahead,
          [&](std::size_t i) {
            ++claimed;
            worked[i] = 1;
          },
          [&](std::size_t i) {
            EXPECT_EQ(worked[i], 1) << i;
            most_ahead = std::max(most_ahead, claimed.load() - i);
            taken.push_back(i);
          });
      ASSERT_EQ(taken.size(), count);
      for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(taken[i], i);
      EXPECT_LE(most_ahead, ahead) << threads << " threads";
    }
  }
}

TEST(WorkThenTakeInOrder, AnExceptionInWorkOrTakeComesOutOnceEverythingStopped) {
  EXPECT_THROW(work_then_take_in_order(
                   1000, 2, 4,
                   [](std::size_t i) {
                     if (i == 37) throw std::runtime_error("work");
                   },
                   [](std::size_t) {}),
               std::runtime_error);
  std::size_t taken = 0;
  EXPECT_THROW(work_then_take_in_order(
                   1000, 2, 4, [](std::size_t) {},
                   [&](std::size_t i) {
                     if (i == 10) throw std::logic_error("take");
                     ++taken;
                   }),
               std::logic_error);
  EXPECT_EQ(taken, 10u);
  work_then_take_in_order(0, 2, 4, [](std::size_t) { FAIL(); }, [](std::size_t) { FAIL(); });
}

TEST(HandOff, ItemsAreUsedInTheOrderGivenAndDrainWaitsForThem) {
  std::vector<int> used;
  {
    HandOff<int> hand_off(2, [&](int& item) { used.push_back(item); });
    for (int i = 0; i < 100; ++i) hand_off.give(i);
    hand_off.drain();
    EXPECT_EQ(used.size(), 100u);
    for (int i = 100; i < 150; ++i) hand_off.give(i);
  }  // destruction waits for the rest
  ASSERT_EQ(used.size(), 150u);
  for (int i = 0; i < 150; ++i) EXPECT_EQ(used[static_cast<std::size_t>(i)], i);
}

TEST(HandOff, AFailureIsRethrownToTheGiverAndLaterItemsAreDropped) {
  std::vector<int> used;
  HandOff<int> hand_off(1, [&](int& item) {
    if (item == 3) throw std::runtime_error("use");
    used.push_back(item);
  });
  bool thrown = false;
  try {
    for (int i = 0; i < 50; ++i) hand_off.give(i);
    hand_off.drain();
  } catch (const std::runtime_error&) {
    thrown = true;
  }
  EXPECT_TRUE(thrown);
  EXPECT_EQ(used, (std::vector<int>{0, 1, 2}));
}

}  // namespace
}  // namespace sipsleuth::base
