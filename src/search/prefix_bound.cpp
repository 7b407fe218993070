#include "search/prefix_bound.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "model/compute_cost.hpp"
#include "model/packing.hpp"

namespace qloop {

struct PrefixBound::Prefix {
  int level = -1;                  // L: the factors at levels up to it are chosen
  std::vector<double> temporal;    // [level * dims + dim], 1 above L
  std::vector<double> spatial;     // [level * dims + dim], 1 above L
  std::vector<double> spatial_at;  // [level]: product over dimensions of its spatial factors
  double quotient = 1;             // Q: what the levels above L still split, over all dimensions
};

PrefixBound::PrefixBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric)
    : arch_(arch),
      workload_(workload),
      space_(space),
      projections_(workload),
      metric_(metric),
      compute_energy_(static_cast<double>(workload.total_operations()) *
                      compute_cost(arch.arithmetic, workload).energy_per_compute_pJ),
      cycles_per_compute_(compute_cost(arch.arithmetic, workload).cycles_per_compute),
      floor_cycles_(lower_bound(arch, workload, Metric::kDelay)) {
  std::array<double, kMaxDimensions> whole;
  whole.fill(1);
  for (DimensionId d = 0; d < workload.num_dimensions(); ++d)
    whole[d] = static_cast<double>(workload.dimension_bounds[d]);
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) tensor_size_.push_back(projections_.distinct(ds, whole));
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
}

double PrefixBound::entries(const Prefix& p, int ds, int inner, int up) const {
  int dims = workload_.num_dimensions();
  int top = std::min(up, p.level);
  std::array<double, kMaxDimensions> extent;
  extent.fill(1);
  for (int level = 0; level <= std::max(inner, top); ++level) {
    for (DimensionId d = 0; d < dims; ++d) {
      if (level <= inner) extent[d] *= p.temporal[level * dims + d];
      if (level <= top) extent[d] *= p.spatial[level * dims + d];
    }
  }
  double held = projections_.hull(ds, extent);
  // The instances of `up`: the chosen spatial factors above it, times what the levels above L
  // still spread; with the blocks those levels make, Q over what the levels between L and `up`
  // may take spatially (they hold the blocks inside one instance of `up`).
  double known_instances = 1;
  for (int level = up + 1; level <= p.level; ++level) known_instances *= p.spatial_at[level];
  double between = 1;
  for (int level = p.level + 1; level <= up; ++level) between *= static_cast<double>(arch_.fanout(level));
  double repeats = known_instances * std::max(1.0, p.quotient / std::min(between, p.quotient));
  // Every operand enters some instance at least once.
  double most = std::max(known_instances * projections_.distinct(ds, extent), tensor_size_[ds]);
  for (int m = inner + 2; m <= p.level + 1; ++m) {
    bool grew = false;
    for (DimensionId d = 0; d < dims; ++d) {
      double f = p.temporal[(m - 1) * dims + d];
      extent[d] *= f;
      grew = grew || f > 1;
    }
    if (!grew) continue;
    double blocks = 1;  // the chosen temporal loops at m and up to L
    for (int level = m; level <= p.level; ++level) {
      for (DimensionId d = 0; d < dims; ++d) blocks *= p.temporal[level * dims + d];
    }
    // I (A + (B - 1)(A - H)) = I B max(0, A - H) + I min(A, H), with A's distinct points and
    // H's hull (TilingBound's count, over the instances).
    double swept = projections_.distinct(ds, extent);
    most = std::max(most, known_instances * std::min(swept, held) + repeats * blocks * std::max(0.0, swept - held));
  }
  return most;
}

double PrefixBound::energy(const std::vector<std::uint32_t>& tiling, int level) const {
  int levels = arch_.num_storage_levels();
  int dims = workload_.num_dimensions();
  Prefix p;
  p.level = level;
  p.temporal.assign(static_cast<std::size_t>(levels) * dims, 1);
  p.spatial.assign(static_cast<std::size_t>(levels) * dims, 1);
  p.spatial_at.assign(levels, 1);
  const auto& slots = space_.slots();
  for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
    if (slots[slot].level > level) continue;
    auto& factors = slots[slot].spatial ? p.spatial : p.temporal;
    for (DimensionId d = 0; d < dims; ++d) {
      double f = static_cast<double>(space_.factor(tiling, d, slot));
      factors[slots[slot].level * dims + d] = f;
      if (slots[slot].spatial) p.spatial_at[slots[slot].level] *= f;
    }
  }
  for (DimensionId d = 0; d < dims; ++d) {
    double chosen = 1;
    for (int l = 0; l <= level; ++l) chosen *= p.temporal[l * dims + d] * p.spatial[l * dims + d];
    p.quotient *= static_cast<double>(workload_.dimension_bounds[d]) / chosen;
  }
  double energy = compute_energy_;
  for (int at = levels - 1; at >= 0; --at) {
    const auto& spec = arch_.storage[at];
    for (int ds = 0; ds < workload_.num_data_spaces(); ++ds) {
      if (!space_.always_kept(at, ds) || words_[at][ds] == 0) continue;
      double per_operand = words_[at][ds] / static_cast<double>(spec.block_size);
      // Read (or updated) for what enters the children's tiles: the next level below that may
      // keep the tensor, or the compute units; the least over bypass choices. A child above L
      // is not chosen yet: each operand once.
      double served = HUGE_VAL;
      for (int child = at - 1; child >= -1; --child) {
        if (child >= 0 && !space_.may_keep(child, ds)) continue;
        served = std::min(served, child > level ? tensor_size_[ds] : entries(p, ds, child, at));
        if (child >= 0 && space_.always_kept(child, ds)) break;
      }
      double once = workload_.data_spaces[ds].read_write ? spec.energy.update_pJ : spec.energy.read_pJ;
      energy += served * per_operand * once;
      if (at + 1 < levels) {
        double fills = at > level ? tensor_size_[ds] : entries(p, ds, at, at);
        energy += fills * per_operand * spec.energy.fill_pJ;
      }
    }
  }
  return energy;
}

double PrefixBound::cycles(const std::vector<std::uint32_t>& tiling, int level) const {
  int dims = workload_.num_dimensions();
  const auto& slots = space_.slots();
  double iterations = 1, chosen = 1, total = 1;
  for (DimensionId d = 0; d < dims; ++d) total *= static_cast<double>(workload_.dimension_bounds[d]);
  for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
    if (slots[slot].level > level) continue;
    for (DimensionId d = 0; d < dims; ++d) {
      double f = static_cast<double>(space_.factor(tiling, d, slot));
      chosen *= f;
      if (!slots[slot].spatial) iterations *= f;
    }
  }
  // What is left runs in time or across the fanouts above L.
  double quotient = total / chosen, fanouts = 1;
  for (int l = level + 1; l < arch_.num_storage_levels(); ++l) fanouts *= static_cast<double>(arch_.fanout(l));
  iterations *= std::max(1.0, quotient / std::min(fanouts, quotient));
  return std::max(std::ceil(iterations * cycles_per_compute_ * (1 - 1e-12)), floor_cycles_);
}

bool PrefixBound::exceeds(const std::vector<std::uint32_t>& tiling, int level, double limit) const {
  switch (metric_) {
    case Metric::kEnergy:
      return energy(tiling, level) > limit;
    case Metric::kDelay:
      return cycles(tiling, level) > limit;
    case Metric::kEdp:
      return energy(tiling, level) * cycles(tiling, level) > limit;
    default:
      return false;
  }
}

}  // namespace qloop
