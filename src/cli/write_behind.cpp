#include "cli/write_behind.hpp"

#include <utility>

namespace sipsleuth::cli {

WriteBehind::WriteBehind(std::ostream& target, std::size_t chunk_bytes, std::size_t queued_chunks)
    : target_(target),
      chunk_bytes_(chunk_bytes),
      writer_(queued_chunks, [this](std::string& chunk) {
        target_.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      }) {
  filling_.reserve(chunk_bytes_);
}

WriteBehind::~WriteBehind() {
  try {
    hand_over();
    writer_.drain();
  } catch (...) {
    // Writing to a stream fails by its state, not by throwing; nothing more to tell.
  }
  target_.flush();
}

WriteBehind::int_type WriteBehind::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  filling_.push_back(traits_type::to_char_type(c));
  if (filling_.size() >= chunk_bytes_) hand_over();
  return c;
}

std::streamsize WriteBehind::xsputn(const char* text, std::streamsize count) {
  // Handed over before it would outgrow its room: growing copies all of it.
  if (filling_.size() + static_cast<std::size_t>(count) > filling_.capacity()) hand_over();
  filling_.append(text, static_cast<std::size_t>(count));
  if (filling_.size() >= chunk_bytes_) hand_over();
  return count;
}

int WriteBehind::sync() {
  hand_over();
  writer_.drain();
  target_.flush();
  return target_ ? 0 : -1;
}

void WriteBehind::hand_over() {
  if (filling_.empty()) return;
  writer_.give(std::exchange(filling_, std::string()));
  filling_.reserve(chunk_bytes_);
}

}  // namespace sipsleuth::cli
