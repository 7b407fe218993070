#pragma once
// What the CLI shows while a command runs and leaves when it ends: progress lines (rewritten
// in place on a terminal, one every few seconds into a file or pipe), notes, the output files.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "app/output.hpp"
#include "app/run_control.hpp"

namespace qloop::cli {

// On a terminal, each line rewrites the last (at most five a second). Into a file or pipe,
// the first line at once and then the newest one every five seconds, on a line of its own with
// the time since the start, also while no new line comes (a layer job that takes minutes).
class ProgressPrinter {
 public:
  ProgressPrinter();
  ~ProgressPrinter();
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;
  void show(const std::string& line);
  // Ends the progress output, so what follows starts on a line of its own.
  void finish();

 private:
  void tick();
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_shown_{};
  bool shown_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string latest_;
  bool latest_printed_ = true, finished_ = false;
  std::thread ticker_;  // not a terminal: prints the newest line every five seconds
};

// SIGINT (Ctrl-C) and SIGTERM set the stop flag: searches end, keeping their best, and the
// results are written; a second signal ends the program at once.
app::RunControl interruptible(ProgressPrinter& printer);
// The signal that stopped the run, or 0.
int stopping_signal();

// Creates `dir` when missing and makes sure a file can be written there; InputError if not.
void check_writable(const std::filesystem::path& dir);

// Writes the files under `dir` (created when missing) and prints the summary and their names.
void write_output(const app::Output& output, const std::filesystem::path& dir);

}  // namespace qloop::cli
