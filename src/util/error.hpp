#pragma once
// Errors the library reports to its caller. Only the CLI turns them into exit codes.

#include <stdexcept>
#include <string>

namespace qloop {

// Something in the user's input is wrong: names the file, the key path inside it and,
// where known, the line, and says what was expected.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string key_path, int line, std::string message);

  const std::string& file() const { return file_; }
  const std::string& key_path() const { return key_path_; }
  int line() const { return line_; }  // 1-based; 0 when unknown
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::string key_path_;
  int line_;
  std::string message_;
};

}  // namespace qloop
