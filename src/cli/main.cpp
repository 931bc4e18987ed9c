#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return sipsleuth::cli::run(argc, argv, std::cout, std::cerr, sipsleuth::cli::Ending::process_exits);
}
