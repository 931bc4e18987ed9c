#include "cli/write_behind.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace sipsleuth::cli {
namespace {

// Pieces smaller and larger than a chunk, single characters through
// overflow(), and flushes in between come out whole and in order.
TEST(WriteBehind, EverythingArrivesInOrder) {
  std::ostringstream target;
  std::string expected;
  {
    WriteBehind behind(target, 64, 2);
    std::ostream out(&behind);
    for (int i = 0; i < 2000; ++i) {
      std::string piece(static_cast<std::size_t>(i % 150), static_cast<char>('a' + i % 26));
      out << piece << i << '\n';
      expected += piece + std::to_string(i) + '\n';
      if (i % 500 == 0) out.flush();
    }
  }
  EXPECT_EQ(target.str(), expected);
}

TEST(WriteBehind, FlushWaitsUntilTheTargetHasIt) {
  std::ostringstream target;
  WriteBehind behind(target, 1 << 20, 4);
  std::ostream out(&behind);
  out << "first line\n";
  EXPECT_EQ(target.str(), "");  // less than a chunk: still held
  out.flush();
  EXPECT_EQ(target.str(), "first line\n");
}

}  // namespace
}  // namespace sipsleuth::cli
