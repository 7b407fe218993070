#include "terminal.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>

#include "util/error.hpp"

namespace qloop::cli {

namespace {

std::atomic<bool> g_stop{false};

void on_interrupt(int) {
  g_stop.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  if (!out) throw InputError(path.string(), "", 0, "cannot write this file (check the output folder)");
  out << text;
}

}  // namespace

ProgressPrinter::ProgressPrinter() : terminal_(isatty(STDERR_FILENO)) {}

void ProgressPrinter::show(const std::string& line) {
  auto now = std::chrono::steady_clock::now();
  auto interval = terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  if (shown_ && now - last_ < interval) return;
  last_ = now;
  shown_ = true;
  if (terminal_) {
    std::cerr << "\r" << line << "   " << std::flush;
  } else {
    std::cerr << line << "\n" << std::flush;
  }
}

void ProgressPrinter::finish() {
  if (terminal_ && shown_) std::cerr << "\n";
  shown_ = false;
}

app::RunControl interruptible(ProgressPrinter& printer) {
  std::signal(SIGINT, on_interrupt);
  app::RunControl control;
  control.stop = &g_stop;
  control.progress = [&printer](const std::string& line) { printer.show(line); };
  control.note = [](const std::string& note) { std::cerr << "note: " << note << "\n"; };
  return control;
}

void write_output(const app::Output& output, const std::filesystem::path& dir) {
  if (!dir.empty()) std::filesystem::create_directories(dir);
  std::string written;
  for (const auto& file : output.files) {
    auto path = dir / file.path;
    write_file(path, file.content);
    written += (written.empty() ? "" : ", ") + path.string();
  }
  std::cout << output.summary;
  if (!written.empty()) std::cout << "Wrote " << written << "\n";
}

}  // namespace qloop::cli
