#include "cli/Cli.hpp"

int main(int argc, char** argv) {
  return roomgate::cli::run(argc, argv);
}
