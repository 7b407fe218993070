#pragma once
// A lower bound on the cost of every tiling that completes a prefix: one whose factors are
// chosen, for every dimension, at every level up to some level L (the certified search builds
// tilings so, from the innermost level out). What is left of each dimension, its quotient,
// goes to the levels above L, temporally or spatially; their product Q is known.
//
// Energy: the operations, plus, for every level that keeps a tensor in every variant (and the
// outermost), what its children's tiles take in from it (its reads or updates) and what its
// own tiles take in (its fills), as TilingBound counts them, but only with what the prefix
// fixes. For a set of buffers holding a box H, the loops at level M and above run B_M blocks
// that each sweep a box A_M, so the instances I above it take in at least I (H + B_M (A_M - H)).
// When M <= L + 1, A_M is known, and I B_M is the prefix's known part times Q divided by
// the spatial factors the levels between L and the buffers' own level may still take (at
// most their fanouts): the loops above L make blocks or instances, and either way repeat the
// sweep. A level whose children are not chosen yet counts each tensor once. The cycles: the
// known temporal iterations times Q over the spatial factors the levels above L may take.
// Checked against every valid mapping of small mapspaces (tests/unit/test_prefix_bound.cpp).

#include <cstdint>
#include <vector>

#include "arch/architecture.hpp"
#include "search/bounds.hpp"
#include "search/mapper_settings.hpp"
#include "search/mapspace.hpp"
#include "workload/workload.hpp"

namespace qloop {

class PrefixBound {
 public:
  PrefixBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric);
  bool informative() const { return metric_ != Metric::kLastLevelAccesses; }
  // The tiling's factors at levels up to `level` are the prefix (those above are ignored).
  double energy(const std::vector<std::uint32_t>& tiling, int level) const;
  double cycles(const std::vector<std::uint32_t>& tiling, int level) const;
  // Whether every completion of the prefix costs more than `limit` on the metric.
  bool exceeds(const std::vector<std::uint32_t>& tiling, int level, double limit) const;

 private:
  struct Prefix;  // the prefix's factors and what they leave (prefix_bound.cpp)
  // What a set of buffers holding, per instance of level `up`, the tiles of level `inner`
  // (and the spatial loops up to `up`) takes in over the run, over all instances of `up`.
  double entries(const Prefix& p, int ds, int inner, int up) const;

  const Architecture& arch_;
  const Workload& workload_;
  const Mapspace& space_;
  FlatProjections projections_;
  Metric metric_;
  double compute_energy_;
  double cycles_per_compute_;
  double floor_cycles_;                     // lower_bound on delay: full parallelism, bandwidth
  std::vector<double> tensor_size_;         // per data space: operands
  std::vector<std::vector<double>> words_;  // [level][ds]: words per operand at their fewest (0: does not fit)
};

}  // namespace qloop
