#pragma once
// The space of mappings the constraints allow, and the construction of one mapping from a
// point of it. A point picks, independently: how each dimension is split into tiling factors
// over the levels (temporal and spatial slots), the order of the non-trivial loops at each
// level, which tensors each level keeps, and which spatial loops go along X or Y.
// Orders of unit loops are not distinguished: they change nothing.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "model/rejection.hpp"
#include "search/constraints.hpp"
#include "workload/workload.hpp"

namespace qloop {

// A tiling chosen in part, as the certified search builds it level by level from the
// outermost: per dimension, the lowest level whose factors are chosen (its factors there and
// above are; the number of levels: none). Since the factors multiply to the dimension's size,
// the tiles from the level below that one up are known.
using KnownLevels = std::array<int, kMaxDimensions>;

struct MapspacePoint {
  std::vector<std::uint32_t> tiling;                  // per dimension: index into its factor options
  std::vector<std::vector<DimensionId>> loop_orders;  // per level: non-trivial temporal dims, innermost first
  std::vector<std::vector<bool>> keep;                // per level, per data space
  std::vector<std::vector<bool>> spatial_on_y;        // per level, per dimension
};

// A few dimensions, inline: the mapper asks for such lists for every candidate.
struct DimensionList {
  std::array<DimensionId, kMaxDimensions> dims;
  int size = 0;
  void push_back(DimensionId d) { dims[size++] = d; }
  bool contains(DimensionId d) const { return std::find(dims.begin(), dims.begin() + size, d) != dims.begin() + size; }
  const DimensionId* begin() const { return dims.data(); }
  const DimensionId* end() const { return dims.data() + size; }
};

// A level's non-trivial temporal loops split by its permutation constraint: pinned innermost,
// free, pinned outermost.
struct LoopOrderParts {
  DimensionList inner, free, outer;
};

// The words each tensor's tile takes at each level for one tiling, kept while that tiling's
// variants (orders, bypass) are prechecked in a row. One per thread; which mapspace and
// tiling filled it is part of it, so a stale entry is never used.
struct TileWordsCache {
  std::uint64_t mapspace = 0;
  std::vector<std::uint32_t> tiling;
  std::vector<std::uint64_t> words;  // [level * tensors + tensor]
};

class Mapspace {
 public:
  Mapspace(const Architecture& arch, const Workload& workload, const Constraints& constraints);

  // A slot is where a dimension's factor goes: (level, temporal or spatial).
  struct Slot {
    int level;
    bool spatial;
  };
  const std::vector<Slot>& slots() const { return slots_; }
  // Per dimension: every ordered split of its size over the slots that the constraints allow.
  const std::vector<std::vector<std::vector<std::int64_t>>>& factor_options() const { return options_; }
  // Number of tilings (product over dimensions), saturating at UINT64_MAX.
  std::uint64_t num_tilings() const;

  // Factor of `dim` in `slot` for the tiling of `point`.
  std::int64_t factor(const std::vector<std::uint32_t>& tiling, DimensionId dim, int slot) const {
    return options_[dim][tiling[dim]][slot];
  }

  // Why a point cannot work, found before evaluating it (spatial factors beyond a fanout,
  // tiles that overflow a buffer, by the model's own rule: level_fit.hpp); none when it may
  // work. Asked for every candidate, so a value, never a message.
  std::optional<Rejection> precheck(const MapspacePoint& point, TileWordsCache& cache) const;
  std::optional<Rejection> precheck(const MapspacePoint& point) const;  // with a cache of its own

  // Loop orders, bypass and X/Y choices for a tiling: the sizes of those sub-spaces.
  std::vector<std::uint64_t> order_counts(const std::vector<std::uint32_t>& tiling) const;  // per level
  std::uint64_t num_keep_choices() const;  // over all levels and tensors
  std::uint64_t num_xy_choices(const std::vector<std::uint32_t>& tiling) const;

  // Everything but the tiling: loop orders x bypass x X/Y, as one mixed-radix index.
  struct Variants {
    std::vector<std::uint64_t> orders;  // per level
    std::uint64_t keep = 1, xy = 1;
    std::uint64_t total() const;
    // What every variant of the tiling needs, worked out once per tiling.
    std::vector<LoopOrderParts> order_parts;  // per level
    std::vector<DimensionList> spatial_dims;  // per level: non-trivial spatial loops
  };
  Variants variants(const std::vector<std::uint32_t>& tiling) const;
  void set_variant(MapspacePoint& point, const Variants& variants, std::uint64_t index) const;

  // Fill the non-tiling parts of a point from indices within those sub-spaces.
  void set_loop_orders(MapspacePoint& point, const std::vector<std::uint64_t>& order_index) const;
  void set_keep(MapspacePoint& point, std::uint64_t keep_index) const;
  void set_xy(MapspacePoint& point, std::uint64_t xy_index) const;
  void randomize(MapspacePoint& point, std::mt19937_64& rng) const;  // every part at random
  // Only the tiling, at random (one that may work, when a bounded number of draws finds one).
  void random_tiling(std::vector<std::uint32_t>& tiling, std::mt19937_64& rng) const;
  // A tiling next to `from`: one or two dimensions get another of their factor options (one
  // whose spatial factors fit), the others keep theirs. False when no dimension has a choice.
  bool neighbour_tiling(const std::vector<std::uint32_t>& from, std::vector<std::uint32_t>& to,
                        std::mt19937_64& rng) const;
  // The spatial factors of each level fit its fanout (X/Y placement aside).
  bool spatial_fits(const std::vector<std::uint32_t>& tiling) const;
  // Some variant of the tiling may pass the precheck: its spatial factors fit, and its tiles
  // fit with every tensor whose keep/bypass is free bypassed. Random tilings are redrawn
  // until this holds (a bounded number of times): the others cannot give a valid mapping.
  bool tiling_may_work(const std::vector<std::uint32_t>& tiling) const;
  // A tiling chosen in part (`known`). False when no way of choosing the rest can give a
  // tiling that may work: the chosen spatial factors already exceed a fanout, or the known
  // tiles already overflow a buffer with every free tensor bypassed (the others count as 1).
  bool partial_tiling_may_work(const std::vector<std::uint32_t>& tiling, const KnownLevels& known) const;
  // The same answer after one more choice, a dimension's factors at `level`, where the tiling
  // before that choice passed (or the choice is at the outermost level: checked in full, as
  // nothing is before those). A dimension's tile at a level is its size over the factors
  // above, so the choice changes the spatial factors at `level` and the tiles at `level` − 1
  // (from one operand to known), and nothing else the check looks at: only those are checked.
  bool choice_may_work(const std::vector<std::uint32_t>& tiling, const KnownLevels& known, int level) const;
  // Why no variant of the tiling can pass the precheck (the first level found, in slot
  // order), or none when some may.
  std::optional<Rejection> tiling_blocker(const std::vector<std::uint32_t>& tiling) const;

  // Per level, per data space: kept in every variant (the constraints fix it, or the level
  // is the outermost).
  bool always_kept(int level, DataSpaceId ds) const {
    return level + 1 == arch_.num_storage_levels() || always_kept_[level][ds];  // build keeps all at the top
  }
  // Kept in some variant.
  bool may_keep(int level, DataSpaceId ds) const { return always_kept(level, ds) || free_keep_[level][ds]; }

  Mapping build(const MapspacePoint& point) const;
  // The same into an existing mapping, reusing its buffers (the mapper's inner loop).
  void build(const MapspacePoint& point, Mapping& into) const;
  // Only the loop orders, keeps and X/Y placement, into a mapping `build` last wrote from a
  // point of the same tiling (its factors stay): a tiling's variants in a row.
  void build_variant(const MapspacePoint& point, Mapping& into) const;
  MapspacePoint empty_point() const;

 private:
  const Architecture& arch_;
  const Workload& workload_;
  const Constraints& constraints_;
  std::vector<Slot> slots_;
  std::vector<std::vector<std::vector<std::int64_t>>> options_;
  std::vector<std::vector<bool>> free_keep_;  // per level, per data space: a choice exists

  // Every split of `dim` over the slots that the constraints allow, into options_[dim].
  // Throws InputError beyond kMaxFactorOptions (a dimension of 10^8 over a dozen slots has
  // tens of millions): bounded work and memory, and a message that says what to constrain.
  void enumerate_factor_options(DimensionId dim);
  static constexpr std::size_t kMaxFactorOptions = std::size_t{1} << 20;
  using DimList = DimensionList;
  DimList nontrivial_loops(const std::vector<std::uint32_t>& tiling, int level, bool spatial) const;
  LoopOrderParts order_parts(const std::vector<std::uint32_t>& tiling, int level) const;
  void apply_xy(MapspacePoint& point, const std::vector<DimensionList>& spatial_dims, std::uint64_t xy_index) const;
  std::optional<Rejection> capacity_check(const std::vector<std::uint32_t>& tiling,
                                          const std::vector<std::vector<bool>>& keep, TileWordsCache& cache) const;
  // The same without the per-tiling cache, stopping at the first level that overflows (for
  // tilings asked about once: the random draws). Capacity and bitwidth only: utilization is
  // no reason to refuse a tiling whose variants keep more tensors.
  std::optional<Rejection> first_overflow(const std::vector<std::uint32_t>& tiling,
                                          const std::vector<std::vector<bool>>& keep) const;
  // For a tiling chosen in part (`known`), at one level: the known tiles of the tensors kept
  // in every variant overflow it, with the tiles not known yet at one operand and partial
  // sums at whichever width takes fewer words.
  bool known_tiles_overflow(const std::vector<std::uint32_t>& tiling, const KnownLevels& known, int level) const;
  // The chosen spatial factors at a level fit its fanout.
  bool known_spatial_factors_fit(const std::vector<std::uint32_t>& tiling, const KnownLevels& known, int level) const;
  // The width a tensor is stored with at a level under this tiling (partial sums may be wider:
  // stored_bitwidth.hpp).
  std::optional<int> stored_width(const std::vector<std::uint32_t>& tiling, int level, DataSpaceId ds) const;
  // Words of a tensor's tile at a level for these extents (kNoFit: wider than the word).
  // Product of a dimension's factors at the levels above `level`.
  std::int64_t factors_above(const std::vector<std::uint32_t>& tiling, DimensionId dim, int level) const;
  std::uint64_t words_of_tile(const std::vector<std::uint32_t>& tiling, int ds, int level,
                              const std::array<std::int64_t, kMaxDimensions>& extent, bool chosen_in_full = true) const;
  static constexpr std::uint64_t kNoFit = ~std::uint64_t{0};
  // Words each tensor's tile needs at each level ([level * tensors + tensor]), from the cache
  // when it holds this tiling: a tiling's variants (orders, bypass) share them.
  const std::vector<std::uint64_t>& tile_words(const std::vector<std::uint32_t>& tiling, TileWordsCache& cache) const;
  std::uint64_t id_;                            // tells this mapspace's entries in a TileWordsCache
  std::vector<std::vector<char>> depends_on_;   // per data space, per dimension
  std::vector<std::vector<bool>> always_kept_;  // per level, per data space: kept in every variant
  std::vector<std::vector<char>> split_on_y_;   // per level with a split constraint: Y per dimension
  std::vector<int> temporal_slot_;              // per level: its temporal slot
  std::vector<int> spatial_slot_;               // per level: its spatial slot, -1 when it has no fanout
  bool order_allowed(const std::vector<DimensionId>& order, int level) const;
};

}  // namespace qloop
