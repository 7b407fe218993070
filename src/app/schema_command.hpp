#pragma once
// `qloop schema`: the reference of every input key (docs/inputs.md is its output).

#include <string>

namespace qloop::app {

std::string input_reference();

}  // namespace qloop::app
