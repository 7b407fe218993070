#include "util/error.hpp"

#include <fmt/format.h>

namespace qloop {

namespace {
std::string format_error(const std::string& file, const std::string& key_path, int line, const std::string& message) {
  std::string where = file.empty() ? std::string("<input>") : file;
  if (line > 0) where += fmt::format(":{}", line);
  if (!key_path.empty()) where += fmt::format(": at '{}'", key_path);
  return fmt::format("{}: {}", where, message);
}
}  // namespace

InputError::InputError(std::string file, std::string key_path, int line, std::string message)
    : std::runtime_error(format_error(file, key_path, line, message)),
      file_(std::move(file)),
      key_path_(std::move(key_path)),
      line_(line),
      message_(std::move(message)) {}

}  // namespace qloop
