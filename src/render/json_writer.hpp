// A streaming JSON writer for the large outputs (one object per call): it
// appends to a string without building a document first, and writes exactly
// what nlohmann::json's compact dump writes for the same values, so the two
// can be mixed and the JSON schema does not depend on which one wrote it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sipsleuth::render {

// A key written as it is, checked when the program is compiled: keys are
// literals of plain ASCII that need no escaping, and every call has dozens.
class PlainKey {
 public:
  template <std::size_t N>
  consteval PlainKey(const char (&name)[N]) : name_(name, N - 1) {  // NOLINT: literals convert
    for (char c : name_) {
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') throw "a JSON key literal needs escaping";
    }
  }
  std::string_view text() const { return name_; }

 private:
  std::string_view name_;
};

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(PlainKey name);
  void escaped_key(std::string_view name);  // any text

  void string(std::string_view text);  // invalid UTF-8 becomes U+FFFD, as in nlohmann's "replace"
  void optional_string(std::string_view text) { text.empty() ? null() : string(text); }
  void number(std::int64_t value);
  void number(std::uint64_t value);
  void boolean(bool value);
  void null();
  void raw(std::string_view json);  // a value already serialised

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
    if (comma_owed()) out_.push_back(',');
  }
  void quoted(std::string_view text);
  void open(char bracket);
  void close(char bracket);

  // The outputs' schemas nest a few levels: a bit per open container, set
  // while nothing is written in it yet, and no allocation per call's line.
  static constexpr unsigned kMaxDepth = 64;

  std::string& out_;
  std::uint64_t empty_ = 0;
  unsigned depth_ = 0;
  bool after_key_ = false;
};

}  // namespace sipsleuth::render
