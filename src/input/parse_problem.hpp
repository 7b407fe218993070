#pragma once
#include "input/node_reader.hpp"
#include "workload/workload.hpp"

namespace qloop::input {

// Parses Timeloop's `problem:` section (shape + instance, including the quantization
// fork's bitwidths / commonBitwidth keys and their datawidth/wordwidth aliases).
Workload parse_problem(const NodeReader& problem);

}  // namespace qloop::input
