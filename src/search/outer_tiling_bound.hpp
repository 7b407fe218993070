#pragma once
// A lower bound on the cost of every tiling that completes one chosen at the outer levels
// only: every dimension has its factors at every level from some level K up to the outermost
// (the certified search builds tilings so, from the outermost level in). Since a dimension's
// factors multiply to its size, the tile each level from K - 1 up holds is then known (its
// size over the factors above), and so are the loops above it and its instances.
//
// Energy: the operations, plus, for every level that keeps a tensor in every variant (and the
// outermost), what its children's tiles take in from it (its reads or updates) and what its
// own tiles take in (its fills), as TilingBound counts them: for a set of buffers holding a
// box H, the loops at level M and above run B_M blocks that each sweep a box A_M, so they take
// in at least A_M + (B_M - 1)(A_M - H) (A_M's distinct points, H's hull). Where the buffers'
// own tile is known this is TilingBound's term; where it lies below K - 1 (not chosen yet) it
// is at most the tile of level K - 1 (with the same spatial loops), and at most what the
// buffers can hold (each instance's capacity, over the fanouts below K and the chosen spatial
// factors from K up), so the lesser stands in for H, for every M from K up; a level below
// K - 1 counts each operand once.
// A compute unit's operand of a tensor is delivered afresh whenever it changes; it is fixed
// by the dimensions that are each a rank of the tensor alone ("pinned"). When the pinned
// dimensions left below K cannot all go across the fanouts there, one of them loops in time
// below K, so an operand never stays across an iteration of the loops from K up, and one
// delivery serves at most the other dimensions' iterations below K (those that some slot
// there may take, in time or spread below `at`) times the chosen spatial factors of the
// other dimensions from K to `at`: deliveries >= operations / that.
// Cycles: the chosen temporal iterations, times what is left below K over the spatial factors
// the levels below K may still take (ParallelismBound: at most their fanouts, and divisors of
// what is left).
// Checked against every valid mapping of random small designs
// (tests/unit/test_certified_search.cpp).

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "arch/architecture.hpp"
#include "search/bounds.hpp"
#include "search/mapper_settings.hpp"
#include "search/mapspace.hpp"
#include "search/parallelism_bound.hpp"
#include "workload/workload.hpp"

namespace qloop {

class OuterTilingBound {
 public:
  OuterTilingBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric);
  // The tiling's factors at levels `lowest` and above are chosen (those below are ignored).
  double energy(const std::vector<std::uint32_t>& tiling, int lowest) const;
  // The compute cycles, or more where a level's words take longer at its bandwidths.
  double cycles(const std::vector<std::uint32_t>& tiling, int lowest) const;
  // Whether every completion costs more than `limit` on the metric.
  bool exceeds(const std::vector<std::uint32_t>& tiling, int lowest, double limit) const;

 private:
  struct Chosen;  // the chosen factors and the tiles they fix (outer_tiling_bound.cpp)
  Chosen chosen(const std::vector<std::uint32_t>& tiling, int lowest) const;
  // The energy bound, or a part of it once that is above `limit` (all that `exceeds` asks).
  // With `throttled_cycles`, also the most cycles a level from K - 1 up (whose instances are
  // known) takes for its words at its bandwidths (of the levels counted before it stopped).
  double energy(const Chosen& c, double limit = HUGE_VAL, double* throttled_cycles = nullptr) const;
  // The compute cycles (temporal iterations, parallelism left below K).
  double cycles(const Chosen& c) const;
  // What the buffers of level `up` take in over the run, over all their instances, to fill
  // the tiles of level `inner` below them (-1: the compute units' operands; `inner` = `up`:
  // the level's own fills).
  double entries(const Chosen& c, int ds, int inner, int up) const;
  // The same, into one instance of `up` (0 while its tile is not chosen), without the floor
  // of the whole tensor.
  double entries_per_instance(const Chosen& c, int ds, int inner, int up) const;
  // Whether the fanout of `level` may let its children pass tensor ds to each other (the
  // model's neighbour links): a dimension in a window of ds split there, or, below the chosen
  // levels, allowed to be.
  bool neighbours_may_fill(const Chosen& c, int ds, int level) const;
  // Children of one instance of `level` that hold disjoint parts of ds (1 below the chosen).
  double children_apart(const Chosen& c, int ds, int level) const;
  // intake_by_innermost_sweeps (bounds.hpp) for the tiles of `inner` (chosen: from K - 1 up)
  // under one instance of `up`, whose box is `extent` with `distinct` operands (0 where it
  // says nothing).
  double intake_by_sweeps(const Chosen& c, int ds, int inner, int up, const std::array<double, kMaxDimensions>& extent,
                          double distinct) const;
  // The partial sums of ds the model counts as first updates over all instances of `at`, at
  // most: each instance's partition (TilingBound's, from the tiles from `at` up) times the
  // instances; below K - 1, the tensor's hull in each instance the level has.
  double first_updates(const Chosen& c, int ds, int at) const;
  // What the buffers of level `at` deliver to the compute units over the run when no level
  // between keeps the tensor, from the operations alone (0 when this says nothing).
  double operand_deliveries(const Chosen& c, int ds, int at) const;

  const Architecture& arch_;
  const Workload& workload_;
  const Mapspace& space_;
  FlatProjections projections_;
  Metric metric_;
  double compute_energy_;
  double cycles_per_compute_;
  double floor_cycles_;  // lower_bound on delay: the most parallelism, bandwidth
  ParallelismBound parallelism_;
  std::vector<double> tensor_size_;            // per data space: distinct operands
  std::vector<double> tensor_hull_;            // per data space: its hull (FlatProjections::hull)
  std::vector<std::vector<double>> words_;     // [level][ds]: words per operand at their fewest (0: does not fit)
  std::vector<std::vector<double>> capacity_;  // [level][ds]: operands one instance holds at most
  double operations_;
  std::vector<std::vector<char>> pinned_;       // [ds][dim]: the sole term of one of its ranks, or a digit
  std::vector<std::vector<char>> temporal_ok_;  // [level][dim]: some option splits it there in time
  std::vector<std::vector<char>> spatial_ok_;   // [level][dim]: ... across the fanout
};

}  // namespace qloop
