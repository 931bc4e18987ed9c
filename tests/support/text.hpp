// Text helpers for test fixtures and generators (no project dependencies, so
// tools can include it too).
#pragma once

#include <string>

namespace sipsleuth::testing {

// Turns "\n" into "\r\n" so fixtures can be written readably.
inline std::string crlf(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (char c : s) {
    if (c == '\n') out += "\r\n";
    else out.push_back(c);
  }
  return out;
}

}  // namespace sipsleuth::testing
