// Output written by a thread of its own, so that writing hundreds of
// megabytes to a file or a pipe overlaps building the next calls instead of
// leaving a core idle while the kernel copies them.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>
#include <thread>

namespace sipsleuth::cli {

class WriteBehind : public std::streambuf {
 public:
  // Text is handed over `chunk_bytes` at a time, and at most `queued_chunks`
  // wait: memory stays bounded when the target is slower than the producer.
  explicit WriteBehind(std::ostream& target, std::size_t chunk_bytes = std::size_t{1} << 20,
                       std::size_t queued_chunks = 4);
  ~WriteBehind() override;  // writes what is left and flushes the target
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* text, std::streamsize count) override;
  int sync() override;  // returns once everything so far is written and flushed

 private:
  void hand_over();
  void write_until_stopped();

  std::ostream& target_;
  const std::size_t chunk_bytes_;
  const std::size_t queued_chunks_;
  std::string filling_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  bool writing_ = false;  // a chunk is out of the queue, being written
  bool stopped_ = false;
  std::thread thread_;  // last: starts once everything it uses is ready
};

}  // namespace sipsleuth::cli
