#pragma once
// What a command leaves for its caller besides its result values: the files the CLI writes
// (the Python API returns the same contents as values) and the text for a terminal.

#include <filesystem>
#include <string>
#include <vector>

namespace qloop::app {

struct OutputFile {
  std::filesystem::path path;  // relative to the output folder (or as the user gave it)
  std::string content;
};

struct Output {
  std::vector<OutputFile> files;
  std::string summary;   // printed on the terminal
  bool complete = true;  // false: some workload has no valid mapping (the CLI exits 3)
};

}  // namespace qloop::app
