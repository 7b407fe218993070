#pragma once
#include "spec/node_reader.hpp"
#include "workload/workload.hpp"

namespace qloop::spec {

// Parses Timeloop's `problem:` section (shape + instance, including the quantization
// fork's bitwidths / commonBitwidth keys and their datawidth/wordwidth aliases).
Workload parse_problem(const NodeReader& problem);

}  // namespace qloop::spec
