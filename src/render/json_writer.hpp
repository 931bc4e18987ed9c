// A streaming JSON writer for the large outputs (one object per call): it
// writes into a text of its own without building a document first, and
// writes exactly what nlohmann::json's compact dump writes for the same
// values, so the two can be mixed and the JSON schema does not depend on
// which one wrote it.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace sipsleuth::render {

// A key written as it is, checked and put in quotes when the program is
// compiled: keys are literals of plain ASCII that need no escaping, and every
// call has dozens.
class PlainKey {
 public:
  // Room for the quoted key and its colon; a longer key is written from
  // `name_` instead.
  static constexpr std::size_t kQuotedRoom = 32;

  template <std::size_t N>
  consteval PlainKey(const char (&name)[N]) : name_(name, N - 1) {  // NOLINT: literals convert
    for (char c : name_) {
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') throw "a JSON key literal needs escaping";
    }
    if (name_.size() + 3 <= kQuotedRoom) {
      quoted_[0] = '"';
      for (std::size_t i = 0; i < name_.size(); ++i) quoted_[i + 1] = name_[i];
      quoted_[name_.size() + 1] = '"';
      quoted_[name_.size() + 2] = ':';
    }
  }
  std::string_view text() const { return name_; }
  bool fits() const { return name_.size() + 3 <= kQuotedRoom; }
  const char* quoted() const { return quoted_; }  // `"name":`, padded to kQuotedRoom; when fits()
  std::size_t quoted_size() const { return name_.size() + 3; }

 private:
  std::string_view name_;
  char quoted_[kQuotedRoom] = {};
};

// Writes one or more values (JSON Lines: each followed by line_break()).
class JsonWriter {
 public:
  // `expected`: room made at once for what is about to be written.
  explicit JsonWriter(std::size_t expected = 0);
  // A writer moved from is left empty, with no room, as if made anew.
  JsonWriter(JsonWriter&& other) noexcept { *this = std::move(other); }
  JsonWriter& operator=(JsonWriter&& other) noexcept {
    buffer_ = std::move(other.buffer_);
    capacity_ = std::exchange(other.capacity_, 0);
    used_ = std::exchange(other.used_, 0);
    empty_ = std::exchange(other.empty_, 0);
    depth_ = std::exchange(other.depth_, 0);
    after_key_ = std::exchange(other.after_key_, false);
    return *this;
  }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // Inline: a call's line has dozens of keys, each known when compiling, so
  // that its quoted text and size become constants where it is written.
  void key(const PlainKey& name) {
    const bool comma = comma_owed();
    after_key_ = true;
    if (!name.fits()) {
      long_key(name.text(), comma);
      return;
    }
    // The quoted key is copied whole, room and all: a copy of a size known
    // when compiling, where one of the key's own size is a call.
    char* out = room(1 + PlainKey::kQuotedRoom);
    *out = ',';
    std::memcpy(out + (comma ? 1 : 0), name.quoted(), PlainKey::kQuotedRoom);
    used_ += (comma ? 1 : 0) + name.quoted_size();
  }
  void escaped_key(std::string_view name);  // any text

  void string(std::string_view text);  // invalid UTF-8 becomes U+FFFD, as in nlohmann's "replace"
  void optional_string(std::string_view text) { text.empty() ? null() : string(text); }
  void number(std::int64_t value);
  void number(std::uint64_t value);
  void boolean(bool value);
  void null();
  void raw(std::string_view json);  // a value already serialised
  void line_break();                // between top-level values

  // What has been written.
  std::string_view text() const { return {buffer_.get(), used_}; }
  // What has been written, as a string; the writer starts again empty.
  std::string take();

 private:
  // Whether a comma goes before the next key or value: not after a key, nor
  // first in its container. Asking moves past it.
  bool comma_owed() {
    if (after_key_) {
      after_key_ = false;
      return false;
    }
    if (depth_ == 0) return false;
    const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
    const bool owed = (empty_ & bit) == 0;
    empty_ &= ~bit;
    return owed;
  }
  void separate() {
    if (comma_owed()) {
      *room(1) = ',';
      ++used_;
    }
  }
  // Room for `bytes` more past what is written: the text is written through
  // the pointer, then `used_` moved past it. The buffer grows by doubling, so
  // that most values are written with no check of its size but this one.
  char* room(std::size_t bytes) {
    if (capacity_ - used_ < bytes) grow(bytes);
    return buffer_.get() + used_;
  }
  void put(std::string_view text) {
    std::memcpy(room(text.size()), text.data(), text.size());
    used_ += text.size();
  }
  void grow(std::size_t bytes);
  void long_key(std::string_view name, bool comma);  // key() of one too long for PlainKey's room
  void quoted(std::string_view text);
  void escaped(std::string_view text);  // quoted(), for text with something to escape or over 0x7f
  template <typename Integer>
  void integer(Integer value);  // std::int64_t or std::uint64_t
  void open(char bracket);
  void close(char bracket);

  // The outputs' schemas nest a few levels: a bit per open container, set
  // while nothing is written in it yet, and no allocation per call's line.
  static constexpr unsigned kMaxDepth = 64;
  static constexpr std::size_t kLongestNumber = 20;  // "-9223372036854775808", "18446744073709551615"

  // The text written, then room for more, left as allocated: filling it
  // first (as std::string's resize() does) would write the output twice.
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::uint64_t empty_ = 0;
  unsigned depth_ = 0;
  bool after_key_ = false;
};

}  // namespace sipsleuth::render
