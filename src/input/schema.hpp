#pragma once
// The keys of every YAML node qloop reads, with what each one means: one table that the
// parsers check keys against (NodeReader::allow_only(schema)) and that `qloop schema` prints
// as the reference page (docs/inputs.md). A key missing here is refused where it is written,
// with the closest valid key.

#include <string>
#include <vector>

namespace qloop::input {

struct KeyDoc {
  const char* name;     // as the docs write it; hyphens and underscores alike when read
  const char* meaning;  // type, unit, default
};

struct NodeSchema {
  const char* id;           // e.g. "mapping.directive"
  const char* where;        // e.g. "mapping: [ ... ]" entries
  const char* description;  // one line
  std::vector<KeyDoc> keys;
};

// Every node's schema, in reading order (architecture, problem, mapping, constraints, mapper,
// energy tables, networks, bitwidth plans).
const std::vector<NodeSchema>& all_schemas();
// One of them by id; throws std::logic_error for an unknown id (a bug, not an input error).
const NodeSchema& schema(const std::string& id);
std::vector<std::string> key_names(const NodeSchema& schema);

// The reference page: every node with its keys, and the component attributes
// (attribute_schema.hpp), as Markdown.
std::string schema_markdown();

}  // namespace qloop::input
