#pragma once
// Admissible lower bounds on the objectives: for the whole mapspace (the gap a search
// reports), and for every variant of one tiling (branch and bound in the enumerations).

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "arch/architecture.hpp"
#include "search/mapper_settings.hpp"
#include "search/mapspace.hpp"
#include "workload/workload.hpp"

namespace qloop {

// An admissible lower bound on a metric: every operation at full parallelism (with the
// mapspace, as much as the dimensions' factors can fill: ParallelismBound), and each tensor
// (its distinct operands) crossing the outermost level once (packed), within that level's
// bandwidths. With the
// mapspace, also each tensor filled into and read from once every level below that keeps it
// in every variant. Other accesses are not bounded: an operand can stay at a compute unit
// across iterations that do not change it.
double lower_bound(const Architecture& arch, const Workload& workload, Metric metric, const Mapspace* space = nullptr);

// Whether a level, when it is the innermost to keep a tensor, serves the tensor once per
// operation: no fanout from it down to the compute units (each instance of it and of every
// level below feeds one unit). The model counts an access of the innermost level for every
// operation and every tensor, kept or not, and moves a bypassed tensor's accesses up to the
// level that keeps it; only a fanout on the way (multicast) can make them fewer. So however
// the loops are ordered, a tensor held by such a level and by none below it is read (updated,
// when read-write) there as often as there are operations.
bool serves_every_operation(const Architecture& arch, int level);

// No fill of the tensor can be counted on (its fills bounded by zero): a read-write tensor under
// Timeloop v4's rules, which leave out each partial sum's first fill.
bool first_fill_free(const Architecture& arch, const DataSpaceShape& tensor);

// The cycles one instance of a level takes to read `read_words` and write (fill or update)
// `write_words` at its bandwidths (0 where it has none), as the model throttles
// (level_performance in model/evaluate.cpp); slightly under, for rounding.
double cycles_at_bandwidths(const StorageLevelSpec& spec, double read_words, double write_words);

// The tensors' projections, flat: per tensor, per rank, (dimension, |coefficient|) terms.
struct FlatProjections {
  struct Term {
    DimensionId dimension;
    double coefficient;
  };
  std::vector<Term> terms;
  std::vector<int> rank_ends;  // one past each rank's last term
  // [rank]: its terms are the digits of one index (bounds.cpp: a grouped layer's g * C + c):
  // a change of any of them, whatever the others do, changes the rank's value.
  std::vector<char> digit_ranks;
  std::vector<int> space_ranks;              // [ds]: its first rank; [tensors]: one past the last
  std::vector<std::uint32_t> window_dims;    // [ds]: bit d when d shares a rank with another dimension or is in two
  std::vector<std::uint32_t> relevant_dims;  // [ds]: bit d when d is in a term with a coefficient
  // [ds]: every rank one dimension of coefficient 1, none twice (weights and outputs of a
  // convolution): its distinct points and hull are both the product of the extents.
  std::vector<char> plain;
  explicit FlatProjections(const Workload& workload);
  // Whether a fanout that splits `dim` can let neighbours pass tensor ds's operands to each
  // other (the model's links): only where a step of another dimension shifts a tile along the
  // same rank, as a convolution's window slides across the instances that split R.
  bool in_window(int ds, DimensionId dim) const { return (window_dims[ds] >> dim) & 1u; }
  // Whether instances that differ in `dim` hold disjoint parts of tensor ds: `dim` is alone
  // in its rank, so each instance's tile covers its own range of that rank.
  bool splits_apart(int ds, DimensionId dim) const { return ((relevant_dims[ds] & ~window_dims[ds]) >> dim) & 1u; }
  int first_term(int ds) const { return space_ranks[ds] == 0 ? 0 : rank_ends[space_ranks[ds] - 1]; }
  // Operands of tensor ds in the box of the loops with these extents: its hull (per rank,
  // 1 + sum of (extent - 1) |coefficient|: what a tile holds at most), and a lower bound on
  // the distinct points it touches, which is fewer when a stride leaves gaps (a rank 2p, or
  // r + 4p with one r at a time): what a sweep of the box must take in at least.
  double hull(int ds, const std::array<double, kMaxDimensions>& extent) const;
  double distinct(int ds, const std::array<double, kMaxDimensions>& extent) const;
  // At most how many operands of tensor ds one block's box (these extents, one tile: see
  // box_is_one_tile) shares with the next one's, when the loops outside the boxes are
  // those of the dimensions in `outside` (bit d). Between two blocks one of those loops steps
  // and the ones inside it start over: the stepping dimension moves by at least the box's
  // extent in it, so each rank it is in, with no other outside dimension, moves by that times
  // its coefficient and keeps at most its span less that. Every other rank may keep all. The
  // most over which dimension steps: the hull when one is not in the tensor.
  double shared_after_step(int ds, const std::array<double, kMaxDimensions>& extent, std::uint32_t outside) const;
  // How many operands of tensor ds a box (one tile) shares with itself moved by one step of
  // `dim` alone: each rank `dim` is in (once) keeps its span less the move, the others all.
  double shared_after_a_step_of(int ds, const std::array<double, kMaxDimensions>& extent, DimensionId dim) const;
  // [ds][d]: bit e when d and e share a rank of tensor ds (d with itself, when it is in one).
  std::vector<std::array<std::uint32_t, kMaxDimensions>> rank_mates;
};

// What the model takes in at a boundary into a set of buffers holding `extent` (one tile:
// box_is_one_tile; its distinct operands `distinct`) over `iterations` steps of the temporal
// loops above it, from the innermost of those loops out, when no neighbour links reach the
// set: the model subtracts what a step keeps only when the tile moves as it moved the step
// before (or after a step it did not), so with the innermost loop l of n iterations, each
// step that is not l's (l starts over) brings a whole tile, and l's steps the tile less what
// a step of l keeps: iterations / n tiles and the rest of the steps tile - shared. That holds
// where l is in the tensor and no other loop above shares a rank with it (l again, higher
// up; a window's other dimension), so that such a step, which moves l's ranks back, never
// moves the tile as l's step does. `candidates`: the dimensions whose loop at the level of
// the innermost loops (L) may be innermost (the least over them); `at_level`: those looping
// at L; `above`: those looping above L; `trips`: per dimension, its loop's iterations at L.
// 0 where this says nothing (then the other counts stand).
double intake_by_innermost_sweeps(const FlatProjections& projections, int ds,
                                  const std::array<double, kMaxDimensions>& extent, double distinct, double iterations,
                                  const std::array<double, kMaxDimensions>& trips, std::uint32_t candidates,
                                  std::uint32_t at_level, std::uint32_t above);

// Whether the box of a tiling's loops inside a point of the nest (those below `level`, and of
// `level`'s the dimensions in `inside`: bit d) and its spatial loops up to `spatial_up_to`
// is one tile: in every dimension, no loop left out of the box lies inside one of it (a
// temporal loop outside the point, under a fanout of the box, leaves gaps between the parts
// the fanout spreads). Then the box spans its extents, and a step of a loop outside it moves
// it by at least its extent. Nest order, innermost first: each level's spatial loops, then
// its temporal ones; per level (`levels` of them), bit d when d's temporal (`looping`) or
// spatial (`spreading`) loop there has more than one iteration.
bool box_is_one_tile(const std::uint32_t* looping, const std::uint32_t* spreading, int levels, int spatial_up_to,
                     int level, std::uint32_t inside);

// The parts of a variant known so far (the certified search fixes a visited tiling's bypass
// choice first, then its loop orders from the outermost level in, each level's from its
// innermost loop out). `keep`: which tensors each level keeps, as in MapspacePoint::keep (null:
// any choice the mapspace allows). `loop_orders`: per level, the non-trivial temporal
// dimensions, innermost first, as in MapspacePoint::loop_orders, known at the levels from
// `known_from` up (null: none), at `known_from` itself only its first `loops_known_at_from`.
struct KnownChoices {
  static constexpr int kAllLoops = std::numeric_limits<int>::max();
  const std::vector<std::vector<bool>>* keep = nullptr;
  const std::vector<std::vector<DimensionId>>* loop_orders = nullptr;
  int known_from = 0;
  int loops_known_at_from = kAllLoops;
};

// A lower bound on `metric` over every loop order, bypass and X/Y choice of a tiling. Its
// compute cycles are fixed by its temporal factors. Its energy: the operations, and at every
// level that keeps a tensor in every variant (and the outermost), what must enter each
// instance's tile (its fills) and its children's tiles (its reads, or updates), whatever the
// orders: the sweeps that the loops above force to repeat, less what a buffer can hold over
// from one sweep to the next. Packed, per instance, as the model counts them. Admissible on
// every point of the designs test_bounds.cpp enumerates.
class TilingBound {
 public:
  // The geometry of the tiling being bounded, in buffers kept from one tiling to the next
  // (a search bounds every tiling it draws). One per thread.
  class Scratch {
   public:
    Scratch();
    ~Scratch();
    Scratch(Scratch&&) noexcept;
    Scratch& operator=(Scratch&&) noexcept;
    struct State;  // bounds.cpp
    State& state() { return *state_; }

   private:
    std::unique_ptr<State> state_;
  };

  TilingBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric);
  bool informative() const;  // false: it is never above lower_bound (last-level accesses)
  double operator()(const std::vector<std::uint32_t>& tiling) const;
  // Whether the bound is above `limit`; stops adding terms once it is (what pruning asks).
  // With `known`, over only the variants with those choices: the levels a known bypass choice
  // keeps count as those kept in every variant do, and each known order's loops split the
  // sweeps into finer blocks, so an irrelevant loop outside a relevant one counts.
  bool exceeds(const std::vector<std::uint32_t>& tiling, double limit, Scratch& scratch,
               const KnownChoices& known = {}) const;
  // Its parts, for tests: the energy, and its terms per level and tensor (each at most what
  // the model counts for that tensor there).
  double energy(const std::vector<std::uint32_t>& tiling, const KnownChoices& known = {}) const;
  struct TermEnergy {
    int level;
    int ds;
    double pJ;
  };
  std::vector<TermEnergy> energy_terms(const std::vector<std::uint32_t>& tiling, const KnownChoices& known = {}) const;
  double cycles(const std::vector<std::uint32_t>& tiling) const;
  // The cycles with the known choices: also each level's least words over its bandwidths.
  double cycles(const std::vector<std::uint32_t>& tiling, const KnownChoices& known) const;

 private:
  // The energy bound, or a partial sum of it once that passes `limit`; with
  // `throttled_cycles`, also the most cycles any level's words take at its bandwidths (of the
  // levels counted before it stopped).
  double energy_until(const std::vector<std::uint32_t>& tiling, const KnownChoices& known, double limit,
                      Scratch& scratch, std::vector<TermEnergy>* terms = nullptr,
                      double* throttled_cycles = nullptr) const;
  const Architecture& arch_;
  const Workload& workload_;
  const Mapspace& space_;
  FlatProjections projections_;
  Metric metric_;
  double compute_energy_;
  double cycles_per_compute_;
  double bandwidth_cycles_;  // the outermost level's compulsory traffic, over its bandwidth
};

}  // namespace qloop
