#pragma once
// Energy (pJ per operation) and area (um^2) of arithmetic units by operand width and node.
// Sources and fits: docs/energy.md.

#include <vector>

namespace qloop::estimate {

struct EnergyArea {
  double energy_pJ = 0;
  double area_um2 = 0;
};

// Integer multiplier of the given operand widths: energy and area grow with the product of
// the widths (the partial-product array).
EnergyArea int_multiplier(const std::vector<int>& operand_bits, double node_nm);
// Integer adder of `bits` (grows linearly with width).
EnergyArea int_adder(int bits, double node_nm);
// Floating-point multiplier / adder of a `bits`-wide format (16: half, 32: single).
EnergyArea fp_multiplier(int bits, double node_nm);
EnergyArea fp_adder(int bits, double node_nm);
// `bits` flip-flops clocked once.
EnergyArea register_bits(int bits, double node_nm);

// One multiply-accumulate: multiplier over the operands, adder and register at the
// accumulator width (the sum of the operand widths), and the operand registers.
EnergyArea int_mac(const std::vector<int>& operand_bits, double node_nm);
EnergyArea fp_mac(int bits, double node_nm);

}  // namespace qloop::estimate
