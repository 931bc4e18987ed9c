#include "render/json_writer.hpp"

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sip/text.hpp"

namespace sipsleuth::render {

void JsonWriter::open(char bracket) {
  if (depth_ == kMaxDepth) throw std::logic_error("JSON output nested deeper than 64 levels");
  separate();
  out_.push_back(bracket);
  empty_ |= std::uint64_t{1} << depth_;
  ++depth_;
}

void JsonWriter::close(char bracket) {
  --depth_;
  out_.push_back(bracket);
}

void JsonWriter::key(PlainKey name) {
  const bool comma = comma_owed();
  after_key_ = true;
  // Put together here and appended at once: a call's line has dozens of keys.
  const std::string_view text = name.text();
  char piece[64];
  if (text.size() + 4 > sizeof piece) {
    if (comma) out_.push_back(',');
    out_.push_back('"');
    out_.append(text);
    out_.append("\":", 2);
    return;
  }
  char* p = piece;
  if (comma) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, text.data(), text.size());
  p += text.size();
  *p++ = '"';
  *p++ = ':';
  out_.append(piece, static_cast<std::size_t>(p - piece));
}

void JsonWriter::escaped_key(std::string_view name) {
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
  const std::size_t start = out_.size();
  bool checked = false;  // whether the text is known to be valid UTF-8: asked only of text with bytes over 0x7f
  out_.push_back('"');
  // Runs that need no escaping (nearly all of every SIP value) go in whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Eight bytes at a time while each is printable ASCII other than '"' and '\\'.
    while (i + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
      auto has_zero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
      std::uint64_t control = (word - kOnes * 0x20) & ~word & kHigh;  // some byte < 0x20
      if (control | (word & kHigh) | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) break;
      i += 8;
    }
    if (i >= text.size()) break;
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (!checked && !sip::valid_utf8(text)) {
        // Rare: let nlohmann replace the bad bytes, exactly as every other output does.
        out_.resize(start);
        out_ += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      checked = true;
      continue;  // bytes of valid UTF-8 need no escaping
    }
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
