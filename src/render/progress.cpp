#include "render/progress.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sipsleuth::render {
namespace {

std::string duration(double seconds) {
  auto whole = static_cast<std::uint64_t>(std::max(0.0, seconds) + 0.5);
  if (whole < 60) return fmt::format("{}s", whole);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02}m", whole / 3600, whole / 60 % 60);
}

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1000.0;
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < std::size(kUnits)) {
    value /= 1000.0;
    ++unit;
  }
  return value < 10.0 ? fmt::format("{:.2f} {}", value, kUnits[unit])
         : value < 100.0 ? fmt::format("{:.1f} {}", value, kUnits[unit])
                         : fmt::format("{:.0f} {}", value, kUnits[unit]);
}

std::string progress_line(const ProgressSnapshot& s, std::size_t width) {
  if (s.building && s.calls == 0) {
    return fmt::format("building calls from {} messages ({} elapsed)", thousands(s.messages),
                       duration(s.elapsed_seconds));
  }
  std::uint64_t total = s.building ? s.calls : s.total_bytes;
  std::uint64_t done = std::min(s.building ? s.calls_built : s.read_bytes, total);
  double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  std::string text =
      s.building ? fmt::format("building calls {} of {}  {:3.0f}%", thousands(done), thousands(total), fraction * 100.0)
                 : fmt::format("reading {} of {}  {:3.0f}%", human_bytes(done), human_bytes(total), fraction * 100.0);
  if (s.elapsed_seconds > 0.2 && done > 0) {
    double rate = static_cast<double>(done) / s.elapsed_seconds;
    std::string speed = s.building ? fmt::format("{}/s", thousands(static_cast<std::uint64_t>(rate)))
                                   : fmt::format("{}/s", human_bytes(static_cast<std::uint64_t>(rate)));
    text += fmt::format("  {}  ETA {}", speed, duration(static_cast<double>(total - done) / rate));
  }
  // The bar takes what the text leaves, up to 30 columns.
  constexpr std::size_t kMaxBar = 30;
  if (width > text.size() + 4 + 8) {
    std::size_t bar = std::min(kMaxBar, width - text.size() - 4);
    auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar) + 0.5);
    text = "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "]  " + text;
  }
  text.resize(std::min(text.size(), std::max<std::size_t>(width, 1)));
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace sipsleuth::render
