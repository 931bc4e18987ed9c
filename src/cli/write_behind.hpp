// Output written by a thread of its own, so that writing hundreds of
// megabytes to a file or a pipe overlaps building the next calls instead of
// leaving a core idle while the kernel copies them.
#pragma once

#include <cstddef>
#include <ostream>
#include <streambuf>
#include <string>

#include "base/parallel.hpp"

namespace sipsleuth::cli {

class WriteBehind : public std::streambuf {
 public:
  // Text is handed over `chunk_bytes` at a time, and at most `queued_chunks`
  // wait: memory stays bounded when the target is slower than the producer.
  explicit WriteBehind(std::ostream& target, std::size_t chunk_bytes = std::size_t{1} << 20,
                       std::size_t queued_chunks = 4);
  ~WriteBehind() override;  // writes what is left and flushes the target

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* text, std::streamsize count) override;
  int sync() override;  // returns once everything so far is written and flushed

 private:
  void hand_over();

  std::ostream& target_;
  const std::size_t chunk_bytes_;
  std::string filling_;
  base::HandOff<std::string> writer_;  // last: its thread writes to target_
};

}  // namespace sipsleuth::cli
