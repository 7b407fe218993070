#pragma once
// Inputs given as text rather than files (the Python API passes dicts this way): a source
// that starts with this prefix is "<prefix><name>\n<YAML text>", and errors name it <name>.

#include "input/yaml_document.hpp"

namespace qloop::app {

using input::kInlineSourcePrefix;

}  // namespace qloop::app
