#pragma once
// The built-in estimator: per-action energy and area of every storage level and of the
// compute unit, from their attributes alone (class, size, width, bitwidth, technology).
// Accelergy ERT/ART entries, when given, override it component by component (input layer).

#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "estimate/technology.hpp"

namespace qloop::estimate {

// The node assumed when a component names none: the node of the anchor numbers.
inline constexpr double kDefaultNode_nm = kReferenceNode_nm;

struct StorageEstimate {
  double read_pJ = 0;    // one vector (word_bits x block_size) read
  double write_pJ = 0;   // one vector write (fill)
  double update_pJ = 0;  // one vector read-modify-write of partial sums
  double area_um2 = 0;   // one instance
  std::string model;     // what was assumed, e.g. "SRAM 256 KB, 256-bit access, 40 nm"
};

struct ComputeEstimate {
  double energy_per_compute_pJ = 0;  // one operation at the unit's nominal width
  double area_um2 = 0;               // one instance
  std::string model;
};

// Both throw InputError (naming the component) when an attribute they need is unreadable,
// e.g. an unknown DRAM type or technology.
StorageEstimate estimate_storage(const StorageLevelSpec& level);
ComputeEstimate estimate_compute(const ArithmeticSpec& arithmetic);

// Energy of one operation of `arithmetic` on operands of the given widths at 45 nm (the
// estimator's MAC model); the quantization's energy scaling uses ratios of it.
double mac_energy_pJ(const ArithmeticSpec& arithmetic, const std::vector<int>& operand_bits);

}  // namespace qloop::estimate
