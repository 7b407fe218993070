#pragma once
// Sparseloop's `sparse_optimizations`: per storage level its gating / skipping and the
// compressed formats of its tensors, and the compute unit's optimizations, into the
// architecture (docs/sparsity.md).

#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "input/node_reader.hpp"
#include "workload/workload.hpp"

namespace qloop::input {

// `notes` gets what the reference would adjust silently (format word bits raised to divide
// the metadata storage width).
void parse_sparse_optimizations(const NodeReader& sparse, const Workload& workload, Architecture& arch,
                                std::vector<std::string>& notes);

}  // namespace qloop::input
