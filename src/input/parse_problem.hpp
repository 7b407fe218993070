#pragma once

#include <string>
#include <vector>

#include "input/node_reader.hpp"
#include "workload/workload.hpp"

namespace qloop::input {

// Parses Timeloop's `problem:` section (shape + instance, including the quantization
// fork's bitwidths / commonBitwidth keys and their datawidth/wordwidth aliases).
// `notes` (may be null) gets what is read but ignored, as the reference ignores it.
Workload parse_problem(const NodeReader& problem, std::vector<std::string>* notes = nullptr);

}  // namespace qloop::input
