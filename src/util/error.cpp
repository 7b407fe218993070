#include "util/error.hpp"

#include <fmt/format.h>

namespace qloop {

namespace {
// "file:line: at 'key.path': message"; an option (--threads) is named as it is; with no
// place at all, just the message.
std::string format_error(const std::string& file, const std::string& key_path, int line, const std::string& message) {
  std::string where = file;
  if (!file.empty() && line > 0) where += fmt::format(":{}", line);
  if (!key_path.empty()) {
    if (!where.empty()) where += ": ";
    where += key_path.rfind("--", 0) == 0 ? key_path : fmt::format("at '{}'", key_path);
  }
  return where.empty() ? message : fmt::format("{}: {}", where, message);
}
}  // namespace

InputError::InputError(std::string file, std::string key_path, int line, std::string message)
    : std::runtime_error(format_error(file, key_path, line, message)),
      file_(std::move(file)),
      key_path_(std::move(key_path)),
      line_(line),
      message_(std::move(message)) {}

}  // namespace qloop
