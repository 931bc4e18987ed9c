// Positions and times of what readers find, shared by every reader.
#pragma once

#include <cstdint>

namespace sipsleuth::formats {

// Where something is in an input: a 1-based line for text, a 1-based packet
// number for captures, and always a byte offset (in the decompressed data).
struct Location {
  std::uint64_t offset = 0;
  std::uint32_t line = 0;
  std::uint32_t packet = 0;
};

// Time as written in the input, in microseconds since 1970-01-01 00:00. Logs
// carry wall-clock time without a zone (client logs: the PC's local time;
// server logs: UTC), captures carry UTC.
struct Timestamp {
  std::int64_t micros = 0;
  bool valid = false;
  bool utc = false;
  friend bool operator<(const Timestamp& a, const Timestamp& b) { return a.micros < b.micros; }
};

}  // namespace sipsleuth::formats
