#pragma once
// What the CLI shows while a command runs and leaves when it ends: progress lines (rewritten
// in place on a terminal, one every few seconds into a file or pipe), notes, the output files.

#include <chrono>
#include <filesystem>
#include <string>

#include "app/output.hpp"
#include "app/run_control.hpp"

namespace qloop::cli {

class ProgressPrinter {
 public:
  ProgressPrinter();
  // Shows `line` unless one was shown too recently (on a terminal: 0.2 s; otherwise: 5 s).
  void show(const std::string& line);
  // Ends a line rewritten in place, so what follows starts on a line of its own.
  void finish();

 private:
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Ctrl-C sets the stop flag (searches end, keeping their best); a second one ends at once.
app::RunControl interruptible(ProgressPrinter& printer);

// Writes the files under `dir` (created when missing) and prints the summary and their names.
void write_output(const app::Output& output, const std::filesystem::path& dir);

}  // namespace qloop::cli
