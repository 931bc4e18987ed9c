# Writes a C++ source that holds each data/*.tsv as a string literal, so the
# binary needs no data files at run time.
set(out "// Generated from data/*.tsv by src/analysis/embed_tables.cmake. Do not edit.\n#include <string_view>\nnamespace sipsleuth::analysis::embedded {\n")
foreach(pair IN ITEMS "ms_diagnostics:ms-diagnostics.tsv" "ms_diagnostic_ranges:ms-diagnostics-ranges.tsv"
                      "ms_client_diagnostics:ms-client-diagnostics.tsv" "ice_flags:icewarn-flags.tsv"
                      "q850_causes:q850-causes.tsv")
  string(REPLACE ":" ";" parts "${pair}")
  list(GET parts 0 symbol)
  list(GET parts 1 file)
  file(READ "${DATA_DIR}/${file}" content)
  string(APPEND out "extern const std::string_view ${symbol};\nconst std::string_view ${symbol} = R\"tsv(${content})tsv\";\n")
endforeach()
string(APPEND out "}  // namespace sipsleuth::analysis::embedded\n")
file(WRITE "${OUTPUT}.tmp" "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
