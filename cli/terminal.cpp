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
std::atomic<int> g_signal{0};

void on_signal(int signal) {
  g_signal.store(signal);
  g_stop.store(true);
  std::signal(signal, SIG_DFL);  // a second one ends the program at once
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  if (!out) throw InputError(path.string(), "", 0, "cannot write this file (check the output folder)");
  out << text;
}

}  // namespace

constexpr auto kTerminalInterval = std::chrono::milliseconds(200);
constexpr auto kLogInterval = std::chrono::seconds(5);

ProgressPrinter::ProgressPrinter() : terminal_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

void ProgressPrinter::show(const std::string& line) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (finished_) return;
  if (terminal_) {
    if (shown_ && now - last_shown_ < kTerminalInterval) return;
    last_shown_ = now;
    shown_ = true;
    std::cerr << "\r" << line << "   " << std::flush;
    return;
  }
  latest_ = line;
  latest_printed_ = false;
  if (!ticker_.joinable()) {
    std::cerr << line << "\n" << std::flush;  // the first one at once
    latest_printed_ = true;
    ticker_ = std::thread([this] { tick(); });
  }
}

void ProgressPrinter::tick() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kLogInterval, [this] { return finished_; })) {
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::cerr << "[" << static_cast<int>(seconds) << " s] " << latest_ << (latest_printed_ ? " (no news)" : "") << "\n"
              << std::flush;
    latest_printed_ = true;
  }
}

void ProgressPrinter::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    if (terminal_ && shown_) std::cerr << "\n";
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

app::RunControl interruptible(ProgressPrinter& printer) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  app::RunControl control;
  control.stop = &g_stop;
  control.progress = [&printer](const std::string& line) { printer.show(line); };
  control.note = [](const std::string& note) { std::cerr << "note: " << note << "\n"; };
  return control;
}

int stopping_signal() { return g_signal.load(); }

void check_writable(const std::filesystem::path& dir) {
  auto folder = dir.empty() ? std::filesystem::path(".") : dir;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  auto probe = folder / ".qloop-write-check";
  {
    std::ofstream out(probe);
    if (!out) throw InputError(folder.string(), "", 0, "cannot write into this output folder (give another with -o)");
  }
  std::filesystem::remove(probe, ec);
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
