#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "formats/record.hpp"

namespace sipsleuth::formats {

std::int64_t days_from_civil(int year, unsigned month, unsigned day);

// "MM/DD/YYYY" + separator + "HH:MM:SS.mmm"; returns the time and the number
// of characters consumed. Used by both Lync log formats.
std::optional<Timestamp> parse_us_datetime(std::string_view text, char separator, std::size_t& consumed);

}  // namespace sipsleuth::formats
