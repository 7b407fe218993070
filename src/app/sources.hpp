#pragma once
// Inputs given as text rather than files (the Python API passes dicts this way): a source
// that starts with this prefix is "<prefix><name>\n<YAML text>", and errors name it <name>.

#include "input/yaml_document.hpp"

namespace qloop::app {

using input::kInlineSourcePrefix;
// A jinja2 template variable (`--var NAME=VALUE`), passed among the sources.
using input::kVariableSourcePrefix;
using input::variable_source;

}  // namespace qloop::app
