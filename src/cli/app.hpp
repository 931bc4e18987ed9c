// The sipsleuth command line: subcommands, options and exit codes.
#pragma once

#include <ostream>

namespace sipsleuth::cli {

// Exit codes, documented in the README and `sipsleuth --help`.
enum ExitCode : int {
  kDone = 0,
  kNothingMatched = 1,
  kInputError = 2,  // an input could not be read, or the command line is wrong
};

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace sipsleuth::cli
