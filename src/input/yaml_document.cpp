#include "input/yaml_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "input/jinja_template.hpp"
#include "util/error.hpp"

namespace qloop::input {

namespace fs = std::filesystem;

std::string normalize_key(std::string key) {
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

const Section* YamlDocument::find(const std::string& key) const {
  auto it = sections.find(normalize_key(key));
  return it == sections.end() ? nullptr : &it->second;
}

bool is_variable_source(const std::string& source) { return source.rfind(kVariableSourcePrefix, 0) == 0; }

std::string variable_source(const std::string& assignment) { return kVariableSourcePrefix + assignment; }

bool is_inline_source(const std::string& source) { return source.rfind(kInlineSourcePrefix, 0) == 0; }

std::string inline_source(const std::string& name, const std::string& yaml_text) {
  return std::string(kInlineSourcePrefix) + name + "\n" + yaml_text;
}

std::string source_name(const std::string& source) {
  if (!is_inline_source(source)) return source;
  auto start = std::string(kInlineSourcePrefix).size();
  auto newline = source.find('\n');
  return source.substr(start, newline == std::string::npos ? std::string::npos : newline - start);
}

namespace {

std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (is_variable_source(path)) continue;
    if (is_inline_source(path)) {
      files.push_back(path);
    } else if (fs::is_directory(path, ec)) {
      std::vector<std::string> in_folder;
      for (const auto& entry : fs::directory_iterator(path)) {
        auto ext = entry.path().extension().string();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
          in_folder.push_back(entry.path().string());
        }
      }
      std::sort(in_folder.begin(), in_folder.end());
      if (in_folder.empty()) throw InputError(path, "", 0, "folder holds no .yaml or .yml file");
      files.insert(files.end(), in_folder.begin(), in_folder.end());
    } else if (fs::is_regular_file(path, ec) || fs::is_character_file(path, ec) || fs::is_fifo(path, ec)) {
      files.push_back(path);  // read as it is (/dev/null: an empty file)
    } else if (fs::exists(path, ec)) {
      throw InputError(path, "", 0, "not a file or folder that can be read");
    } else {
      throw InputError(path, "", 0, "no such file or folder");
    }
  }
  return files;
}

// Sections qloop does not model; Accelergy-style inputs spread them over several files
// (one compound component class per file), so repeats are allowed and merged.
bool mergeable(const std::string& key) {
  static const char* kKeys[] = {"compound_components", "components", "variables", "globals"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return false;
}

void merge_into(YAML::Node& target, const YAML::Node& extra) {
  if (target.IsSequence() && extra.IsSequence()) {
    for (const auto& item : extra) target.push_back(item);
  } else if (target.IsMap() && extra.IsMap()) {
    for (const auto& kv : extra) {
      if (!target[kv.first.as<std::string>()]) target[kv.first.as<std::string>()] = kv.second;
    }
  }
}

// A key given twice in one mapping (also as word-bits and word_bits): yaml-cpp would keep the
// first silently.
void refuse_duplicate_keys(const YAML::Node& node, const std::string& file, const std::string& path) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      refuse_duplicate_keys(node[i], file, path + "[" + std::to_string(i) + "]");
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, std::pair<std::string, int>> seen;  // normalized -> (as written, line)
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      throw InputError(file, path, kv.first.Mark().line + 1, "a key must be a plain name, not a list or a mapping");
    }
    auto name = kv.first.Scalar();
    int line = kv.first.Mark().line + 1;
    auto child = path.empty() ? name : path + "." + name;
    auto [it, inserted] = seen.emplace(normalize_key(name), std::make_pair(name, line));
    if (!inserted) {
      auto first = it->second;
      throw InputError(
          file, child, line,
          first.first == name
              ? fmt::format("key '{}' is given twice (also on line {}); keep one", name, first.second)
              : fmt::format("'{}' and '{}' (line {}) are the same key; keep one", name, first.first, first.second));
    }
    refuse_duplicate_keys(kv.second, file, child);
  }
}

// YAML merge keys (`<<: *anchor`, or a list of them), which yaml-cpp reads as a plain key named
// "<<": the anchored mapping's entries join the mapping where it is written, its own entries
// winning (as YAML 1.1 says and Python's YAML reader does; v0.4 specifications use them).
void apply_merge_keys(YAML::Node node) {
  if (node.IsSequence()) {
    for (auto item : node) apply_merge_keys(item);
    return;
  }
  if (!node.IsMap()) return;
  for (auto kv : node) apply_merge_keys(kv.second);
  auto merged = node["<<"];
  if (!merged) return;
  std::vector<YAML::Node> sources;
  if (merged.IsSequence()) {
    for (const auto& item : merged) sources.push_back(item);
  } else {
    sources.push_back(merged);
  }
  node.remove("<<");
  std::set<std::string> own;  // normalized: block-size and block_size are one key
  for (const auto& kv : node) own.insert(normalize_key(kv.first.as<std::string>()));
  for (const auto& source : sources) {
    if (!source.IsMap()) continue;
    for (const auto& kv : source) {
      auto key = kv.first.as<std::string>();
      if (own.insert(normalize_key(key)).second) node[key] = kv.second;
    }
  }
}

// The part of an included file under `key` (dotted: compound_components.classes).
YAML::Node included_part(const YAML::Node& marker, const std::string& from) {
  auto file = marker["file"].as<std::string>(), key = marker["key"].as<std::string>();
  YAML::Node root;
  try {
    root = YAML::Load(marker["text"].as<std::string>());
  } catch (const YAML::ParserException& e) {
    throw InputError(file, "", e.mark.line + 1, "malformed YAML (included by " + from + "): " + e.msg);
  }
  refuse_duplicate_keys(root, file, "");
  apply_merge_keys(root);
  std::string path;
  std::size_t start = 0;
  while (!key.empty() && start <= key.size()) {
    auto dot = key.find('.', start);
    auto part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!root.IsMap() || !root[part]) {
      throw InputError(file, path.empty() ? part : path + "." + part, 0,
                       fmt::format("{} includes '{}' from this file, which has no such key", from, key));
    }
    root = root[part];
    path += (path.empty() ? "" : ".") + part;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return root;
}

// Replaces the include markers a template left (jinja_template.hpp) by what they name.
void resolve_includes(YAML::Node node, const std::string& file) {
  if (node.Tag() == kIncludeTag) {
    node = included_part(node, file);
  } else if (node.Tag() == kIncludeAllTag) {
    YAML::Node joined;
    for (const auto& marker : node) {
      auto part = included_part(marker, file);
      if (part.IsSequence()) {
        for (const auto& item : part) joined.push_back(item);
      } else if (part.IsMap()) {
        for (const auto& kv : part) joined[kv.first] = kv.second;
      }
    }
    if (!joined) joined = YAML::Node(YAML::NodeType::Sequence);
    node = joined;
  }
  if (node.IsMap()) {
    for (auto kv : node) resolve_includes(kv.second, file);
  } else if (node.IsSequence()) {
    for (auto item : node) resolve_includes(item, file);
  }
}

void merge_file(YamlDocument& doc, const std::string& source, const TemplateVariables& variables) {
  YAML::Node root;
  bool rendered = false;
  std::string file = source;
  try {
    if (is_template_path(source)) {
      root = YAML::Load(render_template(source, variables));
      // Its own keys checked before the includes come in (those were checked in their files,
      // and their merge keys applied: a merged key beside its other spelling is no repeat).
      refuse_duplicate_keys(root, file, "");
      resolve_includes(root, file);
      rendered = true;
    } else if (is_inline_source(source)) {
      auto newline = source.find('\n');
      file = source_name(source);
      root = YAML::Load(newline == std::string::npos ? std::string() : source.substr(newline + 1));
    } else {
      root = YAML::LoadFile(file);
    }
  } catch (const YAML::ParserException& e) {
    throw InputError(file, "", e.mark.line + 1, "malformed YAML: " + e.msg);
  } catch (const YAML::BadFile&) {
    throw InputError(file, "", 0, "cannot read file");
  }
  if (!root || root.IsNull()) {
    throw InputError(file, "", 0, "the file is empty; expected top-level keys (architecture, problem, mapping, ...)");
  }
  if (!root.IsMap()) {
    throw InputError(file, "", root.Mark().line + 1,
                     "expected a mapping of top-level keys (architecture, problem, mapping, ...)");
  }
  if (!rendered) refuse_duplicate_keys(root, file, "");
  apply_merge_keys(root);
  for (const auto& kv : root) {
    auto key = normalize_key(kv.first.as<std::string>());
    auto [it, inserted] = doc.sections.emplace(key, Section{kv.second, file});
    if (!inserted && mergeable(key)) {
      merge_into(it->second.node, kv.second);
    } else if (!inserted) {
      throw InputError(file, key, kv.first.Mark().line + 1, "top-level key also given in " + it->second.file);
    }
  }
}

}  // namespace

YamlDocument load_yaml_files(const std::vector<std::string>& paths) {
  YamlDocument doc;
  TemplateVariables variables;
  for (const auto& source : paths) {
    if (!is_variable_source(source)) continue;
    auto assignment = source.substr(std::string(kVariableSourcePrefix).size());
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError("", "--var", 0, fmt::format("'{}' is no assignment; write --var NAME=VALUE", assignment));
    }
    variables[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }
  for (const auto& file : expand_paths(paths)) merge_file(doc, file, variables);
  return doc;
}

}  // namespace qloop::input
