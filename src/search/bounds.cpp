#include "search/bounds.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "model/compute_cost.hpp"
#include "model/packing.hpp"
#include "model/stored_bitwidth.hpp"
#include "search/parallelism_bound.hpp"

namespace qloop {

namespace {

// The distinct operands of a tensor that the whole problem touches.
double tensor_operands(const Workload& workload, int ds) {
  std::array<double, kMaxDimensions> whole;
  whole.fill(1);
  for (DimensionId d = 0; d < workload.num_dimensions(); ++d)
    whole[d] = static_cast<double>(workload.dimension_bounds[d]);
  return FlatProjections(workload).distinct(ds, whole);
}

// Words each tensor moves across the outermost level at least (packed): its distinct operands once.
struct CompulsoryTraffic {
  double read_words = 0;   // read-only tensors, read
  double write_words = 0;  // read-write tensors, updated
  double whole_words = 0;  // both, each tensor rounded up to whole words (last-level accesses)
  double energy_pJ = 0;
};

CompulsoryTraffic compulsory_traffic(const Architecture& arch, const Workload& workload) {
  CompulsoryTraffic out;
  const auto& spec = arch.storage.back();
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    bool read_write = workload.data_spaces[ds].read_write;
    double size = tensor_operands(workload, ds);
    auto packing = pack(workload.bitwidths[ds], spec.word_bits, workload.scales_of(ds));
    double words = size / packing.operands_per_word;
    if (packing.scale_group > 0) words += size / static_cast<double>(packing.scale_group) / packing.scales_per_word;
    (read_write ? out.write_words : out.read_words) += words;
    out.whole_words += std::ceil(words);
    // Nothing is counted below the outermost level: an operand can stay at a compute unit
    // while the loops around it leave it unchanged (the model charges no access then), so the
    // operations do not bound the accesses of any level.
    // A cluster's one access may stand for several instances: the least energy per word.
    double per_word = (read_write ? spec.energy.update_pJ : spec.energy.read_pJ) /
                      static_cast<double>(spec.block_size) / spec.most_instances_per_cluster();
    out.energy_pJ += words * per_word;
  }
  return out;
}

// The outermost level moving that traffic within its bandwidths (words per cycle per
// instance): a level slower than the compute units stretches every cycle count (the model's
// throttling), so no mapping takes fewer cycles. Slightly under, for rounding.
double bandwidth_cycles(const Architecture& arch, const CompulsoryTraffic& t) {
  const auto& spec = arch.storage.back();
  double instances = static_cast<double>(spec.instances);
  return cycles_at_bandwidths(spec, t.read_words / instances, t.write_words / instances);
}

}  // namespace

// Under Timeloop v4's counting rules a partial sum's first fill is not counted, so a
// read-write tensor's fills are bounded by nothing but zero (the count drops by the
// partition size, which no bound here tracks).
bool first_fill_free(const Architecture& arch, const DataSpaceShape& tensor) {
  return tensor.read_write && arch.rules == CountingRules::kTimeloopV4;
}

double cycles_at_bandwidths(const StorageLevelSpec& spec, double read_words, double write_words) {
  double cycles = 0;
  if (spec.read_bandwidth && *spec.read_bandwidth > 0) cycles = std::max(cycles, read_words / *spec.read_bandwidth);
  if (spec.write_bandwidth && *spec.write_bandwidth > 0) cycles = std::max(cycles, write_words / *spec.write_bandwidth);
  if (spec.shared_bandwidth && *spec.shared_bandwidth > 0)
    cycles = std::max(cycles, (read_words + write_words) / *spec.shared_bandwidth);
  return cycles * (1 - 1e-9);
}

bool serves_every_operation(const Architecture& arch, int level) {
  for (int below = 0; below <= level; ++below) {
    if (arch.fanout(below) != 1) return false;
  }
  return true;
}

namespace {

// Every level below the top that keeps a tensor in every variant is filled with all of it at
// least once over its instances, and reads (or updates) all of it: TilingBound's terms at
// their least, whatever the tiling (each instance's footprints cover the tensor).
double kept_levels_energy(const Architecture& arch, const Workload& workload, const Mapspace& space) {
  double energy = 0;
  auto operations = static_cast<double>(workload.total_operations());
  for (int level = 0; level + 1 < arch.num_storage_levels(); ++level) {
    const auto& spec = arch.storage[level];
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      if (!space.always_kept(level, ds)) continue;
      const auto& tensor = workload.data_spaces[ds];
      // The fewest words it can take: at its own width or, read-write, at the partial sums'.
      auto packing = pack(workload.bitwidths[ds], spec.word_bits);
      if (!packing.fits) continue;
      int per_word = packing.operands_per_word;
      if (tensor.read_write && workload.partial_sum_bitwidth) {
        auto psum = pack(workload.partial_sum_bitwidth, spec.word_bits);
        if (psum.fits) per_word = std::max(per_word, psum.operands_per_word);
      }
      double size = tensor_operands(workload, ds);
      // Read once per operation where it is the innermost level that may keep the tensor.
      bool innermost = true;
      for (int below = 0; below < level; ++below) innermost = innermost && !space.may_keep(below, ds);
      double served = innermost && serves_every_operation(arch, level) ? std::max(size, operations) : size;
      double vectors = size / per_word / static_cast<double>(spec.block_size) / spec.most_instances_per_cluster();
      double once = tensor.read_write ? spec.energy.update_pJ : spec.energy.read_pJ;
      double per_operand = vectors / size;
      energy += served * per_operand * once + vectors * (first_fill_free(arch, tensor) ? 0 : spec.energy.fill_pJ);
      if (tensor.read_write && served > size) {  // reads of all updates but each unit's firsts
        double units = static_cast<double>(arch.arithmetic.instances);
        energy += std::max(0.0, operations - units * size) * per_operand * spec.energy.read_pJ;
      }
    }
  }
  return energy;
}

}  // namespace

double lower_bound(const Architecture& arch, const Workload& workload, Metric metric, const Mapspace* space) {
  // Gating and skipping save accesses, computes and cycles below any dense count: no bound
  // above zero is known to hold for them yet (docs/mapper.md).
  if (arch.has_sparse_optimizations()) return 0;
  double computes = static_cast<double>(workload.total_operations());
  auto compute = compute_cost(arch.arithmetic, workload);
  auto traffic = compulsory_traffic(arch, workload);
  double energy = computes * compute.energy_per_compute_pJ + traffic.energy_pJ;
  if (space) energy += kept_levels_energy(arch, workload, *space);
  // With the mapspace: as many units as the dimensions' factors can fill (ParallelismBound).
  double units = static_cast<double>(arch.arithmetic.instances);
  if (space) {
    std::array<double, kMaxDimensions> whole;
    whole.fill(1);
    for (DimensionId d = 0; d < workload.num_dimensions(); ++d)
      whole[d] = static_cast<double>(workload.dimension_bounds[d]);
    units = std::min(units, ParallelismBound(arch, workload, *space).most(whole, arch.num_storage_levels()));
  }
  double iterations = std::ceil(computes / units * (1 - 1e-12));
  double cycles = std::ceil(iterations * compute.cycles_per_compute * (1 - 1e-12));
  cycles = std::max(cycles, bandwidth_cycles(arch, traffic));
  switch (metric) {
    case Metric::kEnergy:
      return energy;
    case Metric::kDelay:
      return cycles;
    case Metric::kEdp:
      return energy * cycles;
    case Metric::kLastLevelAccesses:
      return traffic.whole_words;
  }
  return 0;
}

namespace {

// Whether a rank's terms are the digits of one index: ordered by coefficient, the first's is 1
// and each next one's the previous one's times that dimension's bound (a grouped layer's
// channels g * C + c, with c < C; a depthwise layer's g * 1 + c, with c < 1). Each value then
// has one set of digits, and a fanout that splits them moves data as if each were a rank alone
// (docs/mapper.md, "Ranks of digits"): no step of the loops above shifts a child's tile onto a
// neighbour's.
bool digits_of_one_index(const Workload& workload, const std::vector<ProjectionTerm>& rank) {
  std::vector<std::pair<std::int64_t, DimensionId>> digits;
  for (const auto& term : rank) {
    // (a dimension of one index never moves: no digit)
    if (workload.dimension_bounds[term.dimension] > 1) {
      digits.emplace_back(std::abs(workload.coefficient(term.coefficient)), term.dimension);
    }
  }
  std::sort(digits.begin(), digits.end());
  std::int64_t next = 1;
  std::uint32_t seen = 0;
  for (const auto& [coefficient, dim] : digits) {
    if (coefficient != next || ((seen >> dim) & 1u)) return false;
    seen |= 1u << dim;
    next = coefficient * workload.dimension_bounds[dim];
  }
  return true;
}

}  // namespace

FlatProjections::FlatProjections(const Workload& workload) {
  space_ranks.push_back(0);
  for (const auto& space : workload.data_spaces) {
    auto first_rank = rank_ends.size();
    for (const auto& rank : space.projection) {
      for (const auto& term : rank) {
        terms.push_back({term.dimension, std::abs(static_cast<double>(workload.coefficient(term.coefficient)))});
      }
      rank_ends.push_back(static_cast<int>(terms.size()));
      digit_ranks.push_back(rank.size() > 1 && digits_of_one_index(workload, rank));
    }
    space_ranks.push_back(static_cast<int>(rank_ends.size()));
    std::uint32_t window = 0, seen = 0, relevant = 0;
    for (std::size_t r = 0; r < space.projection.size(); ++r) {
      std::uint32_t in_rank = 0;
      for (const auto& term : space.projection[r]) {
        if (workload.coefficient(term.coefficient) != 0) relevant |= 1u << term.dimension;
        window |= seen & (1u << term.dimension);
        seen |= 1u << term.dimension;
        in_rank |= 1u << term.dimension;
      }
      if (space.projection[r].size() > 1 && !digit_ranks[first_rank + r]) window |= in_rank;
    }
    window_dims.push_back(window);
    relevant_dims.push_back(relevant);
    rank_mates.emplace_back();
    rank_mates.back().fill(0);
    for (const auto& rank : space.projection) {
      std::uint32_t in_rank = 0;
      for (const auto& term : rank) {
        if (workload.coefficient(term.coefficient) != 0) in_rank |= 1u << term.dimension;
      }
      for (const auto& term : rank) {
        if (workload.coefficient(term.coefficient) != 0) rank_mates.back()[term.dimension] |= in_rank;
      }
    }
    bool one_per_rank = std::all_of(space.projection.begin(), space.projection.end(), [&](const auto& rank) {
      return rank.size() == 1 && workload.coefficient(rank.front().coefficient) == 1;
    });
    plain.push_back(one_per_rank && window == 0);
  }
}

double FlatProjections::hull(int ds, const std::array<double, kMaxDimensions>& extent) const {
  double size = 1;
  int t = first_term(ds);
  for (int r = space_ranks[ds]; r < space_ranks[ds + 1]; ++r) {
    double span = 1;
    for (; t < rank_ends[r]; ++t) span += (extent[terms[t].dimension] - 1) * terms[t].coefficient;
    size *= span;
  }
  return size;
}

double FlatProjections::distinct(int ds, const std::array<double, kMaxDimensions>& extent) const {
  if (plain[ds]) {  // (the hot case: the bounds ask this for every block of every sweep)
    double size = 1;
    for (int t = first_term(ds); t < first_term(ds + 1); ++t) size *= extent[terms[t].dimension];
    return size;
  }
  // A dimension in two terms (two ranks, or twice in one) ties them: the ranks are not
  // independent and the count below would be too high. Then only one operand is certain.
  std::array<bool, kMaxDimensions> seen{};
  int last = space_ranks[ds + 1] == space_ranks[ds] ? first_term(ds) : rank_ends[space_ranks[ds + 1] - 1];
  for (int t = first_term(ds); t < last; ++t) {
    if (terms[t].coefficient == 0 || extent[terms[t].dimension] <= 1) continue;
    if (seen[terms[t].dimension]) return 1;
    seen[terms[t].dimension] = true;
  }
  double size = 1;
  for (int r = space_ranks[ds]; r < space_ranks[ds + 1]; ++r) {
    int begin = r == 0 ? 0 : rank_ends[r - 1], end = rank_ends[r];
    // The rank's values sum_i c_i x_i over x_i < e_i (terms with c = 0 add nothing).
    double hull = 1, widest = 1, product = 1;
    bool unit = true;
    int live = 0, unit_term = -1, other = -1;
    for (int t = begin; t < end; ++t) {
      double c = terms[t].coefficient, e = extent[terms[t].dimension];
      if (c == 0 || e <= 1) continue;
      ++live;
      hull += (e - 1) * c;
      widest = std::max(widest, e);
      product *= e;
      unit = unit && c == 1;
      if (c == 1 && unit_term < 0) {
        unit_term = t;
      } else {
        other = t;
      }
    }
    double span;
    if (live <= 1) {
      span = widest;  // one progression: as many values as steps
    } else if (unit) {
      span = hull;  // unit steps: every value in between is reached
    } else if (live == 2 && unit_term >= 0) {
      // x + s y: contiguous while the stride s is at most x's extent, else no two collide.
      double ex = extent[terms[unit_term].dimension], s = terms[other].coefficient;
      span = s <= ex ? hull : product;
    } else {
      span = widest;  // at least one term's values, the others fixed
    }
    size *= span;
  }
  return size;
}

double FlatProjections::shared_after_step(int ds, const std::array<double, kMaxDimensions>& extent,
                                          std::uint32_t outside) const {
  if (outside & ~relevant_dims[ds]) return hull(ds, extent);  // an irrelevant loop may step: all kept
  double whole = 1;
  // Per rank: its span, and the one outside dimension in it (once), if it has exactly one.
  // A rank keeps less only when that dimension steps, by its shift; the most over which
  // steps, as a factor of the hull.
  std::array<double, kMaxDimensions> kept_share;
  kept_share.fill(1);
  std::uint32_t alone_somewhere = 0;
  int t = first_term(ds);
  for (int r = space_ranks[ds]; r < space_ranks[ds + 1]; ++r) {
    double span = 1, shift = 0;
    int in_rank = 0, sole = -1;
    std::uint32_t seen = 0;
    bool twice = false;
    for (; t < rank_ends[r]; ++t) {
      double c = terms[t].coefficient;
      DimensionId d = terms[t].dimension;
      span += (extent[d] - 1) * c;
      if (c == 0 || !((outside >> d) & 1u)) continue;
      // (A dimension twice in a rank may cancel its own shift: then the rank may keep all.)
      twice = twice || ((seen >> d) & 1u);
      seen |= 1u << d;
      ++in_rank;
      sole = d;
      shift = c * extent[d];
    }
    whole *= span;
    if (in_rank != 1 || twice) continue;
    alone_somewhere |= 1u << sole;
    kept_share[sole] *= std::max(0.0, span - shift) / span;
  }
  if (outside & ~alone_somewhere) return whole;  // that one may step and keep every rank
  double most = 0;
  for (DimensionId d = 0; outside >> d; ++d) {
    if ((outside >> d) & 1u) most = std::max(most, kept_share[d]);
  }
  return whole * most;
}

double FlatProjections::shared_after_a_step_of(int ds, const std::array<double, kMaxDimensions>& extent,
                                               DimensionId dim) const {
  double shared = 1;
  int t = first_term(ds);
  for (int r = space_ranks[ds]; r < space_ranks[ds + 1]; ++r) {
    double span = 1, shift = 0;
    int times = 0;
    for (; t < rank_ends[r]; ++t) {
      double c = terms[t].coefficient;
      span += (extent[terms[t].dimension] - 1) * c;
      if (c == 0 || terms[t].dimension != dim) continue;
      ++times;
      shift = c * extent[dim];
    }
    // (Twice in a rank, its moves may cancel: the rank may keep all.)
    shared *= times == 1 ? std::max(0.0, span - shift) : span;
  }
  return shared;
}

double intake_by_innermost_sweeps(const FlatProjections& projections, int ds,
                                  const std::array<double, kMaxDimensions>& extent, double distinct, double iterations,
                                  const std::array<double, kMaxDimensions>& trips, std::uint32_t candidates,
                                  std::uint32_t at_level, std::uint32_t above) {
  if (!candidates) return 0;
  double least = HUGE_VAL;
  for (DimensionId l = 0; candidates >> l; ++l) {
    if (!((candidates >> l) & 1u)) continue;
    std::uint32_t others = above | (at_level & ~(1u << l));
    if (!((projections.relevant_dims[ds] >> l) & 1u) || (others & projections.rank_mates[ds][l])) return 0;
    double sweeps = iterations / trips[l];
    double step = std::max(0.0, distinct - projections.shared_after_a_step_of(ds, extent, l));
    least = std::min(least, sweeps * distinct + (iterations - sweeps) * step);
  }
  return least;
}

bool box_is_one_tile(const std::uint32_t* looping, const std::uint32_t* spreading, int levels, int spatial_up_to,
                     int level, std::uint32_t inside) {
  std::uint32_t left_out = 0;  // dimensions with a loop left out of the box so far, inner to outer
  for (int at = 0; at < levels; ++at) {
    std::uint32_t in_box = at <= spatial_up_to ? spreading[at] : 0;
    if (in_box & left_out) return false;
    left_out |= spreading[at] & ~in_box;
    in_box = at < level ? looping[at] : at == level ? looping[at] & inside : 0;
    if (in_box & left_out) return false;
    left_out |= looping[at] & ~in_box;
  }
  return true;
}

TilingBound::TilingBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric)
    : arch_(arch),
      workload_(workload),
      space_(space),
      projections_(workload),
      metric_(metric),
      compute_energy_(static_cast<double>(workload.total_operations()) *
                      compute_cost(arch.arithmetic, workload).energy_per_compute_pJ),
      cycles_per_compute_(compute_cost(arch.arithmetic, workload).cycles_per_compute),
      bandwidth_cycles_(bandwidth_cycles(arch, compulsory_traffic(arch, workload))) {}

bool TilingBound::informative() const {
  return metric_ != Metric::kLastLevelAccesses && !arch_.has_sparse_optimizations();
}

double TilingBound::cycles(const std::vector<std::uint32_t>& tiling) const {
  // Each compute unit in use performs every temporal iteration: the model's compute cycles,
  // which the mapping's cycles can only exceed (bandwidth), whatever the orders and bypass.
  double iterations = 1;
  const auto& slots = space_.slots();
  for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
    if (slots[slot].spatial) continue;
    for (DimensionId dim = 0; dim < static_cast<DimensionId>(tiling.size()); ++dim) {
      iterations *= static_cast<double>(space_.factor(tiling, dim, slot));
    }
  }
  return std::max(std::ceil(iterations * cycles_per_compute_), bandwidth_cycles_);
}

namespace {

// A tiling's factors, and the footprints of boxes of its loops. Bound once per tiling, into
// buffers kept across calls (a search asks for the bound of every tiling it draws).
class TilingGeometry {
 public:
  // (A search asks for the bounds of one tiling's variants in a row: the same tiling is bound
  // once, and what its entries share is kept: see compulsory_entries.)
  void bind(const FlatProjections& projections, const Mapspace& space, int levels, int dims,
            const std::vector<std::uint32_t>& tiling) {
    if (projections_ == &projections && space_ == &space && tiling_ == tiling) return;
    space_ = &space;
    tiling_ = tiling;
    projections_ = &projections;
    levels_ = levels;
    dims_ = dims;
    temporal_.assign(static_cast<std::size_t>(levels_) * dims_, 1);
    spatial_.assign(static_cast<std::size_t>(levels_) * dims_, 1);
    const auto& slots = space.slots();
    for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
      auto& factors = slots[slot].spatial ? spatial_ : temporal_;
      for (DimensionId dim = 0; dim < dims_; ++dim) {
        factors[slots[slot].level * dims_ + dim] = static_cast<double>(space.factor(tiling, dim, slot));
      }
    }
    auto tensors = static_cast<int>(projections.space_ranks.size()) - 1;
    // (What was kept for another tiling is stale by its ids: nothing to clear.)
    cache_.resize(static_cast<std::size_t>(levels_ + 1) * tensors * (levels_ + 1) * levels_);
    splits_.resize(levels_ + 1);
    for (auto& state : splits_) state.context = 0;
    iterations_from_.assign(levels_ + 1, 1);
    looping_.assign(levels_, 0);
    spreading_.assign(levels_, 0);
    looping_from_.assign(levels_ + 1, 0);
    instances_.assign(levels_, 1);
    for (int level = levels_ - 1; level >= 0; --level) {
      for (DimensionId dim = 0; dim < dims_; ++dim) {
        if (temporal(level, dim) > 1) looping_[level] |= 1u << dim;
        if (spatial(level, dim) > 1) spreading_[level] |= 1u << dim;
      }
      looping_from_[level] = looping_from_[level + 1] | looping_[level];
      iterations_from_[level] = iterations_from_[level + 1];
      for (DimensionId dim = 0; dim < dims_; ++dim) iterations_from_[level] *= temporal(level, dim);
      if (level + 1 < levels_) {
        instances_[level] = instances_[level + 1];
        for (DimensionId dim = 0; dim < dims_; ++dim) instances_[level] *= spatial(level + 1, dim);
      }
    }
  }

  // The factors as a mapping without orders (partial-sum widths need factors only).
  Mapping factors() const {
    Mapping m;
    m.levels.resize(levels_);
    for (int level = 0; level < levels_; ++level) {
      for (DimensionId dim = 0; dim < dims_; ++dim) {
        m.levels[level].temporal_factors.push_back(static_cast<std::int64_t>(temporal(level, dim)));
        m.levels[level].spatial_factors.push_back(static_cast<std::int64_t>(spatial(level, dim)));
      }
    }
    return m;
  }
  // Instances of `level`: the spatial loops above it.
  double instances(int level) const { return instances_[level]; }
  // The children of one instance of `level`: its spatial loops.
  double fanout(int level) const {
    double children = 1;
    for (DimensionId dim = 0; dim < dims_; ++dim) children *= spatial(level, dim);
    return children;
  }
  // The children of one instance of `level` that hold disjoint parts of tensor ds: no
  // multicast of it reaches more than fanout / this many of them.
  double children_apart(int ds, int level) const {
    double apart = 1;
    for (DimensionId dim = 0; dim < dims_; ++dim) {
      if (projections_->splits_apart(ds, dim)) apart *= spatial(level, dim);
    }
    return apart;
  }
  // Whether `level`'s fanout may let its children pass tensor ds to each other.
  bool neighbours_may_fill(int ds, int level) const {
    for (DimensionId dim = 0; dim < dims_; ++dim) {
      if (spatial(level, dim) > 1 && projections_->in_window(ds, dim)) return true;
    }
    return false;
  }
  // Whether any fanout above `child` up to `level`'s may.
  bool neighbours_may_fill_between(int ds, int child, int level) const {
    for (int between = child + 1; between <= level; ++between) {
      if (neighbours_may_fill(ds, between)) return true;
    }
    return false;
  }
  // Every temporal iteration: the operations of one compute unit in use.
  double iterations() const { return iterations_from_[0]; }
  // The partial sums of tensor ds the model counts as first updates at each instance of
  // `level`, at most: its partition (tile_collapse.cpp), the whole tensor's hull times, at each
  // fanout above, a child's tile's hull over that of the tile its siblings make up (integer
  // division there only makes it smaller). Where every rank is one dimension, the operands the
  // instance's temporal loops reach; where a rank holds the digits of a grouped layer's channel,
  // hulls are not products and it may be more (g * 128 + m: a tile of 2 g and 4 m spans 132).
  double partition(int ds, int level) const {
    std::array<double, kMaxDimensions> box;
    box.fill(1);
    for (int below = 0; below < levels_; ++below) {
      for (DimensionId dim = 0; dim < dims_; ++dim) box[dim] *= temporal(below, dim) * spatial(below, dim);
    }
    double share = projections_->hull(ds, box);
    box.fill(1);
    for (int below = 0; below + 1 < levels_; ++below) {
      for (DimensionId dim = 0; dim < dims_; ++dim) box[dim] *= temporal(below, dim) * spatial(below, dim);
      if (below < level || fanout(below + 1) <= 1) continue;
      auto siblings = box;
      for (DimensionId dim = 0; dim < dims_; ++dim) siblings[dim] *= spatial(below + 1, dim);
      share *= projections_->hull(ds, box) / projections_->hull(ds, siblings);
    }
    return share;
  }

  // Operands of tensor ds that must enter a set of buffers over the run, whatever the loop
  // orders: one instance's tiles of level `inner` when `spatial_up_to` is `inner`, or the
  // union of the tiles of all the `inner` instances below one instance of `spatial_up_to`
  // (-1: the compute units' operands). At a time they hold H, the box of the loops at and
  // below `inner` and the spatial loops up to `spatial_up_to`. Split the run into B blocks of
  // consecutive iterations by the loops outside some point of the nest above `inner`: in each
  // block the loops inside that point sweep a box A (H grown by them). The first block takes
  // in all of A, every other one A less what it held when it began: at most H, and only
  // points of the block before, so at most what two consecutive boxes share (S: H where a
  // loop outside may leave the tensor's box where it was; a convolution's inputs, the halo,
  // where every outside loop moves it). So at least A + (B - 1)(A - min(H, S)), for every
  // such point, where A counts the box's distinct points (a stride may leave gaps) and H its
  // hull. Without orders the points are the boundaries between levels, from the one just above
  // `inner` (A = H) up (past the top: the whole run, one block); where the orders
  // of the levels from `known.known_from` up are known, also the points between their loops
  // (an irrelevant loop outside a relevant one repeats the sweep: more blocks, the same A).
  // Of an order known from its innermost loop out, the points between the known loops: the
  // loops outside such a point are the same whatever the order of the unknown ones.
  //
  // A search asks with the same orders known from some level S + 1 up and more and more of
  // S's own (the certified search's runs of variants): every point but those between S's
  // known loops is the same across those questions, so their largest (`base`) is kept per S,
  // tensor, inner and spatial_up_to, with the box just inside S, until the tiling or the
  // orders above S change; and each point between S's known loops while the loops up to it
  // stay. `known` is the question `begin_question` was last told of.
  double compulsory_entries(int ds, int inner, int spatial_up_to, const KnownChoices& known) {
    int split = split_;
    const auto& state = splits_[split];
    auto tensors = static_cast<int>(projections_->space_ranks.size()) - 1;
    auto& kept = cache_[((split * tensors + ds) * (levels_ + 1) + inner + 1) * levels_ + spatial_up_to];
    if (kept.context != state.context) {
      kept.context = state.context;
      kept.base = entries_but_at(split, ds, inner, spatial_up_to, known, kept.held, kept.inside_split);
      kept.point_prefix.fill(0);
    }
    double entries = kept.base;
    if (split > inner && split < levels_) {
      // The point after S's i-th known loop depends on its loops up to the i-th alone: kept
      // while they stay (SplitState::prefix_ids).
      const auto& order = (*known.loop_orders)[split];
      auto loops = std::min(static_cast<int>(order.size()), known.loops_known_at_from);
      auto extent = kept.inside_split;
      double outside = iterations_from_[split];
      std::array<bool, kMaxDimensions> grown{};
      std::uint32_t inside = 0;  // dimensions whose loop at S is inside the point
      for (int i = 0; i < loops; ++i) {
        DimensionId dim = order[i];
        double factor = temporal(split, dim);
        if (grown[dim] || factor <= 1) continue;
        grown[dim] = true;
        extent[dim] *= factor;
        outside /= factor;
        inside |= 1u << dim;
        if (kept.point_prefix[i] != state.prefix_ids[i]) {
          kept.point_prefix[i] = state.prefix_ids[i];
          double swept = projections_->distinct(ds, extent);
          kept.points[i] = swept + (outside - 1) * std::max(0.0, swept - kept.held);
          if (outside * swept > std::max(kept.points[i], entries)) {
            double kept_over = kept_over_a_step(ds, extent, kept.held, spatial_up_to, split, inside);
            kept.points[i] = swept + (outside - 1) * std::max(0.0, swept - kept_over);
          }
        }
        entries = std::max(entries, kept.points[i]);
      }
    }
    return entries;
  }

 private:
  // The largest of compulsory_entries's points but those between the loops of level `split`
  // (at its boundary all its loops have run: that point is among them); `held` the hull of
  // H, `inside_split` the box just inside `split`'s loops (when it is above `inner`).
  double entries_but_at(int split, int ds, int inner, int spatial_up_to, const KnownChoices& known, double& held,
                        std::array<double, kMaxDimensions>& inside_split) const {
    std::array<double, kMaxDimensions> extent;
    extent.fill(1);
    for (int level = 0; level <= std::max(inner, spatial_up_to); ++level) {
      for (DimensionId dim = 0; dim < dims_; ++dim) {
        if (level <= inner) extent[dim] *= temporal(level, dim);
        extent[dim] *= spatial(level, dim);
      }
    }
    held = projections_->hull(ds, extent);
    double entries = projections_->distinct(ds, extent);
    // A point inside `level`'s loops, the dimensions `inside` of whose loop there are inside it.
    auto block_point = [&](double blocks, int level, std::uint32_t inside, double swept = -1) {
      // The first block takes in all of A's distinct points; each other, those not kept over.
      if (swept < 0) swept = projections_->distinct(ds, extent);
      entries = std::max(entries, swept + (blocks - 1) * std::max(0.0, swept - held));
      if (blocks * swept <= entries) return;  // (kept over or not, no more than every block whole)
      double kept_over = kept_over_a_step(ds, extent, held, spatial_up_to, level, inside);
      entries = std::max(entries, swept + (blocks - 1) * std::max(0.0, swept - kept_over));
    };
    if (inner + 1 < levels_) {
      double tile = entries;                                         // (its distinct operands)
      block_point(iterations_from_[inner + 1], inner + 1, 0, tile);  // A = H
      if (iterations_from_[inner + 1] * tile > entries) {
        entries = std::max(entries, intake_by_sweeps(ds, inner, spatial_up_to, known, extent, tile));
      }
    }
    for (int level = inner + 1; level < levels_; ++level) {
      // Grown by this level's temporal loops; a level without any leaves A and B as they were.
      // A known order's loops make a block point each, the last one the level's boundary.
      std::array<bool, kMaxDimensions> grown{};
      std::uint32_t inside = 0;
      if (level == split) inside_split = extent;
      if (known.loop_orders && level >= known.known_from && level != split) {
        double outside = iterations_from_[level];  // the loops at this level and above
        const auto& order = (*known.loop_orders)[level];
        auto loops = static_cast<int>(order.size());
        for (int i = 0; i < loops; ++i) {
          DimensionId dim = order[i];
          double factor = temporal(level, dim);
          if (grown[dim] || factor <= 1) continue;
          grown[dim] = true;
          inside |= 1u << dim;
          extent[dim] *= factor;
          outside /= factor;
          block_point(outside, level, inside);
        }
      }
      bool grew = false;  // by loops of no known order: the boundary is a block point still to count
      for (DimensionId dim = 0; dim < dims_; ++dim) {
        if (grown[dim] || temporal(level, dim) <= 1) continue;
        extent[dim] *= temporal(level, dim);
        grew = true;
      }
      if (grew) block_point(iterations_from_[level + 1], level + 1, 0);
    }
    return entries;
  }

  // intake_by_innermost_sweeps for the set's tiles (`extent`, `distinct` operands) at their
  // boundary, where no links reach the set and its box is one tile (0 elsewhere). The
  // innermost loops are those of the first level above `inner` with any: the first of its
  // known order there (not at S, whose known loops change from one question to the next),
  // else any of them.
  double intake_by_sweeps(int ds, int inner, int spatial_up_to, const KnownChoices& known,
                          const std::array<double, kMaxDimensions>& extent, double distinct) const {
    int at = inner + 1;
    while (at < levels_ && !looping_[at]) ++at;
    if (inner < 0 || at == levels_ || neighbours_may_fill_between(ds, inner, spatial_up_to) ||
        !box_is_one_tile(looping_.data(), spreading_.data(), levels_, spatial_up_to, inner + 1, 0)) {
      return 0;
    }
    std::uint32_t candidates = looping_[at];
    if (known.loop_orders && at >= known.known_from && at != split_) {
      for (DimensionId dim : (*known.loop_orders)[at]) {
        if (temporal(at, dim) <= 1) continue;
        candidates = 1u << dim;
        break;
      }
    }
    std::array<double, kMaxDimensions> trips;
    trips.fill(1);
    for (DimensionId dim = 0; dim < dims_; ++dim) trips[dim] = temporal(at, dim);
    return intake_by_innermost_sweeps(*projections_, ds, extent, distinct, iterations_from_[inner + 1], trips,
                                      candidates, looping_[at], looping_from_[at + 1]);
  }

  // What a set of buffers holding the box `extent` (hull `held`) keeps over from one block to
  // the next, at most, at a point inside `level`'s loops (`inside`: the dimensions whose loop
  // there is inside it; the buffers: those under one instance of `spatial_up_to`). It holds
  // at most `held`, and only points of the block before, so at most what two consecutive
  // blocks' boxes share (FlatProjections::shared_after_step), where the box is one tile.
  double kept_over_a_step(int ds, const std::array<double, kMaxDimensions>& extent, double held, int spatial_up_to,
                          int level, std::uint32_t inside) const {
    if (level >= levels_) return held;  // one block
    std::uint32_t outside = looping_from_[level + 1] | (looping_[level] & ~inside);
    if (!outside || (outside & ~projections_->relevant_dims[ds]) ||
        !box_is_one_tile(looping_.data(), spreading_.data(), levels_, spatial_up_to, level, inside)) {
      return held;
    }
    return std::min(held, projections_->shared_after_step(ds, extent, outside));
  }

 public:
  // Before the entries of a question: which level S is the one whose order is partly known
  // (the number of levels: none), and whether what is kept for S still holds: a new context
  // when an order above S differs from the last question's with that S.
  void begin_question(const KnownChoices& known) {
    int split = known.loop_orders && known.known_from < levels_ ? known.known_from : levels_;
    split_ = split;
    auto& state = splits_[split];
    bool same = state.context != 0;
    for (int level = split + 1; same && level < levels_; ++level) {
      same = state.orders_above[level] == (*known.loop_orders)[level];
    }
    if (!same) {
      state.context = ++next_id_;
      state.orders_above.resize(levels_);
      for (int level = split + 1; level < levels_; ++level) state.orders_above[level] = (*known.loop_orders)[level];
      state.prefix_length = 0;
    }
    if (split == levels_) return;
    // S's known loops: from the first that differs from those last asked, each gets a new id.
    const auto& order = (*known.loop_orders)[split];
    auto loops = std::min(static_cast<int>(order.size()), known.loops_known_at_from);
    for (int i = 0; i < loops; ++i) {
      if (i < state.prefix_length && state.prefix[i] == order[i]) continue;
      for (int j = i; j < loops; ++j) {
        state.prefix[j] = order[j];
        state.prefix_ids[j] = ++next_id_;
      }
      state.prefix_length = loops;
      break;
    }
  }

 private:
  struct KeptEntries {
    std::uint64_t context = 0;  // 0: never computed
    double base = 0, held = 0;
    std::array<double, kMaxDimensions> inside_split{};
    // The point after S's i-th known loop, and the id of the loops up to it then (0: none).
    std::array<double, kMaxDimensions> points{};
    std::array<std::uint64_t, kMaxDimensions> point_prefix{};
  };
  // Per S: the id of what is kept for it (0: nothing yet), the orders above it then, and its
  // known loops as last asked (at least) with per position an id that changes whenever that
  // loop or one before it does.
  struct SplitState {
    std::uint64_t context = 0;
    std::vector<std::vector<DimensionId>> orders_above;
    std::array<DimensionId, kMaxDimensions> prefix{};
    std::array<std::uint64_t, kMaxDimensions> prefix_ids{};
    int prefix_length = 0;
  };
  const Mapspace* space_ = nullptr;
  std::vector<std::uint32_t> tiling_;
  std::uint64_t next_id_ = 0;
  int split_ = 0;                   // S of the question being answered
  std::vector<SplitState> splits_;  // [S]
  std::vector<KeptEntries> cache_;  // [((S * tensors + ds) * (levels + 1) + inner + 1) * levels + up]
  const FlatProjections* projections_ = nullptr;
  int levels_ = 0, dims_ = 0;
  std::vector<double> temporal_, spatial_;   // [level * dims + dim]
  std::vector<double> iterations_from_;      // [level]: iterations of the temporal loops at and above it
  std::vector<std::uint32_t> looping_;       // [level]: bit d when d's temporal loop there has more than one iteration
  std::vector<std::uint32_t> looping_from_;  // [level]: the same, at that level and above
  std::vector<std::uint32_t> spreading_;     // [level]: bit d when d's spatial loop there has more than one
  std::vector<double> instances_;            // [level]

  double temporal(int level, DimensionId dim) const { return temporal_[level * dims_ + dim]; }
  double spatial(int level, DimensionId dim) const { return spatial_[level * dims_ + dim]; }
};

}  // namespace

struct TilingBound::Scratch::State {
  TilingGeometry geometry;
};

TilingBound::Scratch::Scratch() : state_(std::make_unique<State>()) {}
TilingBound::Scratch::~Scratch() = default;
TilingBound::Scratch::Scratch(Scratch&&) noexcept = default;
TilingBound::Scratch& TilingBound::Scratch::operator=(Scratch&&) noexcept = default;

double TilingBound::energy(const std::vector<std::uint32_t>& tiling, const KnownChoices& known) const {
  Scratch scratch;
  return energy_until(tiling, known, HUGE_VAL, scratch);
}

double TilingBound::cycles(const std::vector<std::uint32_t>& tiling, const KnownChoices& known) const {
  Scratch scratch;
  double throttled = 0;
  energy_until(tiling, known, HUGE_VAL, scratch, nullptr, &throttled);
  return std::max(cycles(tiling), throttled);
}

std::vector<TilingBound::TermEnergy> TilingBound::energy_terms(const std::vector<std::uint32_t>& tiling,
                                                               const KnownChoices& known) const {
  Scratch scratch;
  std::vector<TermEnergy> terms;
  energy_until(tiling, known, HUGE_VAL, scratch, &terms);
  return terms;
}

double TilingBound::energy_until(const std::vector<std::uint32_t>& tiling, const KnownChoices& known, double limit,
                                 Scratch& scratch, std::vector<TermEnergy>* terms, double* throttled_cycles) const {
  int levels = arch_.num_storage_levels();
  auto& g = scratch.state().geometry;
  g.bind(projections_, space_, levels, workload_.num_dimensions(), tiling);
  g.begin_question(known);
  // Widths depend on the tiling only through partial sums (and the mapping is built only then).
  std::optional<Mapping> factors;
  if (workload_.partial_sum_bitwidth) factors = g.factors();
  double energy = compute_energy_;
  // Which levels keep a tensor: in the known bypass choice (the outermost always), or in every
  // variant; and which may.
  auto kept = [&](int level, int ds) {
    return known.keep ? level + 1 == levels || (*known.keep)[level][ds] : space_.always_kept(level, ds);
  };
  auto may_keep = [&](int level, int ds) { return known.keep ? kept(level, ds) : space_.may_keep(level, ds); };
  // Outermost first: it is usually the costliest, so `limit` is passed soonest.
  for (int level = levels - 1; level >= 0 && energy <= limit; --level) {
    const auto& spec = arch_.storage[level];
    bool outermost = level + 1 == levels;
    double instances = g.instances(level);
    // Words one instance reads, and writes (fills and updates), at the least: the model's
    // bandwidth throttling stretches the run to each level's words over its bandwidths.
    double read_words = 0, write_words = 0;
    for (int ds = 0; ds < workload_.num_data_spaces(); ++ds) {
      if (!kept(level, ds)) continue;  // bypassed, or a variant may bypass it: counts nothing
      auto width = factors ? stored_bitwidth(workload_, *factors, level, ds) : workload_.bitwidths[ds];
      auto packing = pack(width, spec.word_bits, workload_.scales_of(ds));
      if (!packing.fits) continue;  // no variant is valid; the precheck rejects them
      auto per_instance = [&](double operands) {
        // The model counts whole operands, truncated or rounded (tile_collapse.hpp): never
        // fewer than this bound's whole part.
        auto words = static_cast<double>(words_for(static_cast<std::uint64_t>(operands), packing));
        return std::ceil(words / static_cast<double>(spec.block_size));
      };
      auto words = [&](double operands) {
        return static_cast<double>(words_for(static_cast<std::uint64_t>(operands), packing));
      };
      // Filled (below the top: the outermost level has no parent) with everything that enters
      // its tile.
      double fills = 0;
      if (!outermost && !first_fill_free(arch_, workload_.data_spaces[ds])) {
        // Where the fanout above may use neighbour links, the model shares what the links
        // pass among all the instances of the level (tile_collapse.cpp): only the parent's
        // share is certain, and the parent serves at least what enters the union of the
        // children's tiles, spread over the children.
        fills = g.neighbours_may_fill(ds, level + 1)
                    ? g.compulsory_entries(ds, level, level + 1, known) / g.fanout(level + 1)
                    : g.compulsory_entries(ds, level, level, known);
      }
      // Read (or, for a read-write tensor, updated: its reads can all be first updates) for
      // everything that enters its children's tiles: those of the next level below that keeps
      // the tensor, or the compute units' operands. Bypass choices decide which: the least.
      bool read_write = workload_.data_spaces[ds].read_write;
      double once = read_write ? spec.energy.update_pJ : spec.energy.read_pJ;
      double served = 1e300, least_read_words = 1e300, least_written_words = 1e300;
      for (int child = level - 1; child >= -1; --child) {
        if (child >= 0 && !may_keep(child, ds)) continue;
        double entering = g.compulsory_entries(ds, child, level, known);
        if (child + 1 < level && g.neighbours_may_fill_between(ds, child, level)) {
          // Links on the way: the model rescales this level's accesses to what each bypassed
          // level between passes down, level by level (tile_collapse.cpp), which the links
          // make fewer. Each step serves its children at least once per multicast group, and
          // children apart share no group; the first serves what enters the union of the
          // child's tiles under one of its instances.
          entering = g.compulsory_entries(ds, child, child + 1, known);
          for (int between = child + 2; between <= level; ++between) entering *= g.children_apart(ds, between);
        }
        // Innermost keeper with no fanout below: once per operation (each unit's iterations).
        if (child < 0 && serves_every_operation(arch_, level)) entering = std::max(entering, g.iterations());
        // Each update but a partial sum's first reads the previous value too: the model reads
        // a read-write tensor for its updates less its partition at every level, whatever lies
        // below (tile_collapse.cpp), and the partition here is at least the model's.
        double reads = read_write ? std::max(0.0, entering - g.partition(ds, level)) : 0;
        served = std::min(served, per_instance(entering) * once + per_instance(reads) * spec.energy.read_pJ);
        least_read_words = std::min(least_read_words, words(read_write ? reads : entering));
        least_written_words = std::min(least_written_words, read_write ? words(entering) : 0.0);
        if (child >= 0 && kept(child, ds)) break;  // none below can be the child
      }
      read_words += least_read_words;
      write_words += least_written_words + words(fills);
      double term =
          instances * (served + per_instance(fills) * spec.energy.fill_pJ) / spec.most_instances_per_cluster();
      energy += term;
      if (terms) terms->push_back({level, ds, term});
    }
    if (throttled_cycles) {
      *throttled_cycles = std::max(*throttled_cycles, cycles_at_bandwidths(spec, read_words, write_words));
    }
  }
  return energy;
}

bool TilingBound::exceeds(const std::vector<std::uint32_t>& tiling, double limit, Scratch& scratch,
                          const KnownChoices& known) const {
  if (!informative()) return false;
  switch (metric_) {
    case Metric::kEnergy:
      return energy_until(tiling, known, limit, scratch) > limit;
    case Metric::kDelay:
      return cycles(tiling) > limit;
    case Metric::kEdp: {
      // Energy first against the compute cycles; where it stays under, the cycles may still be
      // more, for the words a level must move within its bandwidth.
      double cycles_bound = cycles(tiling);
      double throttled = 0;
      double energy = energy_until(tiling, known, limit / cycles_bound, scratch, nullptr, &throttled);
      return energy * std::max(cycles_bound, throttled) > limit;
    }
    default:
      return false;
  }
}

double TilingBound::operator()(const std::vector<std::uint32_t>& tiling) const {
  if (arch_.has_sparse_optimizations()) return 0;
  switch (metric_) {
    case Metric::kEnergy:
      return energy(tiling);
    case Metric::kDelay:
      return cycles(tiling);
    case Metric::kEdp:
      return energy(tiling) * cycles(tiling);
    default:
      return 0;
  }
}

}  // namespace qloop
