// Small, allocation-free helpers over std::string_view shared by the parsers.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sipsleuth::sip {

constexpr bool is_space(char c) { return c == ' ' || c == '\t'; }

// A set of byte values as a table, for scans that test every byte.
using CharacterSet = std::array<bool, 256>;
constexpr CharacterSet characters(std::string_view which) {
  CharacterSet table{};
  for (char c : which) table[static_cast<unsigned char>(c)] = true;
  return table;
}
// The first byte of `s` at or after `from` that is one of `Marks`, or
// s.size(): eight bytes at a look, for the values (Via, Contact, From, To
// and their parameters) that every message's steps walk between a few
// marks. A byte equal to a mark makes a zero byte of word ^ mark; the lowest
// zero byte of a word is found exactly (the trick's false hits lie above it).
// Where SSE2 is there (every x86-64), sixteen bytes at a look first: it
// also finds line ends, where the C library's memchr costs a call and its
// checks per line of a few dozen bytes.
template <char... Marks>
std::size_t find_mark(std::string_view s, std::size_t from) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
#if defined(__SSE2__)
  for (; from + 16 <= s.size(); from += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + from));
    const __m128i hits = (_mm_cmpeq_epi8(bytes, _mm_set1_epi8(Marks)) | ...);
    if (const int mask = _mm_movemask_epi8(hits); mask != 0) {
      return from + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
    }
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    for (; from + 8 <= s.size(); from += 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + from, 8);
      auto zero_where = [&](char mark) {
        const std::uint64_t v = word ^ (kOnes * static_cast<unsigned char>(mark));
        return (v - kOnes) & ~v & kHigh;
      };
      const std::uint64_t hits = (zero_where(Marks) | ...);
      if (hits != 0) return from + static_cast<std::size_t>(std::countr_zero(hits)) / 8;
    }
  }
  for (; from < s.size(); ++from) {
    if (((s[from] == Marks) || ...)) return from;
  }
  return s.size();
}

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// The helpers below run on every line and header of every message: they
// are inline so that the parsers' loops carry no call for each.

// Spaces, tabs, CR and LF on both sides.
inline std::string_view trim(std::string_view s) {
  // All four lie at or below ' ': most values start and end above it.
  if (s.empty() || (static_cast<unsigned char>(s.front()) > ' ' && static_cast<unsigned char>(s.back()) > ' '))
    return s;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// to_lower() of eight bytes at once: 0x20 added to each of 'A'-'Z', and
// only those (a byte over 0x7f whose low seven bits are a capital stays).
constexpr std::uint64_t to_lower_word(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const std::uint64_t low7 = w & ~kHigh;                         // no carry leaves a byte below
  const std::uint64_t above_z = low7 + kOnes * (0x7f - 'Z');     // high bit set where the byte > 'Z'
  const std::uint64_t from_a = low7 + kOnes * (0x80 - 'A');      // high bit set where the byte >= 'A'
  const std::uint64_t upper = (from_a & ~above_z) & ~w & kHigh;  // and below 0x80
  return w | (upper >> 2);
}

// Header names and parameters, compared eight bytes at a time: every
// message's are, many times over.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y && to_lower_word(x) != to_lower_word(y)) return false;
  }
  for (; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

// The first (last) space or tab at or after `from` (anywhere), or npos:
// find_first_of(" \t") would look each byte up in the set with a call of
// its own, and the start line and Via of every message go through these.
inline std::size_t find_blank(std::string_view s, std::size_t from = 0) {
  for (std::size_t i = from; i < s.size(); ++i) {
    if (is_space(s[i])) return i;
  }
  return std::string_view::npos;
}
inline std::size_t rfind_blank(std::string_view s) {
  for (std::size_t i = s.size(); i-- > 0;) {
    if (is_space(s[i])) return i;
  }
  return std::string_view::npos;
}

bool istarts_with(std::string_view s, std::string_view prefix);
std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from = 0);
std::string to_lower_copy(std::string_view s);
// RFC 3629 UTF-8 (no overlong forms, no surrogates), as JSON output needs it.
// ASCII, nearly all of any SIP trace, is checked eight bytes at a time.
bool valid_utf8(std::string_view s);
// Whether every byte is ASCII other than NUL, checked sixteen bytes at a
// time: such text is valid UTF-8 without a NUL, as nearly every message is,
// and needs neither looked at more closely.
bool ascii_without_nul(std::string_view s);

std::optional<std::uint64_t> parse_uint(std::string_view s);  // whole string must be digits
// "0x40003a0" (at most 16 hex digits) or decimal; surrounding space ignored.
std::optional<std::uint64_t> parse_number(std::string_view s);

// Iterates lines, accepting LF and CRLF; the yielded line has no terminator.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = find_mark<'\n'>(text_, pos_);
    std::size_t next = end == text_.size() ? end : end + 1;
    std::size_t stop = end;
    if (stop > pos_ && text_[stop - 1] == '\r') --stop;
    line = text_.substr(pos_, stop - pos_);
    begin_ = pos_;
    ++number_;
    pos_ = next;
    return true;
  }
  std::size_t position() const { return pos_; }        // offset of the next line
  std::size_t line_begin() const { return begin_; }    // offset of the line last returned
  std::uint32_t line_number() const { return number_; }  // 1-based, of the line last returned
  // The line breaks passed so far: the lines returned, less a last one that
  // ended without one (at the end of the text).
  std::uint32_t line_breaks() const { return number_ - (number_ > 0 && text_[pos_ - 1] != '\n' ? 1 : 0); }
  void seek(std::size_t pos) { pos_ = pos; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t begin_ = 0;
  std::uint32_t number_ = 0;
};

// Splits a comma-separated header value, ignoring commas inside quotes and <...>.
// Call repeatedly; returns false at the end.
class ListCursor {
 public:
  explicit ListCursor(std::string_view value) : rest_(value) {}
  bool next(std::string_view& item);

 private:
  std::string_view rest_;
  bool done_ = false;
};

std::string_view unquote(std::string_view s);

// Gives visit(name, value) each parameter of a ";name=value;flag" list in
// order, until visit returns false: the name trimmed, the value unquoted
// (a flag's is empty but not null). A parameter ends at the next ';' outside
// quotes; its first '=', wherever it is, ends its name.
template <typename Visit>
void walk_params(std::string_view params, Visit&& visit) {
  // Each parameter's walk stops at the ';' that starts the next.
  std::size_t semi = params.find(';');
  while (semi != std::string_view::npos && semi < params.size()) {
    const std::size_t start = semi + 1;
    std::size_t end = start;
    std::size_t eq = std::string_view::npos;
    bool quoted = false;
    while (end < params.size()) {
      end = find_mark<';', '"', '='>(params, end);
      if (end == params.size()) break;
      const char c = params[end];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ';') {
        if (!quoted) break;
      } else if (eq == std::string_view::npos) {  // '='
        eq = end;
      }
      ++end;
    }
    const std::string_view name = trim(params.substr(start, (eq == std::string_view::npos ? end : eq) - start));
    const std::string_view value =
        eq == std::string_view::npos ? name.substr(name.size()) : unquote(params.substr(eq + 1, end - eq - 1));
    if (!visit(name, value)) return;
    semi = end;
  }
}

// Looks up `name` in a ";name=value;flag" parameter list (case-insensitive name).
// Returns the unquoted value; a flag without "=" yields an empty, non-null view.
std::optional<std::string_view> find_param(std::string_view params, std::string_view name);

// Removes and returns the next space-separated word of `rest`.
std::string_view pop_word(std::string_view& rest);

// Header values may be folded over several lines; most consumers want one line.
std::string unfold(std::string_view value);

}  // namespace sipsleuth::sip
