#pragma once
// The attributes of architecture components: those qloop's model reads, with the other
// spellings Timeloop accepts for them, and those only other tools (Accelergy) read, which are
// accepted untouched. One table serves the checks below and the generated reference
// (`qloop schema`, docs/inputs.md).

#include <string>
#include <vector>

#include "input/node_reader.hpp"

namespace qloop::input {

struct AttributeSpec {
  const char* name;                  // as the docs write it
  std::vector<const char*> aliases;  // other spellings of the same attribute
  const char* type;                  // what a value must be
  const char* applies_to;            // "storage", "compute" or "both"
  const char* meaning;               // with unit and default
};

const std::vector<AttributeSpec>& component_attributes();
// Read by Accelergy (energy and area estimation) or kept for people, not by qloop's model.
const std::vector<const char*>& other_tools_attributes();

// The attribute `key` is a spelling of (hyphens and underscores alike), or nullptr.
const AttributeSpec* attribute_named(const std::string& key);

// Checks one `attributes:` mapping as written. Errors (every problem of the mapping in one
// message, each with its line): two spellings of one attribute, or two ways of giving one
// quantity, that disagree; a name close to an attribute qloop reads ("did you mean ...?").
// Other unknown names are accepted with a note (compound components may define their own).
void check_attributes(const NodeReader& attributes, std::vector<std::string>* notes);

}  // namespace qloop::input
