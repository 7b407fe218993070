#pragma once
// Sparseloop's compute analysis (docs/sparsity.md): of the operations left after the storage
// levels' gating and skipping, which the compute unit performs, gates or skips, from the two
// operands' states (nonzero, zero, or not stored at all: compressed away).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"

namespace qloop::sparse {

// One operand (a tensor the operation reads, not its result).
struct ComputeOperand {
  double density = 1;           // probability that an operand is nonzero
  bool compressed = false;      // its innermost level holds it with metadata: zeros not stored
  bool saved_upstream = false;  // a storage level already gated or skipped it (on the other)
  double saved_share = 0;       // the share that storage level saved
};

struct ComputeSplit {
  std::array<std::uint64_t, 3> computes{};  // actual, gated, skipped
  double utilized_instances = 0;
  std::optional<std::string> failure;
};

// `remaining`: the operations left after the storage levels' savings. The reference models
// exactly two operands; with another number nothing is gated or skipped here (and a compute
// optimization is refused).
ComputeSplit analyze_computes(const ArithmeticSpec& arithmetic, const std::vector<ComputeOperand>& operands,
                              double remaining, std::uint64_t compute_instances);

}  // namespace qloop::sparse
