#include "search/mapspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <numeric>

#include "model/level_fit.hpp"
#include "util/error.hpp"

namespace qloop {

namespace {

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

std::uint64_t factorial(std::size_t n) {
  std::uint64_t f = 1;
  for (std::size_t i = 2; i <= n; ++i) f = saturating_mul(f, i);
  return f;
}

bool factor_allowed(const FactorConstraint& c, std::int64_t f) {
  if (c.exactly && f != *c.exactly) return false;
  if (f < c.at_least) return false;
  if (c.at_most && f > *c.at_most) return false;
  return true;
}

}  // namespace

Mapspace::Mapspace(const Architecture& arch, const Workload& workload, const Constraints& constraints)
    : arch_(arch), workload_(workload), constraints_(constraints) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id++;
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    depends_on_.emplace_back(workload.num_dimensions(), 0);
    for (const auto& rank : workload.data_spaces[ds].projection) {
      for (const auto& term : rank) depends_on_[ds][term.dimension] = 1;
    }
  }
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    spatial_slot_.push_back(-1);
    if (arch.fanout(level) > 1) {
      spatial_slot_.back() = static_cast<int>(slots_.size());
      slots_.push_back({level, true});
    }
    temporal_slot_.push_back(static_cast<int>(slots_.size()));
    slots_.push_back({level, false});
  }
  options_.resize(workload.num_dimensions());
  for (DimensionId dim = 0; dim < workload.num_dimensions(); ++dim) enumerate_factor_options(dim);
  // A split constraint fixes X / Y: the constrained order, then the rest; the first `split` go along X.
  split_on_y_.assign(arch.num_storage_levels(), {});
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    const auto& lc = constraints.levels[level];
    if (!lc.spatial_split) continue;
    std::vector<DimensionId> order = lc.spatial.permutation.innermost;
    for (DimensionId d = 0; d < workload.num_dimensions(); ++d) {
      if (std::find(order.begin(), order.end(), d) == order.end()) order.push_back(d);
    }
    split_on_y_[level].assign(workload.num_dimensions(), 0);
    for (std::size_t i = 0; i < order.size(); ++i)
      split_on_y_[level][order[i]] = static_cast<int>(i) >= *lc.spatial_split;
  }
  free_keep_.assign(arch.num_storage_levels(), std::vector<bool>(workload.num_data_spaces(), false));
  for (int level = 0; level + 1 < arch.num_storage_levels(); ++level) {
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      free_keep_[level][ds] = !constraints.levels[level].keep[ds].has_value();
    }
  }
  always_kept_ = empty_point().keep;
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      if (free_keep_[level][ds]) always_kept_[level][ds] = false;
    }
  }
}

namespace {

// The divisors of n, ascending (trial division up to its square root: n <= 2^53 here).
std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> low, high;
  for (std::int64_t f = 1; f * f <= n; ++f) {
    if (n % f != 0) continue;
    low.push_back(f);
    if (f != n / f) high.push_back(n / f);
  }
  low.insert(low.end(), high.rbegin(), high.rend());
  return low;
}

}  // namespace

void Mapspace::enumerate_factor_options(DimensionId dim) {
  const auto bound = workload_.dimension_bounds[dim];
  const auto factors = divisors(bound);
  std::vector<std::int64_t> current(slots_.size(), 1);
  // Depth-first over slots: each takes a divisor of what remains; the last takes the rest.
  auto recurse = [&](auto&& self, std::size_t slot, std::int64_t remaining) -> void {
    const auto& s = slots_[slot];
    const auto& lc = constraints_.levels[s.level];
    const auto& fc = (s.spatial ? lc.spatial : lc.temporal).factors[dim];
    auto allowed = [&](std::int64_t f) {
      if (s.spatial && f > arch_.fanout(s.level)) return false;
      return factor_allowed(fc, f);
    };
    if (slot + 1 == slots_.size()) {
      if (!allowed(remaining)) return;
      if (options_[dim].size() >= kMaxFactorOptions) {
        throw InputError("", "", 0,
                         fmt::format("dimension {} = {} splits into more than {} ways over the {} factor slots of this "
                                     "architecture; constrain its factors (mapspace constraints) to search it",
                                     workload_.dimension_names[dim], bound, kMaxFactorOptions, slots_.size()));
      }
      current[slot] = remaining;
      options_[dim].push_back(current);
      return;
    }
    for (auto f : factors) {
      if (f > remaining) break;
      if (remaining % f != 0 || !allowed(f)) continue;
      current[slot] = f;
      self(self, slot + 1, remaining / f);
    }
  };
  recurse(recurse, 0, bound);
}

std::uint64_t Mapspace::num_tilings() const {
  std::uint64_t n = 1;
  for (const auto& o : options_) n = saturating_mul(n, o.size());
  return n;
}

MapspacePoint Mapspace::empty_point() const {
  MapspacePoint p;
  int levels = arch_.num_storage_levels();
  p.tiling.assign(workload_.num_dimensions(), 0);
  p.loop_orders.assign(levels, {});
  p.keep.assign(levels, std::vector<bool>(workload_.num_data_spaces(), true));
  p.spatial_on_y.assign(levels, std::vector<bool>(workload_.num_dimensions(), false));
  for (int level = 0; level < levels; ++level) {
    for (int ds = 0; ds < workload_.num_data_spaces(); ++ds) {
      p.keep[level][ds] = constraints_.levels[level].keep[ds].value_or(true);
    }
  }
  return p;
}

Mapspace::DimList Mapspace::nontrivial_loops(const std::vector<std::uint32_t>& tiling, int level, bool spatial) const {
  DimList dims;
  int slot = spatial ? spatial_slot_[level] : temporal_slot_[level];
  if (slot < 0) return dims;
  for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
    if (factor(tiling, dim, slot) > 1) dims.push_back(dim);
  }
  return dims;
}

namespace {
// The loops of `dims` that the permutation constraint pins (innermost / outermost runs), and
// the free ones in between.
LoopOrderParts split_order(const DimensionList& dims, const PermutationConstraint& c) {
  LoopOrderParts parts;
  for (auto d : c.innermost) {
    if (dims.contains(d)) parts.inner.push_back(d);
  }
  for (auto d : c.outermost) {
    if (dims.contains(d)) parts.outer.push_back(d);
  }
  for (auto d : dims) {
    if (!parts.inner.contains(d) && !parts.outer.contains(d)) parts.free.push_back(d);
  }
  return parts;
}
}  // namespace

LoopOrderParts Mapspace::order_parts(const std::vector<std::uint32_t>& tiling, int level) const {
  return split_order(nontrivial_loops(tiling, level, false), constraints_.levels[level].temporal.permutation);
}

std::vector<std::uint64_t> Mapspace::order_counts(const std::vector<std::uint32_t>& tiling) const {
  std::vector<std::uint64_t> counts;
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    counts.push_back(factorial(static_cast<std::size_t>(order_parts(tiling, level).free.size)));
  }
  return counts;
}

namespace {
// Pinned innermost, the index-th permutation of the free loops (factorial number system),
// pinned outermost.
void write_order(std::vector<DimensionId>& order, LoopOrderParts parts, std::uint64_t index) {
  order.assign(parts.inner.begin(), parts.inner.end());
  auto& pool = parts.free;
  while (pool.size > 0) {
    auto f = factorial(static_cast<std::size_t>(pool.size - 1));
    auto pick = static_cast<int>(index / f);
    index %= f;
    order.push_back(pool.dims[pick]);
    std::copy(pool.dims.begin() + pick + 1, pool.dims.begin() + pool.size, pool.dims.begin() + pick);
    --pool.size;
  }
  order.insert(order.end(), parts.outer.begin(), parts.outer.end());
}
}  // namespace

void Mapspace::set_loop_orders(MapspacePoint& point, const std::vector<std::uint64_t>& order_index) const {
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    write_order(point.loop_orders[level], order_parts(point.tiling, level), order_index[level]);
  }
}

std::uint64_t Mapspace::num_keep_choices() const {
  std::uint64_t n = 1;
  for (const auto& level : free_keep_) {
    for (bool free : level) n = free ? saturating_mul(n, 2) : n;
  }
  return n;
}

void Mapspace::set_keep(MapspacePoint& point, std::uint64_t keep_index) const {
  for (std::size_t level = 0; level < free_keep_.size(); ++level) {
    for (std::size_t ds = 0; ds < free_keep_[level].size(); ++ds) {
      if (!free_keep_[level][ds]) continue;
      point.keep[level][ds] = (keep_index & 1) == 0;  // index 0 keeps everything
      keep_index >>= 1;
    }
  }
}

std::uint64_t Mapspace::num_xy_choices(const std::vector<std::uint32_t>& tiling) const {
  std::uint64_t n = 1;
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    bool both = arch_.fanout_x(level) > 1 && arch_.fanout_y(level) > 1;
    if (!both || constraints_.levels[level].spatial_split) continue;
    for (int i = 0; i < nontrivial_loops(tiling, level, true).size; ++i) n = saturating_mul(n, 2);
  }
  return n;
}

void Mapspace::set_xy(MapspacePoint& point, std::uint64_t xy_index) const {
  std::vector<DimensionList> dims;
  for (int level = 0; level < arch_.num_storage_levels(); ++level)
    dims.push_back(nontrivial_loops(point.tiling, level, true));
  apply_xy(point, dims, xy_index);
}

void Mapspace::apply_xy(MapspacePoint& point, const std::vector<DimensionList>& spatial_dims,
                        std::uint64_t xy_index) const {
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    auto& on_y = point.spatial_on_y[level];
    std::fill(on_y.begin(), on_y.end(), false);
    const auto& dims = spatial_dims[level];
    if (arch_.fanout_x(level) == 1) {
      for (auto d : dims) on_y[d] = true;
    } else if (arch_.fanout_y(level) == 1) {
      continue;
    } else if (!split_on_y_[level].empty()) {
      for (DimensionId d = 0; d < workload_.num_dimensions(); ++d) on_y[d] = split_on_y_[level][d];
    } else {
      for (auto d : dims) {
        on_y[d] = (xy_index & 1) != 0;
        xy_index >>= 1;
      }
    }
  }
}

std::uint64_t Mapspace::Variants::total() const {
  auto n = saturating_mul(keep, xy);
  for (auto c : orders) n = saturating_mul(n, c);
  return n;
}

Mapspace::Variants Mapspace::variants(const std::vector<std::uint32_t>& tiling) const {
  Variants v;
  v.keep = num_keep_choices();
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    v.order_parts.push_back(order_parts(tiling, level));
    v.orders.push_back(factorial(static_cast<std::size_t>(v.order_parts.back().free.size)));
    v.spatial_dims.push_back(nontrivial_loops(tiling, level, true));
  }
  v.xy = num_xy_choices(tiling);
  return v;
}

void Mapspace::set_variant(MapspacePoint& point, const Variants& v, std::uint64_t index) const {
  set_keep(point, index % v.keep);
  index /= v.keep;
  apply_xy(point, v.spatial_dims, index % v.xy);
  index /= v.xy;
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    auto count = v.orders[level];
    write_order(point.loop_orders[level], v.order_parts[level], index % count);
    index /= count;
  }
}

bool Mapspace::spatial_fits(const std::vector<std::uint32_t>& tiling) const {
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    if (!slots_[slot].spatial) continue;
    std::int64_t used = 1;
    for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) used *= factor(tiling, dim, slot);
    if (used > arch_.fanout(slots_[slot].level)) return false;
  }
  return true;
}

void Mapspace::random_tiling(std::vector<std::uint32_t>& tiling, std::mt19937_64& rng) const {
  // Tilings no variant can make valid are redrawn (a bounded number of times): they would
  // crowd out the informative candidates. When none is found, the last one whose spatial
  // factors fit stays, so that the rejections name the capacity that blocks.
  std::vector<std::uint32_t> fits_spatially;
  bool found = false;
  for (int attempt = 0; attempt < 64 && !found; ++attempt) {
    for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
      std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(options_[dim].size() - 1));
      tiling[dim] = pick(rng);
    }
    found = tiling_may_work(tiling);
    if (!found && spatial_fits(tiling)) fits_spatially = tiling;
  }
  if (!found && !fits_spatially.empty()) tiling = fits_spatially;
}

void Mapspace::randomize(MapspacePoint& point, std::mt19937_64& rng) const {
  random_tiling(point.tiling, rng);
  auto counts = order_counts(point.tiling);
  std::vector<std::uint64_t> orders;
  for (auto c : counts) orders.push_back(std::uniform_int_distribution<std::uint64_t>(0, c - 1)(rng));
  set_loop_orders(point, orders);
  set_keep(point, std::uniform_int_distribution<std::uint64_t>(0, num_keep_choices() - 1)(rng));
  set_xy(point, std::uniform_int_distribution<std::uint64_t>(0, num_xy_choices(point.tiling) - 1)(rng));
}

bool Mapspace::neighbour_tiling(const std::vector<std::uint32_t>& from, std::vector<std::uint32_t>& to,
                                std::mt19937_64& rng) const {
  std::vector<DimensionId> free;
  for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
    if (options_[dim].size() > 1) free.push_back(dim);
  }
  if (free.empty()) return false;
  std::uniform_int_distribution<std::size_t> pick_dim(0, free.size() - 1);
  for (int attempt = 0; attempt < 64; ++attempt) {
    to = from;
    int changes = std::uniform_int_distribution<int>(1, 2)(rng);
    for (int c = 0; c < changes; ++c) {
      auto dim = free[pick_dim(rng)];
      auto n = static_cast<std::uint32_t>(options_[dim].size());
      // Another option: an offset of 1 .. n-1 from the current one, wrapping around.
      auto offset = std::uniform_int_distribution<std::uint32_t>(1, n - 1)(rng);
      to[dim] = (from[dim] + offset) % n;
    }
    if (to != from && tiling_may_work(to)) return true;
  }
  return false;
}

std::optional<Rejection> Mapspace::precheck(const MapspacePoint& point) const {
  TileWordsCache cache;
  return precheck(point, cache);
}

std::optional<Rejection> Mapspace::precheck(const MapspacePoint& point, TileWordsCache& cache) const {
  double used_instances = 1;
  // Spatial factors within each level's fanout, along X and Y.
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    if (!slots_[slot].spatial) continue;
    int level = slots_[slot].level;
    std::int64_t x = 1, y = 1;
    for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
      auto f = factor(point.tiling, dim, slot);
      (point.spatial_on_y[level][dim] ? y : x) *= f;
    }
    if (x > arch_.fanout_x(level) || y > arch_.fanout_y(level)) return Rejection{RejectionKind::kFanout, level, -1};
    used_instances *= static_cast<double>(x * y);
  }
  if (used_instances < constraints_.min_utilization * static_cast<double>(arch_.arithmetic.instances)) {
    return Rejection{RejectionKind::kComputeUtilization, 0, -1};
  }
  return capacity_check(point.tiling, point.keep, cache);
}

std::optional<int> Mapspace::stored_width(const std::vector<std::uint32_t>& tiling, int level, DataSpaceId ds) const {
  if (!workload_.partial_sum_bitwidth || !workload_.data_spaces[ds].read_write) return workload_.bitwidths[ds];
  // Partial sums while a loop at this level or above (a spatial one: above) runs over a
  // dimension the tensor does not depend on: holds_partial_sums, from the factors.
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    const auto& s = slots_[slot];
    if (s.level < level || (s.spatial && s.level == level)) continue;
    for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
      if (!depends_on_[ds][dim] && factor(tiling, dim, slot) > 1) return workload_.partial_sum_bitwidth;
    }
  }
  return workload_.bitwidths[ds];
}

const std::vector<std::uint64_t>& Mapspace::tile_words(const std::vector<std::uint32_t>& tiling,
                                                       TileWordsCache& cache) const {
  if (cache.mapspace == id_ && cache.tiling == tiling) return cache.words;
  cache.mapspace = id_;
  cache.tiling = tiling;
  int levels = arch_.num_storage_levels();
  int spaces = workload_.num_data_spaces();
  cache.words.assign(static_cast<std::size_t>(levels * spaces), 0);
  std::array<std::int64_t, kMaxDimensions> extent;
  extent.fill(1);
  int slot = 0;
  for (int level = 0; level < levels; ++level) {
    for (; slot < static_cast<int>(slots_.size()) && slots_[slot].level == level; ++slot) {
      for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) extent[dim] *= factor(tiling, dim, slot);
    }
    for (int ds = 0; ds < spaces; ++ds) cache.words[level * spaces + ds] = words_of_tile(tiling, ds, level, extent);
  }
  return cache.words;
}

std::optional<Rejection> Mapspace::first_overflow(const std::vector<std::uint32_t>& tiling,
                                                  const std::vector<std::vector<bool>>& keep) const {
  // What capacity_check tells, level by level from the innermost, stopping at the first that
  // overflows: most random tilings overflow a small inner buffer.
  int spaces = workload_.num_data_spaces();
  std::array<std::int64_t, kMaxDimensions> extent;
  extent.fill(1);
  int slot = 0;
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    for (; slot < static_cast<int>(slots_.size()) && slots_[slot].level == level; ++slot) {
      for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) extent[dim] *= factor(tiling, dim, slot);
    }
    // A compressed tile holds fewer words than its dense size: the model checks it exactly.
    if (arch_.storage[level].has_formats()) continue;
    std::uint64_t used = 0;
    for (int ds = 0; ds < spaces; ++ds) {
      if (!keep[level][ds]) continue;
      auto words = words_of_tile(tiling, ds, level, extent);
      if (words == kNoFit) return Rejection{RejectionKind::kBitwidth, level, ds};
      used += words;
    }
    if (auto over = capacity_rejection(arch_.storage[level], level, used)) return over;
  }
  return std::nullopt;
}

bool Mapspace::known_tiles_overflow(const std::vector<std::uint32_t>& tiling, const KnownLevels& known,
                                    int level) const {
  if (arch_.storage[level].has_formats()) return false;  // compressed tiles: the model checks them
  std::array<std::int64_t, kMaxDimensions> extent;
  for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
    extent[dim] = level >= known[dim] - 1 ? workload_.dimension_bounds[dim] / factors_above(tiling, dim, level) : 1;
  }
  std::uint64_t used = 0;
  for (int ds = 0; ds < workload_.num_data_spaces(); ++ds) {
    if (!always_kept_[level][ds]) continue;
    auto words = words_of_tile(tiling, ds, level, extent, false);
    if (words == kNoFit) return true;
    used += words;
  }
  return capacity_rejection(arch_.storage[level], level, used).has_value();
}

bool Mapspace::known_spatial_factors_fit(const std::vector<std::uint32_t>& tiling, const KnownLevels& known,
                                         int level) const {
  int slot = spatial_slot_[level];
  if (slot < 0) return true;
  std::int64_t used = 1;
  for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) {
    if (level >= known[dim]) used *= factor(tiling, dim, slot);
  }
  return used <= arch_.fanout(level);
}

std::uint64_t Mapspace::words_of_tile(const std::vector<std::uint32_t>& tiling, int ds, int level,
                                      const std::array<std::int64_t, kMaxDimensions>& extent,
                                      bool chosen_in_full) const {
  std::uint64_t size = 1;
  for (const auto& rank : workload_.data_spaces[ds].projection) {
    std::int64_t span = 1;
    for (const auto& term : rank)
      span += (extent[term.dimension] - 1) * std::abs(workload_.coefficient(term.coefficient));
    size *= static_cast<std::uint64_t>(span);
  }
  auto word_bits = arch_.storage[level].word_bits;
  auto scales = workload_.scales_of(ds);
  if (chosen_in_full || !workload_.partial_sum_bitwidth || !workload_.data_spaces[ds].read_write) {
    return kept_tile_words(size, stored_width(tiling, level, ds), word_bits, scales).value_or(kNoFit);
  }
  // Whether it holds partial sums here may hang on the unchosen loops: the narrower count.
  return std::min(kept_tile_words(size, workload_.bitwidths[ds], word_bits, scales).value_or(kNoFit),
                  kept_tile_words(size, workload_.partial_sum_bitwidth, word_bits, scales).value_or(kNoFit));
}

std::int64_t Mapspace::factors_above(const std::vector<std::uint32_t>& tiling, DimensionId dim, int level) const {
  std::int64_t above = 1;
  const auto& factors = options_[dim][tiling[dim]];
  // Slots go in level order, each level's temporal slot last.
  for (auto slot = static_cast<std::size_t>(temporal_slot_[level]) + 1; slot < factors.size(); ++slot) {
    above *= factors[slot];
  }
  return above;
}

bool Mapspace::partial_tiling_may_work(const std::vector<std::uint32_t>& tiling, const KnownLevels& known) const {
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    if (!known_spatial_factors_fit(tiling, known, level) || known_tiles_overflow(tiling, known, level)) return false;
  }
  return true;
}

bool Mapspace::choice_may_work(const std::vector<std::uint32_t>& tiling, const KnownLevels& known, int level) const {
  // The outermost level's choices come first, with nothing checked before them: in full.
  if (level + 1 == arch_.num_storage_levels()) return partial_tiling_may_work(tiling, known);
  return known_spatial_factors_fit(tiling, known, level) &&
         !(level > 0 && known_tiles_overflow(tiling, known, level - 1));
}

std::optional<Rejection> Mapspace::capacity_check(const std::vector<std::uint32_t>& tiling,
                                                  const std::vector<std::vector<bool>>& keep,
                                                  TileWordsCache& cache) const {
  // Tiles (packed) within each level's capacity, and filling its minimum utilization.
  const auto& words = tile_words(tiling, cache);
  int spaces = workload_.num_data_spaces();
  for (int level = 0; level < arch_.num_storage_levels(); ++level) {
    if (arch_.storage[level].has_formats()) continue;  // compressed tiles: the model checks them
    std::uint64_t used = 0;
    for (int ds = 0; ds < spaces; ++ds) {
      if (!keep[level][ds]) continue;
      if (words[level * spaces + ds] == kNoFit) return Rejection{RejectionKind::kBitwidth, level, ds};
      used += words[level * spaces + ds];
    }
    const auto& spec = arch_.storage[level];
    if (auto over = capacity_rejection(spec, level, used)) return over;
    if (auto under = utilization_rejection(spec, level, used)) return under;
  }
  return std::nullopt;
}

bool Mapspace::tiling_may_work(const std::vector<std::uint32_t>& tiling) const { return !tiling_blocker(tiling); }

std::optional<Rejection> Mapspace::tiling_blocker(const std::vector<std::uint32_t>& tiling) const {
  double used_instances = 1;
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    if (!slots_[slot].spatial) continue;
    std::int64_t used = 1;
    for (DimensionId dim = 0; dim < workload_.num_dimensions(); ++dim) used *= factor(tiling, dim, slot);
    if (used > arch_.fanout(slots_[slot].level)) return Rejection{RejectionKind::kFanout, slots_[slot].level, -1};
    used_instances *= static_cast<double>(used);
  }
  if (used_instances < constraints_.min_utilization * static_cast<double>(arch_.arithmetic.instances)) {
    return Rejection{RejectionKind::kComputeUtilization, 0, -1};
  }
  // With every free tensor bypassed: fewer tensors never need more room.
  return first_overflow(tiling, always_kept_);
}

Mapping Mapspace::build(const MapspacePoint& point) const {
  Mapping mapping;
  build(point, mapping);
  return mapping;
}

void Mapspace::build(const MapspacePoint& point, Mapping& mapping) const {
  int levels = arch_.num_storage_levels();
  auto dims = workload_.num_dimensions();
  mapping.levels.resize(levels);
  for (int level = 0; level < levels; ++level) {
    auto& m = mapping.levels[level];
    m.temporal_factors.assign(dims, 1);
    m.spatial_factors.assign(dims, 1);
  }
  for (DimensionId dim = 0; dim < dims; ++dim) {
    const auto& split = options_[dim][point.tiling[dim]];  // the dimension's factor per slot
    for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
      auto& m = mapping.levels[slots_[slot].level];
      (slots_[slot].spatial ? m.spatial_factors : m.temporal_factors)[dim] = split[slot];
    }
  }
  build_variant(point, mapping);
}

void Mapspace::build_variant(const MapspacePoint& point, Mapping& mapping) const {
  int levels = arch_.num_storage_levels();
  auto dims = workload_.num_dimensions();
  for (int level = 0; level < levels; ++level) {
    auto& m = mapping.levels[level];
    m.keep = point.keep[level];
    // The chosen order of the non-trivial loops, then the unit ones.
    m.temporal_permutation = point.loop_orders[level];
    std::uint32_t placed = 0;
    for (auto d : m.temporal_permutation) placed |= 1u << d;
    for (DimensionId d = 0; d < dims; ++d) {
      if (!(placed >> d & 1u)) m.temporal_permutation.push_back(d);
    }
    // Along X, then along Y, then the unit loops.
    std::array<std::array<DimensionId, kMaxDimensions>, 3> groups;
    std::array<int, 3> sizes{};
    const auto& on_y = point.spatial_on_y[level];
    for (DimensionId d = 0; d < dims; ++d) {
      int group = m.spatial_factors[d] <= 1 ? 2 : (on_y[d] ? 1 : 0);
      groups[group][sizes[group]++] = d;
    }
    m.spatial_permutation.assign(groups[0].begin(), groups[0].begin() + sizes[0]);
    m.spatial_permutation.insert(m.spatial_permutation.end(), groups[1].begin(), groups[1].begin() + sizes[1]);
    m.spatial_permutation.insert(m.spatial_permutation.end(), groups[2].begin(), groups[2].begin() + sizes[2]);
    m.spatial_split = sizes[0];
  }
  mapping.levels.back().keep.assign(workload_.num_data_spaces(), true);
}

}  // namespace qloop
