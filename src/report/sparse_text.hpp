#pragma once
// The lines Sparseloop's model adds to qloop.stats.txt (docs/sparsity.md).

#include <string>

#include "model/stats.hpp"

namespace qloop::report {

std::string sparse_compute_text(const SparseComputeStats& s);
std::string sparse_tensor_text(const SparseTensorStats& s, double energy_pJ);

}  // namespace qloop::report
