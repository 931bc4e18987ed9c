// Text for `sipsleuth decode`: one decoded header value, explained.
#pragma once

#include <ostream>
#include <string_view>
#include <vector>

#include "analysis/decode.hpp"
#include "render/style.hpp"
#include "sip/text.hpp"

namespace sipsleuth::render {

void write_decoded(std::ostream& out, const analysis::DecodedDiagnostic& d, std::string_view header_name);
void write_decoded(std::ostream& out, const analysis::DecodedIceWarn& d);
void write_decoded(std::ostream& out, const analysis::DecodedClientDiagnostic& d);
void write_decoded(std::ostream& out, const std::vector<analysis::DecodedReason>& reasons);
void write_decoded(std::ostream& out, const std::vector<analysis::DecodedWarning>& warnings);

}  // namespace sipsleuth::render
