#include "sparse/spatial_skipping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace qloop::sparse {

namespace {

// Per data space, per architecture level (0: the compute units; a: the instances of storage
// level a - 1), the instances in use along X and Y and the share of them in use on average.
struct Expansion {
  std::vector<std::vector<std::uint64_t>> x, y;
  std::vector<std::vector<double>> ratio;
  std::vector<std::vector<bool>> reduced;
};

bool kept(const SpatialInputs& in, int level, DataSpaceId ds) {
  return in.tiles[level][ds].kept && in.tiles[level][ds].tile_size > 0;
}

// The box one instance under the spatial loop `index` of `level` works on.
Box subtile(const SpatialInputs& in, int level, int index) {
  if (index > 0) return in.nest.tiles[level][index - 1];
  return in.nest.below(level);
}

// X and Y count whole instances: the reference truncates each product. A ratio over a level
// left without instances (0 / 0) leaves none.
std::uint64_t scaled(std::uint64_t value, double ratio) {
  double product = static_cast<double>(value) * ratio;
  return std::isfinite(product) ? static_cast<std::uint64_t>(product) : 0;
}

// Narrows the instances a spatial loop spreads a tile over to those that get a nonzero.
void narrow(const SpatialInputs& in, DataSpaceId tensor, const NestLoop& loop, const Box& box, std::uint64_t& x,
            std::uint64_t& y) {
  auto fiber = box;
  fiber[loop.dimension] *= loop.bound;
  // Most elements of the fiber that hold a nonzero.
  auto k = in.models[tensor].max_elements(projected_tile(in.workload, tensor, fiber),
                                          projected_tile(in.workload, tensor, box));
  double r = static_cast<double>(k) / static_cast<double>(loop.bound);
  auto& axis = loop.along_x ? x : y;
  axis = scaled(axis, r);
}

// What each tensor's own metadata tells at each level: no instance gets an empty tile.
Expansion initial_expansion(const SpatialInputs& in) {
  int levels = in.arch.num_storage_levels();
  int spaces = in.workload.num_data_spaces();
  Expansion e;
  e.x.assign(spaces, {});
  e.y.assign(spaces, {});
  e.ratio.assign(spaces, {});
  e.reduced.assign(spaces, {});
  for (int ds = 0; ds < spaces; ++ds) {
    e.x[ds].push_back(static_cast<std::uint64_t>(in.expansions[0].x));
    e.y[ds].push_back(static_cast<std::uint64_t>(in.expansions[0].y));
    e.ratio[ds].push_back(1);
    e.reduced[ds].push_back(false);
    for (int s = 0; s < levels; ++s) {
      int holder = s;
      while (!kept(in, holder, ds) && holder < levels - 1) ++holder;
      if (in.representation.levels[holder][ds].has_metadata) {
        bool innermost = true;
        double effective = 1;
        const auto& loops = in.nest.levels[s];
        for (int i = 0; i < static_cast<int>(loops.size()); ++i) {
          const auto& loop = loops[i];
          if (!loop.spatial || loop.trivial() || !indexes(in.workload, ds, loop.dimension)) continue;
          auto box = subtile(in, s, i);
          if (innermost) {
            effective = 1 - in.models[ds].occupancy_probability(projected_tile(in.workload, ds, box), 0);
            innermost = false;
          }
          narrow(in, ds, loop, box, e.x[ds][s], e.y[ds][s]);
        }
        e.ratio[ds][s] = effective;
        if (effective != 1.0) e.reduced[ds][s] = true;
      }
      e.x[ds].push_back(static_cast<std::uint64_t>(in.expansions[s + 1].x));
      e.y[ds].push_back(static_cast<std::uint64_t>(in.expansions[s + 1].y));
      e.ratio[ds].push_back(1);
      e.reduced[ds].push_back(false);
    }
  }
  return e;
}

// A reduction of the instances at one level reduces those of every level below it alike; the
// average share too, down to the first level with a reduction of its own.
void propagate(Expansion& e, int ds, int level, double x_ratio, double y_ratio, double ratio,
               const std::vector<bool>& stops_average) {
  bool crossed = false;
  for (int inner = level - 1; inner >= 0; --inner) {
    if (stops_average[inner]) crossed = true;
    if (!crossed) e.ratio[ds][inner] *= ratio;
    e.x[ds][inner] = scaled(e.x[ds][inner], x_ratio);
    e.y[ds][inner] = scaled(e.y[ds][inner], y_ratio);
  }
}

// The spatial skipping of `target` at storage level `level`, conditioned on `conditions`.
void apply_skipping(const SpatialInputs& in, int level, DataSpaceId target, const std::vector<DataSpaceId>& conditions,
                    Expansion& e) {
  int levels = in.arch.num_storage_levels();
  int child = -1;
  for (int l = level - 1; l >= 0 && child < 0; --l) {
    if (kept(in, l, target)) child = l;
  }
  double aggregated = 1;
  // The reference counts the loops on across the conditions (its loop index is not reset), so
  // a later condition's tile is that of a loop further out: the level's own tile once past
  // its loops (where the reference reads beyond its list). Reproduced.
  int counted = -1;
  const auto& loops = in.nest.levels[level];
  auto last = static_cast<int>(loops.size()) - 1;
  for (auto c : conditions) {
    int holder = level;
    while (holder < levels && !kept(in, holder, c)) ++holder;
    // Without metadata there, the zeros of the condition cannot be told apart.
    if (holder == levels || !in.representation.levels[holder][c].has_metadata) continue;
    bool innermost = true;
    for (int i = 0; i < static_cast<int>(loops.size()); ++i) {
      ++counted;
      const auto& loop = loops[i];
      if (!loop.spatial || loop.trivial() || !indexes(in.workload, c, loop.dimension)) continue;
      auto box = subtile(in, level, std::min(counted, last + 1));
      // A co-iterated loop's tile of the target stays in the child while the temporal loops
      // above that do not iterate the target run: the condition's tile grows by them.
      if (child != -1 && indexes(in.workload, target, loop.dimension)) {
        int top = level;
        while (!kept(in, top, target) && top < levels - 1) ++top;
        bool found = false;
        for (int l = level; l <= top && !found; ++l) {
          for (const auto& u : in.nest.levels[l]) {
            if (u.spatial || u.trivial()) continue;
            if (indexes(in.workload, target, u.dimension)) {
              found = true;
              break;
            }
            box[u.dimension] *= u.bound;
          }
        }
      }
      if (innermost) {
        aggregated *= 1 - in.models[c].occupancy_probability(projected_tile(in.workload, c, box), 0);
        innermost = false;
      }
      narrow(in, c, loop, box, e.x[target][level], e.y[target][level]);
    }
  }
  e.ratio[target][level] = aggregated;
}

}  // namespace

bool has_spatial_skipping(const Architecture& arch) {
  for (const auto& level : arch.storage) {
    for (const auto& action : level.sparsity.actions) {
      if (action.kind == ActionOptimizationKind::kSpatialSkipping) return true;
    }
  }
  return false;
}

SpatialSkipping analyze_spatial_skipping(const SpatialInputs& in) {
  int levels = in.arch.num_storage_levels();
  int spaces = in.workload.num_data_spaces();
  auto e = initial_expansion(in);
  // Each tensor's own reductions, from the outermost level in; `in_use` keeps what each
  // storage level ends up with (the reference compares later reductions against it; a
  // level under a reduced one sees the reduction again, as the reference's loop does).
  std::vector<std::vector<std::uint64_t>> in_use_x(spaces, std::vector<std::uint64_t>(levels));
  auto in_use_y = in_use_x;
  for (int ds = 0; ds < spaces; ++ds) {
    for (int s = 0; s < levels; ++s) {
      in_use_x[ds][s] = static_cast<std::uint64_t>(in.expansions[s + 1].x);
      in_use_y[ds][s] = static_cast<std::uint64_t>(in.expansions[s + 1].y);
    }
    for (int a = levels; a >= 1; --a) {
      double xr = static_cast<double>(e.x[ds][a]) / static_cast<double>(in_use_x[ds][a - 1]);
      double yr = static_cast<double>(e.y[ds][a]) / static_cast<double>(in_use_y[ds][a - 1]);
      if (xr != 1.0 || yr != 1.0) {
        in_use_x[ds][a - 1] = e.x[ds][a];
        in_use_y[ds][a - 1] = e.y[ds][a];
        propagate(e, ds, a, xr, yr, e.ratio[ds][a], e.reduced[ds]);
      }
    }
  }
  SpatialSkipping out;
  out.applied.assign(levels, std::vector<bool>(spaces, false));
  out.probability.assign(levels, std::vector<double>(spaces, 0));
  for (int level = 0; level < levels; ++level) {
    for (const auto& action : in.arch.storage[level].sparsity.actions) {
      if (action.kind != ActionOptimizationKind::kSpatialSkipping) continue;
      const auto& choice = action.options.front();
      auto target = in.workload.find_data_space(choice.target);
      std::vector<DataSpaceId> conditions;
      for (const auto& name : choice.condition_on) conditions.push_back(in.workload.find_data_space(name));
      apply_skipping(in, level, target, conditions, e);
      out.applied[level][target] = true;
    }
  }
  // The instances in use at each level, and the reductions carried to the levels below.
  out.max_x.assign(levels, std::vector<std::uint64_t>(spaces, 1));
  out.max_y = out.max_x;
  out.average_instances.assign(levels, std::vector<double>(spaces, 0));
  bool first = true;
  for (int ds = 0; ds < spaces; ++ds) {
    const auto& before_x = in_use_x[ds];
    const auto& before_y = in_use_y[ds];
    std::vector<bool> stops(levels + 1, false);
    for (int s = 0; s < levels; ++s) stops[s] = out.applied[s][ds];
    for (int a = levels; a >= 0; --a) {
      double xr = 1, yr = 1;
      if (a != 0) {
        int s = a - 1;
        auto replication = static_cast<double>(in.tiles[s][ds].instances);
        out.average_instances[s][ds] = replication * e.ratio[ds][a];
        out.max_x[s][ds] = e.x[ds][a];
        out.max_y[s][ds] = e.y[ds][a];
        xr = static_cast<double>(e.x[ds][a]) / static_cast<double>(before_x[s]);
        yr = static_cast<double>(e.y[ds][a]) / static_cast<double>(before_y[s]);
      } else {
        double average = static_cast<double>(in.compute_instances) * e.ratio[ds][0];
        out.compute_max_x = first ? e.x[ds][0] : std::max(out.compute_max_x, e.x[ds][0]);
        out.compute_max_y = first ? e.y[ds][0] : std::max(out.compute_max_y, e.y[ds][0]);
        out.compute_average_instances = first ? average : std::max(out.compute_average_instances, average);
        first = false;
      }
      if (a < levels) out.probability[a][ds] = 1 - e.ratio[ds][a];
      if (xr != 1.0 || yr != 1.0) propagate(e, ds, a, xr, yr, e.ratio[ds][a], stops);
    }
  }
  // A storage level left without an instance in use (the reference divides its fan-out by
  // it, by zero), or compute units none of which any tensor uses.
  bool computes_unused = out.compute_max_x == 0 || out.compute_max_y == 0;
  for (int ds = 0; ds < spaces && !out.failure; ++ds) {
    for (int a = levels; a >= 0 && !out.failure; --a) {
      if (e.x[ds][a] != 0 && e.y[ds][a] != 0) continue;
      if (a == 0 && !computes_unused) continue;
      out.failure = fmt::format(
          "spatial skipping on {} leaves no instance of {} in use (no element of the fullest fiber counts as "
          "holding a nonzero; the reference divides by zero here)",
          in.workload.data_spaces[ds].name, a == 0 ? std::string("the compute unit") : in.arch.storage[a - 1].name);
      out.failure_level = std::max(a - 1, 0);
    }
  }
  // Each level must fan out to what the skipping leaves in use below it.
  for (int ds = 0; ds < spaces && !out.failure; ++ds) {
    for (int a = levels - 1; a >= 0 && !out.failure; --a) {
      auto fanout_x = e.x[ds][a] / std::max<std::uint64_t>(e.x[ds][a + 1], 1);
      auto fanout_y = e.y[ds][a] / std::max<std::uint64_t>(e.y[ds][a + 1], 1);
      auto have_x = static_cast<std::uint64_t>(in.arch.fanout_x(a));
      auto have_y = static_cast<std::uint64_t>(in.arch.fanout_y(a));
      if (fanout_x > have_x || fanout_y > have_y) {
        out.failure =
            fmt::format("spatial skipping of {} needs a fan-out of {} x {} below {}, which has {} x {}",
                        in.workload.data_spaces[ds].name, fanout_x, fanout_y, in.arch.storage[a].name, have_x, have_y);
        out.failure_level = a;
      }
    }
  }
  return out;
}

}  // namespace qloop::sparse
