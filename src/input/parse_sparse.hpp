#pragma once
// Sparseloop's `sparse_optimizations`: per storage level its gating / skipping and the
// compressed formats of its tensors, and the compute unit's optimizations, into the
// architecture (docs/sparsity.md).

#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "input/node_reader.hpp"
#include "workload/layer.hpp"
#include "workload/workload.hpp"

namespace qloop::input {

// `notes` gets what the reference would adjust silently (format word bits raised to divide
// the metadata storage width).
// "Weights=0.3,Inputs=hypergeometric:0.5": densities of a network's layer tensors (Weights,
// Inputs, Outputs), each a fraction (fixed-structured) or `hypergeometric:` one.
LayerDensities parse_density_assignments(const std::string& text, const std::string& where);

void parse_sparse_optimizations(const NodeReader& sparse, const Workload& workload, Architecture& arch,
                                std::vector<std::string>& notes);

}  // namespace qloop::input
