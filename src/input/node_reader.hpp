#pragma once
// A YAML node together with where it came from (file, key path), so every error the input
// parsers raise names the file, the key path and the line. Keys are matched with hyphens
// and underscores treated alike.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace qloop::input {

struct NodeSchema;
class Problems;

class NodeReader {
 public:
  // With `problems`, this reader and its children gather problems that need not stop the
  // reading (unknown keys and attributes) there instead of throwing at the first.
  NodeReader(YAML::Node node, std::string file, std::string path, Problems* problems = nullptr);

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  int line() const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_ || node_.IsNull(); }

  bool has(const std::string& key) const;
  // Required child; error names the missing key.
  NodeReader at(const std::string& key) const;
  std::optional<NodeReader> find(const std::string& key) const;
  // Children of a sequence.
  std::vector<NodeReader> items() const;
  // Keys of a mapping, as written.
  std::vector<std::string> keys() const;

  // Unknown keys are errors that name the closest valid key and list the valid ones.
  void allow_only(const std::vector<std::string>& valid_keys) const;
  // The same with the keys of a node's schema (schema.hpp).
  void allow_only(const NodeSchema& schema) const;
  void expect_map() const;
  void expect_sequence() const;

  std::string as_string() const;
  std::int64_t as_int() const;
  double as_double() const;
  bool as_bool() const;
  std::int64_t as_positive_int() const;  // > 0

  std::string string_or(const std::string& key, const std::string& fallback) const;
  std::optional<std::int64_t> optional_int(const std::string& key) const;
  std::optional<double> optional_double(const std::string& key) const;

  [[noreturn]] void fail(const std::string& message) const;
  // A problem that need not stop the reading: gathered when this reader has a Problems,
  // thrown otherwise.
  void report(InputError problem) const;
  bool gathers_problems() const { return problems_ != nullptr; }

 private:
  // A key of this mapping as text; InputError for a key that is no plain name.
  std::string key_name(const YAML::Node& key) const;
  YAML::Node node_;
  std::string file_;
  std::string path_;
  Problems* problems_ = nullptr;
};

}  // namespace qloop::input
