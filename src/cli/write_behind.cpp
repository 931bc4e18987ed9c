#include "cli/write_behind.hpp"

#include <utility>

namespace sipsleuth::cli {

WriteBehind::WriteBehind(std::ostream& target, std::size_t chunk_bytes, std::size_t queued_chunks)
    : target_(target),
      chunk_bytes_(chunk_bytes),
      queued_chunks_(queued_chunks),
      thread_([this] { write_until_stopped(); }) {
  filling_.reserve(chunk_bytes_);
}

WriteBehind::~WriteBehind() {
  hand_over();
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
  thread_.join();
  target_.flush();
}

WriteBehind::int_type WriteBehind::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  filling_.push_back(traits_type::to_char_type(c));
  if (filling_.size() >= chunk_bytes_) hand_over();
  return c;
}

std::streamsize WriteBehind::xsputn(const char* text, std::streamsize count) {
  filling_.append(text, static_cast<std::size_t>(count));
  if (filling_.size() >= chunk_bytes_) hand_over();
  return count;
}

int WriteBehind::sync() {
  hand_over();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.empty() && !writing_; });
  target_.flush();
  return target_ ? 0 : -1;
}

void WriteBehind::hand_over() {
  if (filling_.empty()) return;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < queued_chunks_; });
  queue_.push_back(std::exchange(filling_, std::string()));
  lock.unlock();
  changed_.notify_all();
  filling_.reserve(chunk_bytes_);
}

void WriteBehind::write_until_stopped() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopped, and everything written
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    changed_.notify_all();  // room in the queue
    target_.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    lock.lock();
    writing_ = false;
    changed_.notify_all();
  }
}

}  // namespace sipsleuth::cli
