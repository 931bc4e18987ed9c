#pragma once

#include <string_view>

#include "formats/record.hpp"

namespace sipsleuth::formats {

// Picks the reader from the content, never from the file name. Looks at the
// first 64 KiB at most.
Format sniff(std::string_view data);

// Why sniff() said unknown, for the error message ("binary data", "empty", ...).
std::string_view describe_unknown(std::string_view data);

}  // namespace sipsleuth::formats
