#include "render/json_writer.hpp"

#include <nlohmann/json.hpp>

namespace sipsleuth::render {
namespace {

// RFC 3629 UTF-8, the same rule nlohmann's decoder applies.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) length = 2;
    else if (c == 0xe0) length = 3, low = 0xa0;
    else if (c >= 0xe1 && c <= 0xec) length = 3;
    else if (c == 0xed) length = 3, high = 0x9f;
    else if (c >= 0xee && c <= 0xef) length = 3;
    else if (c == 0xf0) length = 4, low = 0x90;
    else if (c >= 0xf1 && c <= 0xf3) length = 4;
    else if (c == 0xf4) length = 4, high = 0x8f;
    else return false;
    if (i + length > s.size()) return false;
    auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      auto next = static_cast<unsigned char>(s[i + k]);
      if (next < 0x80 || next > 0xbf) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

void JsonWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  first_.push_back(true);
}

void JsonWriter::close(char bracket) {
  first_.pop_back();
  out_.push_back(bracket);
}

void JsonWriter::key(std::string_view name) {
  separate();
  quoted(name);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::string(std::string_view text) {
  separate();
  quoted(text);
}

void JsonWriter::quoted(std::string_view text) {
  if (!valid_utf8(text)) {
    // Rare: let nlohmann replace the bad bytes, exactly as every other output does.
    out_ += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out_.push_back('"');
  // Runs that need no escaping (nearly all of every SIP value) go in whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default: {  // the other control characters
        static constexpr char kHex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0x0f]);
      }
    }
  }
  out_.append(text.data() + run, text.size() - run);
  out_.push_back('"');
}

void JsonWriter::number(std::int64_t value) {
  separate();
  out_ += std::to_string(value);
}

void JsonWriter::number(std::uint64_t value) {
  separate();
  out_ += std::to_string(value);
}

void JsonWriter::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
}

void JsonWriter::null() {
  separate();
  out_ += "null";
}

void JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
}

}  // namespace sipsleuth::render
