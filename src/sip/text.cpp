#include "sip/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sipsleuth::sip {

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
  if (haystack.size() < needle.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    if (to_lower(haystack[i]) == to_lower(needle[0]) && iequals(haystack.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string to_lower_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::optional<std::uint64_t> parse_number(std::string_view s) {
  s = trim(s);
  if (s.size() < 3 || !(s.substr(0, 2) == "0x" || s.substr(0, 2) == "0X")) return parse_uint(s);
  std::string_view digits = s.substr(2);
  if (digits.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    int digit = is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

bool ListCursor::next(std::string_view& item) {
  if (done_) return false;
  bool quoted = false;
  int angle = 0;
  const std::size_t size = rest_.size();
  for (std::size_t i = 0; i < size; ++i) {
    i = quoted ? find_mark<'"', '\\'>(rest_, i) : find_mark<'"', '<', '>', ','>(rest_, i);
    if (i == size) break;
    char c = rest_[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      if (angle > 0) --angle;
    } else if (c == ',' && angle == 0) {
      item = trim(rest_.substr(0, i));
      rest_ = rest_.substr(i + 1);
      return true;
    }
  }
  item = trim(rest_);
  done_ = true;
  return !item.empty();
}

std::string_view pop_word(std::string_view& rest) {
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  std::size_t end = 0;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

std::optional<std::string_view> find_param(std::string_view params, std::string_view name) {
  std::optional<std::string_view> found;
  walk_params(params, [&](std::string_view key, std::string_view value) {
    if (!iequals(key, name)) return true;
    found = value;
    return false;
  });
  return found;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    char c = value[i];
    if (c == '\r' || c == '\n') {
      // A line break plus the indentation that follows is one space (RFC 3261 LWS).
      while (i < value.size() && (value[i] == '\r' || value[i] == '\n' || is_space(value[i]))) ++i;
      while (!out.empty() && is_space(out.back())) out.pop_back();
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace sipsleuth::sip

namespace sipsleuth::sip {

bool ascii_without_nul(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  // A byte of 1-0x7f leaves its high bit clear in both itself and itself
  // minus one, and borrows nothing; 0 or 0x80-0xff sets some high bit.
  auto outside = [&](std::uint64_t word) { return ((word - kOnes) | word) & kHigh; };
  std::size_t i = 0;
#if defined(__SSE2__)
  // Signed, 0x80-0xff are below 1: one compare finds them and NUL. Four
  // blocks a test: a message's headers are hundreds of bytes.
  const __m128i one = _mm_set1_epi8(1);
  auto below_one = [&](std::size_t at) {
    return _mm_cmplt_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at)), one);
  };
  for (; i + 64 <= s.size(); i += 64) {
    if (_mm_movemask_epi8(below_one(i) | below_one(i + 16) | below_one(i + 32) | below_one(i + 48)) != 0) {
      return false;
    }
  }
  for (; i + 16 <= s.size(); i += 16) {
    if (_mm_movemask_epi8(below_one(i)) != 0) return false;
  }
#endif
  for (; i + 16 <= s.size(); i += 16) {
    std::uint64_t a, b;
    std::memcpy(&a, s.data() + i, 8);
    std::memcpy(&b, s.data() + i + 8, 8);
    if (outside(a) | outside(b)) return false;
  }
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0 || c >= 0x80) return false;
  }
  return true;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
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

}  // namespace sipsleuth::sip
