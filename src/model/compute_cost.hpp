#pragma once
// What one operation of the compute units costs once operand bitwidths are known: energy
// (optionally scaled with the operand widths) and cycles (more than one for bit-serial units).
// The model and its sources are in docs/quantization.md.

#include <vector>

#include "arch/architecture.hpp"
#include "workload/workload.hpp"

namespace qloop {

struct ComputeCost {
  double energy_per_compute_pJ = 0;
  double cycles_per_compute = 1;
};

// Energy of a MAC on operands of the given widths relative to one on operands of the unit's
// nominal width (`word_bits`), by the built-in estimator's MAC model (src/estimate): the
// multiplier grows with the product of the widths, the adder and registers with the
// accumulator width (the sum of the widths). Independent of the technology node.
double bitwidth_energy_factor(const ArithmeticSpec& arithmetic, const std::vector<int>& operand_bits);

// Throws InputError-free std::invalid_argument when a bit-serial unit names a tensor the
// workload does not have (the input layer reports it).
ComputeCost compute_cost(const ArithmeticSpec& arithmetic, const Workload& workload);

// Bits of each multiplied operand (the read-only tensors), the unit's width where none is given.
std::vector<int> operand_bitwidths(const ArithmeticSpec& arithmetic, const Workload& workload);

}  // namespace qloop
