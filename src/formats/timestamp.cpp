#include "formats/timestamp.hpp"

#include <cstring>

namespace sipsleuth::formats {
namespace {

// Inlined: a client log's every line with a prefix reads seven fields.
// The caller has checked that `s` holds them.
[[gnu::always_inline]] inline bool digits(std::string_view s, std::size_t pos, std::size_t count, int& value) {
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

}  // namespace

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<Timestamp> parse_us_datetime(std::string_view s, char separator, std::size_t& consumed) {
  // "MM/DD/YYYY?hh:mm:ss.mmm": the length and the separators first, then
  // every digit at once. A client log's every line with a prefix comes here.
  if (s.size() < 23 || s[2] != '/' || s[5] != '/' || s[10] != separator || s[13] != ':' || s[16] != ':' ||
      s[19] != '.') {
    return std::nullopt;
  }
  // A log's lines come in bursts within one millisecond, and days apart at
  // most: each thread remembers the last time it read and the last day, and
  // reads again only what differs.
  struct Remembered {
    char text[23];
    char date[10];
    std::int64_t days;
    std::int64_t micros;
    bool has_text, has_date;
  };
  thread_local Remembered last{};
  if (last.has_text && std::memcmp(s.data(), last.text, sizeof last.text) == 0) {
    consumed = 23;
    return Timestamp{last.micros, true};
  }
  int hour, minute, second, millis;
  if (!digits(s, 11, 2, hour) || !digits(s, 14, 2, minute) || !digits(s, 17, 2, second) || !digits(s, 20, 3, millis) ||
      hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  if (!last.has_date || std::memcmp(s.data(), last.date, sizeof last.date) != 0) {
    int month, day, year;
    if (!digits(s, 0, 2, month) || !digits(s, 3, 2, day) || !digits(s, 6, 4, year) || month < 1 || month > 12 ||
        day < 1 || day > 31) {
      return std::nullopt;
    }
    last.days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    std::memcpy(last.date, s.data(), sizeof last.date);
    last.has_date = true;
  }
  Timestamp t;
  t.micros = ((last.days * 86400 + hour * 3600 + minute * 60 + second) * 1000 + millis) * 1000;
  t.valid = true;
  std::memcpy(last.text, s.data(), sizeof last.text);
  last.micros = t.micros;
  last.has_text = true;
  consumed = 23;
  return t;
}

}  // namespace sipsleuth::formats
