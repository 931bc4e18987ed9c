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

// What follows run(): the process exits (main), so memory need not be
// freed; or more runs (tests), so it is.
enum class Ending { process_exits, more_runs };

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, Ending ending = Ending::more_runs);

}  // namespace sipsleuth::cli
