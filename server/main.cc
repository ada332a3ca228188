// adbridge: the command line of the A/D conversion service. See README.md and spec/cli.md.
#include <iostream>

#include "server/command_line.h"

int main(int argc, char** argv) {
  return adbridge::server::RunCommandLine(argc, argv, std::cout, std::cerr);
}
