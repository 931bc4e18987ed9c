// The one-line progress display for large inputs: what is being done, how
// far, how fast and how long is left. Pure text; the command line decides
// when and where to draw it.
#pragma once

#include <cstdint>
#include <string>

namespace sipsleuth::render {

struct ProgressSnapshot {
  bool building = false;       // reading is done; calls are being built
  std::uint64_t total_bytes = 0;
  std::uint64_t read_bytes = 0;
  std::uint64_t messages = 0;  // known once reading is done
  // Calls built a batch at a time (`calls` on large inputs): how many there
  // are and how many are done; 0 calls while building them all at once.
  std::uint64_t calls = 0;
  std::uint64_t calls_built = 0;
  double elapsed_seconds = 0;  // since this stage started
};

// Sizes as people read them: "812 B", "4.2 MB", "1.03 GB" (powers of 1000, like `ls -h --si`).
std::string human_bytes(std::uint64_t bytes);

// Fits `width` columns: the bar goes first, then the text is cut.
std::string progress_line(const ProgressSnapshot& snapshot, std::size_t width);

}  // namespace sipsleuth::render
