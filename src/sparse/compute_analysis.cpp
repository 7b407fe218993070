#include "sparse/compute_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace qloop::sparse {

namespace {

// An operand's states: nonzero, zero (stored), not stored (compressed away).
struct OperandStates {
  double nonzero = 1, zero = 0, absent = 0;
};

// `retained`: the share of the operand's accesses the other operand's storage optimization
// let through; the reference conditions this operand's density on it.
OperandStates operand_states(double density, bool compressed, double retained = 1) {
  double d = density / retained;
  return compressed ? OperandStates{d, 0, 1 - d} : OperandStates{d, 1 - d, 0};
}

}  // namespace

ComputeSplit analyze_computes(const ArithmeticSpec& arith, const std::vector<ComputeOperand>& operands,
                              double remaining, std::uint64_t compute_instances) {
  ComputeSplit out;
  auto total = static_cast<std::uint64_t>(remaining);
  out.computes = {total, 0, 0};
  out.utilized_instances = static_cast<double>(compute_instances);
  if (operands.size() != 2) {
    if (arith.gate_on_zero_operand || arith.skip_on_not_aligned_operands) {
      out.failure = fmt::format("compute optimizations need two operand tensors; this problem has {}", operands.size());
    }
    return out;
  }
  std::array<OperandStates, 2> states;
  std::array<double, 2> density{};
  for (int k = 0; k < 2; ++k) {
    density[k] = std::round(operands[k].density * 1e6) / 1e6;
    states[k] = operand_states(density[k], operands[k].compressed);
  }
  // An operand whose partner was already saved at a storage level arrives nonzero more often.
  auto retained = [&](int k) { return 1 - operands[k].saved_share; };
  bool a = operands[0].saved_upstream, b = operands[1].saved_upstream;
  if (a && b) {
    states[0] = operand_states(density[0], operands[0].compressed, retained(1));
    states[1] = operand_states(density[1], operands[1].compressed, retained(0));
  } else if (a) {
    states[1] = operand_states(density[1], operands[1].compressed, retained(0));
  } else if (b) {
    states[0] = operand_states(density[0], operands[0].compressed, retained(1));
  }
  if (total == 0) return out;
  // The reference conditions an operand on the other's storage optimization as if that were
  // conditioned on this operand; where it is not (another tensor), the operand's probability
  // can leave [0, 1] and the reference stops on an assertion. qloop then keeps the operand's
  // own probabilities: its zeros do not depend on the other tensor's optimization.
  for (int k = 0; k < 2; ++k) {
    auto& s = states[k];
    bool legal = true;
    for (double x : {s.nonzero, s.zero, s.absent}) legal = legal && std::isfinite(x) && x >= -1e-5 && x <= 1 + 1e-5;
    if (!legal) s = operand_states(density[k], operands[k].compressed);
    for (double* x : {&s.nonzero, &s.zero, &s.absent}) *x = std::clamp(*x, 0.0, 1.0);
  }
  // Each pair of states: performed, gated (a zero meets the unit), skipped (one operand is
  // absent: the unit skips the operation) or nonexistent (both absent).
  double gated = 0, skipped = 0, absent = 0;
  double t = static_cast<double>(total);
  const std::array<double, 3> pa{states[0].nonzero, states[0].zero, states[0].absent};
  const std::array<double, 3> pb{states[1].nonzero, states[1].zero, states[1].absent};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      double amount = t * pa[i] * pb[j];
      if (i == 2 && j == 2) {
        absent += amount;
      } else if (i == 2 || j == 2) {
        if (arith.skip_on_not_aligned_operands) {
          skipped += amount;
        } else if (arith.gate_on_zero_operand) {
          gated += amount;
        }
      } else if (i == 1 || j == 1) {
        if (arith.gate_on_zero_operand) gated += amount;
      }
    }
  }
  auto s = static_cast<std::uint64_t>(std::floor(skipped));
  auto g = static_cast<std::uint64_t>(std::floor(gated));
  auto n = static_cast<std::uint64_t>(std::floor(absent));
  out.computes = {total - s - g - n, g, s};
  return out;
}

}  // namespace qloop::sparse
