#include "search/outer_tiling_bound.hpp"

#include <algorithm>
#include <cmath>

#include "model/compute_cost.hpp"
#include "model/packing.hpp"

namespace qloop {

struct OuterTilingBound::Chosen {
  int lowest = 0;  // K: the factors at levels K and above are chosen
  int dims = 0;
  std::vector<double> temporal;   // [level * dims + dim], 1 below K
  std::vector<double> spatial;    // [level * dims + dim], 1 below K
  std::vector<double> tile;       // [(level + 1) * dims + dim]: extent of level's tile, from K - 1 up
  std::vector<double> instances;  // [level + 1]: spatial factors above the level, from K - 1 up
  std::vector<double> blocks;     // [level]: the temporal iterations at the level and above
  std::vector<double> spread;     // [(level + 1) * dims + dim]: its spatial factors at the level and below
  // [level]: bit d when d's temporal factor there is above 1; then [levels + level]: spatial.
  std::vector<std::uint32_t> masks;
  const std::uint32_t* looping() const { return masks.data(); }
  const std::uint32_t* spreading() const { return masks.data() + masks.size() / 2; }
  double t(int level, int d) const { return temporal[level * dims + d]; }
  double s(int level, int d) const { return spatial[level * dims + d]; }
  double extent(int level, int d) const { return tile[(level + 1) * dims + d]; }
  // The dimension's spatial factors at levels `from` to `to` (1 when `to` < `from`).
  double spread_over(int from, int to, int d) const {
    return to < from ? 1 : spread[(to + 1) * dims + d] / spread[from * dims + d];
  }
};

OuterTilingBound::OuterTilingBound(const Architecture& arch, const Workload& workload, const Mapspace& space,
                                   Metric metric)
    : arch_(arch),
      workload_(workload),
      space_(space),
      projections_(workload),
      metric_(metric),
      compute_energy_(static_cast<double>(workload.total_operations()) *
                      compute_cost(arch.arithmetic, workload).energy_per_compute_pJ),
      cycles_per_compute_(compute_cost(arch.arithmetic, workload).cycles_per_compute),
      floor_cycles_(lower_bound(arch, workload, Metric::kDelay, &space)),
      parallelism_(arch, workload, space),
      operations_(static_cast<double>(workload.total_operations())) {
  std::array<double, kMaxDimensions> whole;
  whole.fill(1);
  for (DimensionId d = 0; d < workload.num_dimensions(); ++d) {
    whole[d] = static_cast<double>(workload.dimension_bounds[d]);
  }
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    tensor_size_.push_back(projections_.distinct(ds, whole));
    tensor_hull_.push_back(projections_.hull(ds, whole));
  }
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    pinned_.emplace_back(workload.num_dimensions(), 0);
    for (int r = projections_.space_ranks[ds]; r < projections_.space_ranks[ds + 1]; ++r) {
      int begin = r == 0 ? 0 : projections_.rank_ends[r - 1];
      int live = 0, term = -1;
      for (int t = begin; t < projections_.rank_ends[r]; ++t) {
        if (projections_.terms[t].coefficient == 0) continue;
        ++live;
        term = t;
      }
      if (live == 1) pinned_[ds][projections_.terms[term].dimension] = 1;
      if (projections_.digit_ranks[r]) {  // a change of any digit changes the operand
        for (int t = begin; t < projections_.rank_ends[r]; ++t) pinned_[ds][projections_.terms[t].dimension] = 1;
      }
    }
  }
  int levels = arch.num_storage_levels();
  temporal_ok_.assign(levels, std::vector<char>(workload.num_dimensions(), 0));
  spatial_ok_.assign(levels, std::vector<char>(workload.num_dimensions(), 0));
  const auto& slots = space.slots();
  for (DimensionId d = 0; d < workload.num_dimensions(); ++d) {
    for (const auto& option : space.factor_options()[d]) {
      for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
        if (option[slot] > 1) (slots[slot].spatial ? spatial_ok_ : temporal_ok_)[slots[slot].level][d] = 1;
      }
    }
  }
  // Words per operand at each level, at the width that takes the fewest: a read-write tensor
  // may be held at its partial sums' width or its own, and which depends on the loops above.
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    const auto& spec = arch.storage[level];
    words_.emplace_back();
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      auto words_per_operand = [&](std::optional<int> width) {
        auto packing = pack(width, spec.word_bits, workload.scales_of(ds));
        if (!packing.fits) return HUGE_VAL;
        double words = packing.packed ? 1.0 / packing.operands_per_word : 1.0;
        if (packing.scale_group > 0) words += 1.0 / static_cast<double>(packing.scale_group) / packing.scales_per_word;
        return words;
      };
      double words = words_per_operand(workload.bitwidths[ds]);
      if (workload.data_spaces[ds].read_write && workload.partial_sum_bitwidth) {
        words = std::min(words, words_per_operand(workload.partial_sum_bitwidth));
      }
      words_.back().push_back(words == HUGE_VAL ? 0 : words);
    }
  }
  // Operands of each tensor one instance of a level can hold at most (unbounded: infinite).
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    capacity_.emplace_back();
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      const auto& size = arch.storage[level].size_words;
      double words = words_[level][ds];
      capacity_.back().push_back(size && words > 0 ? static_cast<double>(*size) / words : HUGE_VAL);
    }
  }
}

OuterTilingBound::Chosen OuterTilingBound::chosen(const std::vector<std::uint32_t>& tiling, int lowest) const {
  int levels = arch_.num_storage_levels();
  Chosen c;
  c.lowest = lowest;
  c.dims = workload_.num_dimensions();
  c.temporal.assign(static_cast<std::size_t>(levels) * c.dims, 1);
  c.spatial.assign(static_cast<std::size_t>(levels) * c.dims, 1);
  const auto& slots = space_.slots();
  for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
    if (slots[slot].level < lowest) continue;
    auto& factors = slots[slot].spatial ? c.spatial : c.temporal;
    for (DimensionId d = 0; d < c.dims; ++d) {
      factors[slots[slot].level * c.dims + d] = static_cast<double>(space_.factor(tiling, d, slot));
    }
  }
  // A level's tile: the dimension's size over the factors above the level.
  c.tile.assign(static_cast<std::size_t>(levels + 1) * c.dims, 1);
  c.instances.assign(levels + 1, 1);
  for (DimensionId d = 0; d < c.dims; ++d) {
    double above = 1;
    for (int level = levels - 1; level >= lowest - 1; --level) {
      c.tile[(level + 1) * c.dims + d] = static_cast<double>(workload_.dimension_bounds[d]) / above;
      if (level >= 0) above *= c.t(level, d) * c.s(level, d);
    }
  }
  for (int level = levels - 2; level >= lowest - 1; --level) {
    c.instances[level + 1] = c.instances[level + 2];
    for (DimensionId d = 0; d < c.dims; ++d) c.instances[level + 1] *= c.s(level + 1, d);
  }
  c.blocks.assign(levels + 1, 1);
  for (int level = levels - 1; level >= lowest; --level) {
    c.blocks[level] = c.blocks[level + 1];
    for (DimensionId d = 0; d < c.dims; ++d) c.blocks[level] *= c.t(level, d);
  }
  c.masks.assign(2 * static_cast<std::size_t>(levels), 0);
  auto* looping = c.masks.data();
  auto* spreading = looping + levels;
  c.spread.assign(static_cast<std::size_t>(levels + 1) * c.dims, 1);
  for (int level = std::max(lowest, 0); level < levels; ++level) {
    for (DimensionId d = 0; d < c.dims; ++d) {
      c.spread[(level + 1) * c.dims + d] = c.spread[level * c.dims + d] * c.s(level, d);
      if (c.t(level, d) > 1) looping[level] |= 1u << d;
      if (c.s(level, d) > 1) spreading[level] |= 1u << d;
    }
  }
  return c;
}

double OuterTilingBound::entries(const Chosen& c, int ds, int inner, int up) const {
  if (up < c.lowest - 1) return tensor_size_[ds];  // its instances are not chosen yet
  return std::max(c.instances[up + 1] * entries_per_instance(c, ds, inner, up), tensor_size_[ds]);
}

bool OuterTilingBound::neighbours_may_fill(const Chosen& c, int ds, int level) const {
  for (DimensionId d = 0; d < c.dims; ++d) {
    if (!projections_.in_window(ds, d)) continue;
    if (level >= c.lowest ? c.s(level, d) > 1 : spatial_ok_[level][d] != 0) return true;
  }
  return false;
}

double OuterTilingBound::children_apart(const Chosen& c, int ds, int level) const {
  double apart = 1;
  if (level < c.lowest) return apart;
  for (DimensionId d = 0; d < c.dims; ++d) {
    if (projections_.splits_apart(ds, d)) apart *= c.s(level, d);
  }
  return apart;
}

double OuterTilingBound::entries_per_instance(const Chosen& c, int ds, int inner, int up) const {
  int levels = arch_.num_storage_levels();
  if (up < c.lowest - 1) return 0;
  std::array<double, kMaxDimensions> extent;
  extent.fill(1);
  // The buffers' tile with the spatial loops up to `up`, or, below K - 1, the box that holds it.
  int held_level = std::max(inner, c.lowest - 1);
  for (DimensionId d = 0; d < c.dims; ++d) extent[d] = c.extent(held_level, d) * c.spread_over(held_level + 1, up, d);
  double held = projections_.hull(ds, extent);
  bool known = inner >= c.lowest - 1;
  // A tile below K - 1 is also within its buffers' capacity: the level's words over the
  // tensor's fewest words per operand, in each instance under one instance of `up`.
  if (!known && inner >= 0) {
    double buffers = 1;
    for (int level = inner + 1; level <= up; ++level) {
      if (level >= c.lowest) {
        for (DimensionId d = 0; d < c.dims; ++d) buffers *= c.s(level, d);
      } else {
        buffers *= static_cast<double>(arch_.fanout(level));
      }
    }
    held = std::min(held, capacity_[inner][ds] * buffers);
  }
  double most = known ? projections_.distinct(ds, extent) : 0;
  double tile = most;
  // Blocks of the loops at M and above, each sweeping A_M: the tile of level M - 1 with the
  // spatial loops up to `up` (fewer when `up` is below M - 1). What the buffers keep over
  // from one block to the next is also within what two consecutive A_M share (TilingBound).
  std::uint32_t outside = 0;  // dimensions that loop at M and above
  for (int m = levels; m >= std::max(inner + 1, c.lowest); --m) {
    if (m < levels) outside |= c.looping()[m];
    for (DimensionId d = 0; d < c.dims; ++d) {
      extent[d] = c.extent(m - 1, d) * c.spread_over(m, up, d) / c.spread_over(up + 1, m - 1, d);
    }
    double blocks = c.blocks[m];
    // (Just above the buffers, A is their box, counted above.)
    double swept = m == inner + 1 ? tile : projections_.distinct(ds, extent);
    most = std::max(most, swept + (blocks - 1) * std::max(0.0, swept - held));
    // The rules below count at most every block whole: asked only when that is more.
    if (blocks * swept <= most) continue;
    // (The factors below K count as 1: they all lie inside the box, under every loop left out.)
    if (outside && !(outside & ~projections_.relevant_dims[ds]) &&
        box_is_one_tile(c.looping(), c.spreading(), levels, up, m, 0)) {
      double kept_over = std::min(held, projections_.shared_after_step(ds, extent, outside));
      most = std::max(most, swept + (blocks - 1) * std::max(0.0, swept - kept_over));
    }
    if (m == inner + 1 && blocks * swept > most)
      most = std::max(most, intake_by_sweeps(c, ds, inner, up, extent, swept));
  }
  return most;
}

double OuterTilingBound::intake_by_sweeps(const Chosen& c, int ds, int inner, int up,
                                          const std::array<double, kMaxDimensions>& extent, double distinct) const {
  int levels = arch_.num_storage_levels();
  int at = inner + 1;
  while (at < levels && !c.looping()[at]) ++at;
  // (Not for the compute units' operands, which the model counts per iteration: TilingBound.)
  if (inner < 0 || at == levels || !box_is_one_tile(c.looping(), c.spreading(), levels, up, inner + 1, 0)) return 0;
  for (int level = inner + 1; level <= up; ++level) {
    if (c.spreading()[level] & projections_.window_dims[ds]) return 0;  // neighbours_may_fill, chosen
  }
  std::uint32_t above = 0;
  for (int level = at + 1; level < levels; ++level) above |= c.looping()[level];
  std::array<double, kMaxDimensions> trips;
  trips.fill(1);
  for (DimensionId d = 0; d < c.dims; ++d) trips[d] = c.t(at, d);
  return intake_by_innermost_sweeps(projections_, ds, extent, distinct, c.blocks[inner + 1], trips, c.looping()[at],
                                    c.looping()[at], above);
}

double OuterTilingBound::first_updates(const Chosen& c, int ds, int at) const {
  int levels = arch_.num_storage_levels();
  if (at < c.lowest - 1) return static_cast<double>(arch_.storage[at].instances) * tensor_hull_[ds];
  std::array<double, kMaxDimensions> box, siblings;
  box.fill(1);
  double share = tensor_hull_[ds];
  for (int below = at; below + 1 < levels; ++below) {
    if (arch_.fanout(below + 1) <= 1) continue;
    for (DimensionId d = 0; d < c.dims; ++d) {
      box[d] = c.extent(below, d);
      siblings[d] = box[d] * c.s(below + 1, d);
    }
    share *= projections_.hull(ds, box) / projections_.hull(ds, siblings);
  }
  return c.instances[at + 1] * share;
}

double OuterTilingBound::operand_deliveries(const Chosen& c, int ds, int at) const {
  int below = c.lowest;  // K
  if (below == 0) return 0;
  // A unit may take an operand from a neighbour instead (the model's links), where a fanout on
  // the way splits a window of the tensor: then the changes of operands say nothing of the
  // buffer's deliveries.
  for (int level = 0; level <= at; ++level) {
    if (neighbours_may_fill(c, ds, level)) return 0;
  }
  double pinned_left = 1, room = 1;
  for (DimensionId d = 0; d < c.dims; ++d) {
    if (pinned_[ds][d]) pinned_left *= c.extent(below - 1, d);
  }
  for (int level = 0; level < below; ++level) room *= static_cast<double>(arch_.fanout(level));
  if (pinned_left <= room) return 0;  // every pinned loop below K may be spatial
  double served_per_delivery = 1;
  for (DimensionId d = 0; d < c.dims; ++d) {
    if (pinned_[ds][d]) continue;
    bool may_loop = false;
    for (int level = 0; level < below; ++level) {
      may_loop = may_loop || temporal_ok_[level][d] || (level <= at && spatial_ok_[level][d]);
    }
    if (may_loop) served_per_delivery *= c.extent(below - 1, d);
    for (int level = below; level <= at; ++level) served_per_delivery *= c.s(level, d);
  }
  return operations_ / served_per_delivery;
}

double OuterTilingBound::energy(const std::vector<std::uint32_t>& tiling, int lowest) const {
  return energy(chosen(tiling, lowest));
}

double OuterTilingBound::cycles(const std::vector<std::uint32_t>& tiling, int lowest) const {
  auto c = chosen(tiling, lowest);
  double throttled = 0;
  energy(c, HUGE_VAL, &throttled);
  return std::max(cycles(c), throttled);
}

double OuterTilingBound::energy(const Chosen& c, double limit, double* throttled_cycles) const {
  int levels = arch_.num_storage_levels();
  double energy = compute_energy_;
  for (int at = levels - 1; at >= 0; --at) {
    const auto& spec = arch_.storage[at];
    // Words over all instances read, and written (fills and updates), at the least, as the
    // energy below counts them: over the instances, what the model's throttling takes.
    double read_words = 0, write_words = 0;
    for (int ds = 0; ds < workload_.num_data_spaces(); ++ds) {
      if (!space_.always_kept(at, ds) || words_[at][ds] == 0) continue;
      // A cluster's one access may stand for several instances: the least energy per access.
      double per_operand = words_[at][ds] / static_cast<double>(spec.block_size) / spec.most_instances_per_cluster();
      // Read (or updated) for what enters the children's tiles: the next level below that may
      // keep the tensor, or the compute units; the least over bypass choices.
      bool read_write = workload_.data_spaces[ds].read_write;
      double once = read_write ? spec.energy.update_pJ : spec.energy.read_pJ;
      double served = HUGE_VAL, least_reads = HUGE_VAL, least_writes = HUGE_VAL;
      for (int child = at - 1; child >= -1; --child) {
        if (child >= 0 && !space_.may_keep(child, ds)) continue;
        double entering = entries(c, ds, child, at);
        bool links_between = false;  // (only where bypassed levels lie between)
        for (int between = child + 1; child + 1 < at && between <= at; ++between) {
          links_between = links_between || neighbours_may_fill(c, ds, between);
        }
        if (links_between) {
          // As TilingBound: the model rescales this level's accesses through the bypassed
          // levels between, which links make fewer; at least what enters the union of the
          // child's tiles under one instance of the level above it, times the children apart
          // at each step up.
          entering = c.instances[at + 1] * entries_per_instance(c, ds, child, child + 1);
          for (int between = child + 2; between <= at; ++between) entering *= children_apart(c, ds, between);
        }
        if (child < 0) {
          entering = std::max(entering, operand_deliveries(c, ds, at));
          if (serves_every_operation(arch_, at)) entering = std::max(entering, operations_);
        }
        // Each update but a partial sum's first reads it (TilingBound::energy_until).
        double reads = read_write ? std::max(0.0, entering - first_updates(c, ds, at)) : 0;
        served = std::min(served, entering * once + reads * spec.energy.read_pJ);
        least_reads = std::min(least_reads, read_write ? reads : entering);
        least_writes = std::min(least_writes, read_write ? entering : 0.0);
        if (child >= 0 && space_.always_kept(child, ds)) break;
      }
      energy += served * per_operand;
      double fills = 0;
      if (at + 1 < levels && !first_fill_free(arch_, workload_.data_spaces[ds])) {
        // Where the fanout above may use neighbour links, only the parent's share is certain
        // (TilingBound): what enters the union of the tiles under each instance above.
        int up = neighbours_may_fill(c, ds, at + 1) ? at + 1 : at;
        fills = entries(c, ds, at, up);
        energy += fills * per_operand * spec.energy.fill_pJ;
      }
      read_words += least_reads * words_[at][ds];
      write_words += (least_writes + fills) * words_[at][ds];
      if (energy > limit) return energy;  // every term is at least 0: the rest cannot bring it back
    }
    if (throttled_cycles && at >= c.lowest - 1) {
      double instances = c.instances[at + 1];
      *throttled_cycles =
          std::max(*throttled_cycles, cycles_at_bandwidths(spec, read_words / instances, write_words / instances));
    }
  }
  return energy;
}

double OuterTilingBound::cycles(const Chosen& c) const {
  int lowest = c.lowest;
  int levels = arch_.num_storage_levels();
  double iterations = 1, below = 1;
  std::array<double, kMaxDimensions> left;
  left.fill(1);
  for (int level = lowest; level < levels; ++level) {
    for (DimensionId d = 0; d < c.dims; ++d) iterations *= c.t(level, d);
  }
  for (DimensionId d = 0; d < c.dims; ++d) {
    left[d] = c.extent(lowest - 1, d);
    below *= left[d];
  }
  // What is left below K runs in time or across the fanouts there, as far as its factors can
  // fill them: a whole number of iterations.
  iterations *= std::ceil(below / parallelism_.most(left, lowest) * (1 - 1e-12));
  return std::max(std::ceil(iterations * cycles_per_compute_ * (1 - 1e-12)), floor_cycles_);
}

bool OuterTilingBound::exceeds(const std::vector<std::uint32_t>& tiling, int lowest, double limit) const {
  if (arch_.has_sparse_optimizations()) return false;  // no sparse bound yet (lower_bound)
  switch (metric_) {
    case Metric::kEnergy:
      return energy(chosen(tiling, lowest), limit) > limit;
    case Metric::kDelay:
      return cycles(chosen(tiling, lowest)) > limit;
    case Metric::kEdp: {
      // The cycles first (fewer terms), so that the energy can stop once it is past the limit's share.
      auto c = chosen(tiling, lowest);
      double delay = cycles(c), throttled = 0;
      double energy_bound = energy(c, limit / delay, &throttled);
      return energy_bound * std::max(delay, throttled) > limit;
    }
    default:
      return false;
  }
}

}  // namespace qloop
