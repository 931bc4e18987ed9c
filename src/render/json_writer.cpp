#include "render/json_writer.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sip/text.hpp"

namespace sipsleuth::render {

JsonWriter::JsonWriter(std::size_t expected)
    : buffer_(std::make_unique_for_overwrite<char[]>(expected)), capacity_(expected) {}

std::string JsonWriter::take() {
  std::string text(this->text());
  used_ = 0;
  return text;
}

void JsonWriter::grow(std::size_t bytes) {
  const std::size_t capacity = std::max(capacity_ * 2, used_ + bytes + 256);
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  if (used_ > 0) std::memcpy(buffer.get(), buffer_.get(), used_);
  buffer_ = std::move(buffer);
  capacity_ = capacity;
}

void JsonWriter::open(char bracket) {
  if (depth_ == kMaxDepth) throw std::logic_error("JSON output nested deeper than 64 levels");
  separate();
  *room(1) = bracket;
  ++used_;
  empty_ |= std::uint64_t{1} << depth_;
  ++depth_;
}

void JsonWriter::close(char bracket) {
  --depth_;
  *room(1) = bracket;
  ++used_;
}

void JsonWriter::line_break() {
  *room(1) = '\n';
  ++used_;
}

void JsonWriter::long_key(std::string_view name, bool comma) {
  if (comma) put(",");
  put("\"");
  put(name);
  put("\":");
}

void JsonWriter::escaped_key(std::string_view name) {
  separate();
  quoted(name);
  *room(1) = ':';
  ++used_;
  after_key_ = true;
}

void JsonWriter::string(std::string_view text) {
  separate();
  quoted(text);
}

namespace {

#if defined(__SSE2__)
// A bit for each of the sixteen bytes at `p` that JSON needs escaped (a
// control character, '"' or '\\') or that may not be ASCII.
unsigned to_look_at(const char* p) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed, the bytes over 0x7f are below 0x20 too.
  const __m128i look = _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)) | _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')) |
                       _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
  return static_cast<unsigned>(_mm_movemask_epi8(look));
}
#endif

// The first byte at or after `i` that JSON needs escaped or that may not be
// ASCII, or the text's size. Nearly all of every SIP value is neither: it is
// passed over 16 or 8 bytes at a time.
std::size_t next_to_look_at(std::string_view text, std::size_t i) {
#if defined(__SSE2__)
  for (; i + 16 <= text.size(); i += 16) {
    if (const unsigned mask = to_look_at(text.data() + i); mask != 0) {
      return i + static_cast<std::size_t>(std::countr_zero(mask));
    }
  }
#endif
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    auto has_zero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    std::uint64_t control = (word - kOnes * 0x20) & ~word & kHigh;  // some byte < 0x20
    if (control | (word & kHigh) | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) break;
  }
  for (; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return i;
  }
  return i;
}

}  // namespace

void JsonWriter::quoted(std::string_view text) {
#if defined(__SSE2__)
  // Nearly every value is printable ASCII without '"' or '\\': it is copied
  // whole, then its copy is looked at sixteen bytes at a time. The room
  // asked for goes a block past the copy, so that the last block's load
  // stays inside it however short the text; its bytes past the copy are
  // masked off. Anything found, or only suspected, is written again by
  // escaped(), which decides byte by byte.
  constexpr std::size_t kBlock = 16;
  char* copy = room(text.size() + 2 + kBlock);
  copy[0] = '"';
  std::memcpy(copy + 1, text.data(), text.size());
  bool plain = true;
  for (std::size_t i = 0; i < text.size() && plain; i += kBlock) {
    const std::size_t left = text.size() - i;
    const unsigned in_text = left >= kBlock ? 0xffffu : (1u << left) - 1;
    plain = (to_look_at(copy + 1 + i) & in_text) == 0;
  }
  if (plain) {
    copy[1 + text.size()] = '"';
    used_ += text.size() + 2;
    return;
  }
#endif
  escaped(text);
}

void JsonWriter::escaped(std::string_view text) {
  const std::size_t start = used_;
  bool checked = false;  // whether the text is known to be valid UTF-8: asked only of text with bytes over 0x7f
  // Room for the text as it is and its quotes; each escape makes room again
  // for itself and the rest.
  char* out = room(text.size() + 2);
  *out++ = '"';
  // Runs that need no escaping (nearly all of every SIP value) go in whole.
  std::size_t run = 0;
  for (std::size_t i = next_to_look_at(text, 0); i < text.size(); i = next_to_look_at(text, i + 1)) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (!checked && !sip::valid_utf8(text)) {
        // Rare: let nlohmann replace the bad bytes, exactly as every other output does.
        used_ = start;
        put(nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return;
      }
      checked = true;
      continue;  // bytes of valid UTF-8 need no escaping
    }
    std::memcpy(out, text.data() + run, i - run);
    out += i - run;
    run = i + 1;
    used_ = static_cast<std::size_t>(out - buffer_.get());
    constexpr std::size_t kLongestEscape = 6;  // \u00XX
    out = room(kLongestEscape + (text.size() - run) + 1);
    // Two characters for these, \u00XX for the other control characters.
    constexpr std::string_view kShortEscaped = "\"\\\b\f\n\r\t", kShortLetters = "\"\\bfnrt";
    *out++ = '\\';
    if (const std::size_t k = kShortEscaped.find(static_cast<char>(c)); k != std::string_view::npos) {
      *out++ = kShortLetters[k];
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out = std::copy_n("u00", 3, out);
      *out++ = kHex[c >> 4];
      *out++ = kHex[c & 0x0f];
    }
  }
  std::memcpy(out, text.data() + run, text.size() - run);
  out += text.size() - run;
  *out++ = '"';
  used_ = static_cast<std::size_t>(out - buffer_.get());
}

template <typename Integer>
void JsonWriter::integer(Integer value) {
  separate();
  char* out = room(kLongestNumber);
  used_ += static_cast<std::size_t>(std::to_chars(out, out + kLongestNumber, value).ptr - out);
}

void JsonWriter::number(std::int64_t value) { integer(value); }

void JsonWriter::number(std::uint64_t value) { integer(value); }

void JsonWriter::boolean(bool value) {
  separate();
  put(value ? "true" : "false");
}

void JsonWriter::null() {
  separate();
  put("null");
}

void JsonWriter::raw(std::string_view json) {
  separate();
  put(json);
}

}  // namespace sipsleuth::render
