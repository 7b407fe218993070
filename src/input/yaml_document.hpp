#pragma once
// Loads the user's YAML files (or folders of them) and merges them by top-level key, as
// Timeloop does: `qloop model arch.yaml problem.yaml map.yaml` sees one document.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

namespace qloop::input {

// One top-level section (architecture, problem, mapping, ERT, ...) and the file it came from.
struct Section {
  YAML::Node node;
  std::string file;
};

struct YamlDocument {
  // Keyed by the normalized top-level key (hyphens turned into underscores).
  std::map<std::string, Section> sections;
  // Written as a Timeloop v0.4 specification (v04_front_end.hpp turned it into the tree form).
  bool from_v04 = false;

  const Section* find(const std::string& key) const;
};

// An input given as text rather than as a file (the Python API passes dicts this way):
// "qloop-inline:<name>\n<YAML text>". Errors name it as <name>.
inline constexpr const char* kInlineSourcePrefix = "qloop-inline:";
bool is_inline_source(const std::string& source);
std::string inline_source(const std::string& name, const std::string& yaml_text);
// A variable for the jinja2 templates among the inputs (`--var NAME=VALUE`), given among the
// sources as "<prefix>NAME=VALUE" so that every command and the Python API pass it the same way.
inline constexpr const char* kVariableSourcePrefix = "qloop-var:";
bool is_variable_source(const std::string& source);
std::string variable_source(const std::string& assignment);
// The name errors give a source: the path, or an inline source's <name>.
std::string source_name(const std::string& source);

// Reads every path (a folder contributes its *.yaml / *.yml files in name order; an inline
// source is read as it is; a .jinja2 / .jinja template is rendered with the variable sources
// first, and its includes resolved).
// Throws InputError on unreadable files, malformed YAML, a non-mapping top level, or a
// top-level key given by two files.
YamlDocument load_yaml_files(const std::vector<std::string>& paths);

// Timeloop treats `word-bits` and `word_bits` as the same key.
std::string normalize_key(std::string key);

}  // namespace qloop::input
