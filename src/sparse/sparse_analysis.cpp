#include "sparse/sparse_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sparse/complete_nest.hpp"
#include "sparse/compute_analysis.hpp"
#include "sparse/spatial_skipping.hpp"

namespace qloop::sparse {

namespace {

std::uint64_t floor_of(double x) { return static_cast<std::uint64_t>(std::floor(x)); }
std::uint64_t ceil_of(double x) { return static_cast<std::uint64_t>(std::ceil(x)); }
double as_double(std::uint64_t x) { return static_cast<double>(x); }

enum class Saf { kNone, kGated, kSkipped, kSpatial };

// A gating, skipping or spatial skipping recorded on (level, tensor): its kind and the
// probability that an access to the tensor there (or below, for spatial skipping) is saved.
struct SafRecord {
  Saf kind = Saf::kNone;
  double probability = 0;
};

struct Context {
  const Architecture& arch;
  const Workload& workload;
  const CollapsedTiles& tiles;
  const CompleteNest& nest;
  SparseAnalysis& out;
  int levels() const { return static_cast<int>(tiles.size()); }
  bool kept(int level, DataSpaceId ds) const { return tiles[level][ds].kept && tiles[level][ds].tile_size > 0; }
  // The next level below `level` that keeps `ds`, or -1.
  int child(int level, DataSpaceId ds) const {
    for (int l = level - 1; l >= 0; --l) {
      if (kept(l, ds)) return l;
    }
    return -1;
  }
  bool has_metadata(int level, DataSpaceId ds) const { return out.representation.levels[level][ds].has_metadata; }
};

// Where the probability that an access to `target` at `level` meets a zero of `condition` is
// taken (docs/sparsity.md, "What is counted"): the condition's tile under the
// first loop above the target's child tile that iterates the target, or a single operand at
// the target's innermost level; spatial loops above widen it.
double probability_saved(const Context& ctx, int level, DataSpaceId target, const ActionChoice& choice) {
  const auto& workload = ctx.workload;
  const auto& nest = ctx.nest;
  int child = ctx.child(level, target);
  int dims = workload.num_dimensions();
  // The target loop: the first that iterates the target above its child's tile.
  bool scalar = false, found = false;
  int tl_level = level, tl_index = static_cast<int>(nest.levels[level].size()) - 1;
  for (int l = child + 1; l <= level && !found; ++l) {
    const auto& loops = nest.levels[l];
    for (int i = 0; i < static_cast<int>(loops.size()) && !found; ++i) {
      const auto& loop = loops[i];
      if (child != -1) {
        found = !loop.trivial() && indexes(workload, target, loop.dimension);
      } else {
        bool next_temporal = i + 1 >= static_cast<int>(loops.size()) || !loops[i + 1].spatial;
        if (next_temporal) {
          found = true;
          scalar = !loop.spatial;
        } else {
          found = !loop.trivial() && indexes(workload, target, loop.dimension);
        }
      }
      if (found) {
        tl_level = l;
        tl_index = i;
      }
    }
  }
  const auto& target_loop = nest.levels[tl_level][tl_index];
  Box mold = scalar ? Box(dims, 1) : nest.tiles[tl_level][tl_index];
  // The condition's tile: the target loop's box, widened by the loops above it that spread
  // it in space (and, for a spatial target loop, by the temporal loops over other tensors
  // until the first that iterates the target).
  Box condition_box = mold;
  std::vector<NestLoop> relevant{target_loop};
  bool spatial_target = target_loop.spatial;
  bool located = !spatial_target;
  for (int l = tl_level; l <= level; ++l) {
    const auto& loops = nest.levels[l];
    for (int i = l == tl_level ? tl_index + 1 : 0; i < static_cast<int>(loops.size()); ++i) {
      const auto& u = loops[i];
      if (u.trivial()) continue;
      bool add = u.spatial || (!located && !u.spatial && child != -1 && !indexes(workload, target, u.dimension));
      if (add) {
        condition_box[u.dimension] *= u.bound;
        relevant.push_back(u);
      }
      if (spatial_target && !u.spatial && (child == -1 || indexes(workload, target, u.dimension))) located = true;
    }
  }
  auto block = static_cast<double>(ctx.arch.storage[level].block_size);
  double target_points = as_double(projected_points(workload, target, mold));
  double keep = 1;
  for (const auto& name : choice.condition_on) {
    auto condition = workload.find_data_space(name);
    std::vector<double> factors(dims, 1);
    std::vector<bool> coiterated(dims, false);
    double product = 1;
    bool seen_coiteration = false, ineffective = false;
    if (!scalar) {
      for (const auto& u : relevant) {
        if (spatial_target && seen_coiteration && indexes(workload, condition, u.dimension)) {
          ineffective = true;
          break;
        }
        if (indexes(workload, target, u.dimension) && indexes(workload, condition, u.dimension)) {
          factors[u.dimension] *= static_cast<double>(u.bound);
          coiterated[u.dimension] = true;
          product *= static_cast<double>(u.bound);
          seen_coiteration = true;
        }
      }
    }
    if (ineffective) continue;  // the condition's zeros do not line up with the accesses
    Box box = condition_box;
    // One access of a block covers `block` operands of the target: the condition tile grows
    // to match (the reference divides each later co-iterated dimension by the product of the
    // factors so far; reproduced, docs/sparsity.md).
    double scale = std::ceil(block / (target_points / product));
    for (int d = 0; d < dims; ++d) {
      if (!coiterated[d]) continue;
      double e = factors[d] / scale;
      box[d] = static_cast<std::int64_t>(std::ceil(static_cast<double>(box[d]) / e));
      scale /= factors[d];
    }
    if (scale > 1)
      box[target_loop.dimension] = static_cast<std::int64_t>(static_cast<double>(box[target_loop.dimension]) * scale);
    double empty = ctx.out.models[condition].occupancy_probability(projected_tile(workload, condition, box), 0);
    keep *= 1 - empty;
  }
  return 1 - keep;
}

// The level at or above `level` that keeps `target` (the optimization moves up to it), or -1.
int target_level(const Context& ctx, int level, DataSpaceId target) {
  for (int l = level; l < ctx.levels(); ++l) {
    if (ctx.kept(l, target)) return l;
  }
  return -1;
}

// Evaluates one gating or skipping entry and records it on its target level.
void record_saf(const Context& ctx, int level, const ActionOptimization& action,
                std::vector<std::vector<SafRecord>>& records) {
  Saf kind = action.kind == ActionOptimizationKind::kGating ? Saf::kGated : Saf::kSkipped;
  double best_savings = 0;
  std::optional<std::pair<int, DataSpaceId>> chosen;
  double chosen_probability = 0;
  for (const auto& choice : action.options) {
    auto target = ctx.workload.find_data_space(choice.target);
    int at = target_level(ctx, level, target);
    if (at < 0) {
      if (!ctx.out.failure) {
        ctx.out.failure =
            fmt::format("{} of {} at {}: no level at or above it keeps {}", kind == Saf::kGated ? "gating" : "skipping",
                        choice.target, ctx.arch.storage[level].name, choice.target);
        ctx.out.failure_level = level;
      }
      return;
    }
    double p = probability_saved(ctx, at, target, choice);
    const auto& spec = ctx.arch.storage[at];
    // The expected nonzeros of the target's tile, plus the metadata the child (or, at the
    // innermost level, this level) reads with them, counted in data words as the reference
    // does (an integer ratio of word widths, usually 0).
    const auto& rep = ctx.out.representation.levels[at][target];
    double occupancy = rep.expected_density * as_double(ctx.tiles[at][target].tile_size);
    int child = ctx.child(at, target);
    double metadata = 0;
    for (const auto& units : ctx.out.representation.levels[child < 0 ? at : child][target].expected) {
      metadata += units.metadata + units.payload;
    }
    occupancy += metadata * static_cast<double>(spec.metadata.word_bits / std::max(spec.word_bits, 1));
    double savings = spec.energy.read_pJ / static_cast<double>(spec.block_size) * occupancy * p;
    if (savings >= best_savings) {  // ties go to the later option, as in the reference
      best_savings = savings;
      chosen = {at, target};
      chosen_probability = p;
    }
  }
  if (!chosen) return;
  auto& record = records[chosen->first][chosen->second];
  if (record.kind == Saf::kNone || chosen_probability > record.probability) {
    record = {kind, chosen_probability};
  }
}

// Of the accesses that reach a level after an outer level saved the share `outer`, the share
// its own optimization (saving `local` of all) still saves: (local - outer) / (1 - outer), the
// reference's formula. Where that leaves [0, 1] (a local probability below the outer one: the
// reference then counts 2^64 - k skips; or nothing reaching the level), none.
double share_left_to_save(double local, double outer) {
  if (outer >= 1) return 0;
  return std::clamp(1 - (1 - local) / (1 - outer), 0.0, 1.0);
}

// Moves the share `p` of a level's own accesses to `kind` (gated or skipped).
void apply_local(const Context& ctx, int level, DataSpaceId ds, double p, Saf kind, SparseTensorCounts& c) {
  int outcome = kind == Saf::kGated ? kGated : kSkipped;
  bool read_write = ctx.workload.data_spaces[ds].read_write;
  auto& reads = c.data[kActual][kRead];
  auto saved_reads = read_write ? ceil_of(as_double(reads) * p) : floor_of(as_double(reads) * p);
  saved_reads = std::min(saved_reads, reads);
  c.data[outcome][kRead] += saved_reads;
  reads -= saved_reads;
  auto& updates = c.data[kActual][kUpdate];
  auto saved_updates = floor_of(as_double(updates) * p);
  c.data[outcome][kUpdate] += saved_updates;
  updates -= saved_updates;
  // Metadata of the ranks the child also walks is saved alike.
  int child = ctx.child(level, ds);
  std::size_t ranks = c.format[kActual][kRead].size();
  if (child >= 0) ranks = std::min(ranks, ctx.out.representation.levels[child][ds].expected.size());
  if (child >= 0 && !ctx.has_metadata(child, ds)) ranks = 0;
  for (int access : {kRead, kUpdate}) {
    auto& actual = c.format[kActual][access];
    auto& saved = c.format[outcome][access];
    saved.resize(actual.size());
    for (std::size_t r = 0; r < ranks && r < actual.size(); ++r) {
      auto m = floor_of(as_double(actual[r].metadata) * p);
      auto pl = floor_of(as_double(actual[r].payload) * p);
      actual[r].metadata -= m;
      actual[r].payload -= pl;
      saved[r].metadata += m;
      saved[r].payload += pl;
    }
  }
  const auto& dense = ctx.tiles[level][ds];
  if (read_write && dense.updates > 0) {
    c.temporal_reductions =
        ceil_of(as_double(dense.temporal_reductions) * as_double(updates) / as_double(dense.updates));
  }
}

// Metadata accesses per rank: the expected units, in proportion to the dense accesses of
// the tile; and the data accesses a format saves (the zeros it does not store).
void apply_representation(const Context& ctx, int level, DataSpaceId ds, SparseTensorCounts& c) {
  const auto& rep = ctx.out.representation.levels[level][ds];
  const auto& dense = ctx.tiles[level][ds];
  for (auto& per_outcome : c.format) {
    for (auto& ranks : per_outcome) ranks.assign(rep.expected.size(), {});
  }
  if (!rep.has_metadata || dense.tile_size == 0) return;
  double points = as_double(dense.tile_size);
  for (int access : {kRead, kFill, kUpdate}) {
    double count = as_double(c.algorithmic[access]);
    for (std::size_t r = 0; r < rep.expected.size(); ++r) {
      c.format[kActual][access][r] = {ceil_of(rep.expected[r].metadata * count / points),
                                      ceil_of(rep.expected[r].payload * count / points)};
    }
  }
  double zeros = 1 - rep.expected_density;
  bool read_write = ctx.workload.data_spaces[ds].read_write;
  for (int access : {kRead, kFill, kUpdate}) {
    if (access == kUpdate && !read_write) continue;
    auto& n = c.data[kActual][access];
    n -= floor_of(as_double(n) * zeros);
  }
}

}  // namespace

bool sparse_analysis_applies(const Architecture& arch) {
  return arch.sparse_section || arch.has_sparse_optimizations();
}

void analyze_sparsity(const Architecture& arch, const Workload& workload, const Mapping& mapping,
                      const CollapsedTiles& tiles, std::uint64_t compute_instances, SparseAnalysis& out) {
  auto nest = complete_nest(arch, workload, mapping);
  int num_ds = workload.num_data_spaces();
  int num_levels = static_cast<int>(tiles.size());
  out.failure.reset();
  out.failure_level = -1;
  out.in_use.clear();
  out.models.clear();
  Box whole(workload.dimension_bounds.begin(), workload.dimension_bounds.end());
  for (int ds = 0; ds < num_ds; ++ds) {
    out.models.emplace_back(workload.density_of(ds), projected_tile(workload, ds, whole));
  }
  analyze_representations(arch, workload, nest, tiles, out.models, out.representation);
  if (out.representation.failure) {
    out.failure = out.representation.failure;
    out.failure_level = out.representation.failure_level;
  }
  Context ctx{arch, workload, tiles, nest, out};

  out.levels.assign(num_levels, std::vector<SparseTensorCounts>(num_ds));
  for (int level = 0; level < num_levels; ++level) {
    for (int ds = 0; ds < num_ds; ++ds) {
      const auto& dense = tiles[level][ds];
      auto& c = out.levels[level][ds];
      c.algorithmic = {dense.reads, dense.fills, dense.updates};
      c.data[kActual] = c.algorithmic;
      c.temporal_reductions = dense.temporal_reductions;
      c.utilized_instances = as_double(dense.instances) * out.representation.levels[level][ds].instances_factor;
      apply_representation(ctx, level, ds, c);
    }
  }

  // Each gating, then each skipping, level by level from the innermost.
  std::vector<std::vector<SafRecord>> records(num_levels, std::vector<SafRecord>(num_ds));
  for (auto kind : {ActionOptimizationKind::kGating, ActionOptimizationKind::kSkipping}) {
    for (int level = 0; level < num_levels; ++level) {
      for (const auto& action : arch.storage[level].sparsity.actions) {
        if (action.kind == kind) record_saf(ctx, level, action, records);
      }
    }
  }

  // Spatial skipping: fewer instances in use below a level, and their accesses saved.
  std::optional<SpatialSkipping> spatial;
  if (has_spatial_skipping(arch)) {
    std::vector<MeshExpansion> expansions;
    mesh_expansions(mapping, expansions);
    spatial = analyze_spatial_skipping(
        {arch, workload, nest, tiles, out.models, out.representation, expansions, compute_instances});
    if (spatial->failure && !out.failure) {
      out.failure = spatial->failure;
      out.failure_level = spatial->failure_level;
    }
    for (int level = 0; level < num_levels; ++level) {
      for (int ds = 0; ds < num_ds; ++ds) {
        if (!spatial->applied[level][ds]) continue;
        if (records[level][ds].kind != Saf::kNone && !out.failure) {
          out.failure =
              fmt::format("{} is skipped both spatially and in time at {}: not supported (as in the reference)",
                          workload.data_spaces[ds].name, arch.storage[level].name);
          out.failure_level = level;
        }
        records[level][ds] = {Saf::kSpatial, spatial->probability[level][ds]};
      }
    }
    out.in_use.assign(num_levels + 1, MeshExpansion{0, 0});
    out.in_use[0] = {static_cast<std::int64_t>(spatial->compute_max_x),
                     static_cast<std::int64_t>(spatial->compute_max_y)};
    for (int level = 0; level < num_levels; ++level) {
      for (int ds = 0; ds < num_ds; ++ds) {
        auto& c = out.levels[level][ds];
        c.utilized_instances = spatial->average_instances[level][ds];
        c.max_instances = spatial->max_x[level][ds] * spatial->max_y[level][ds];
        auto& used = out.in_use[level + 1];
        used.x = std::max(used.x, static_cast<std::int64_t>(spatial->max_x[level][ds]));
        used.y = std::max(used.y, static_cast<std::int64_t>(spatial->max_y[level][ds]));
      }
    }
  }

  // From the outermost optimization of each tensor down: the accesses an outer level saves
  // never reach the levels below it (they are not counted as gated or skipped there); a
  // level with its own optimization saves its share of what still arrives.
  double remaining_computes = as_double(workload.total_operations());
  std::vector<bool> saf_on(num_ds, false);
  std::vector<double> innermost_probability(num_ds, 0);
  for (int ds = 0; ds < num_ds; ++ds) {
    std::vector<bool> finalized(num_levels, false);
    for (int level = num_levels - 1; level >= 0; --level) {
      const auto& record = records[level][ds];
      if (record.kind == Saf::kNone) continue;
      double p = record.probability;
      // An upper format of one rank tells which tiles below are empty: their metadata too.
      bool one_rank_above = out.levels[level][ds].format[kActual][kRead].size() == 1;
      int j = level - 1;
      for (; j >= 0; --j) {
        auto& below = out.levels[j][ds];
        for (int access : {kRead, kFill, kUpdate}) {
          auto& n = below.data[kActual][access];
          n -= floor_of(as_double(n) * p);
        }
        if (ctx.has_metadata(j, ds) && one_rank_above) {
          for (int access : {kRead, kFill}) {
            auto& ranks = below.format[kActual][access];
            if (ranks.empty()) continue;
            ranks[0].metadata -= floor_of(as_double(ranks[0].metadata) * p);
            ranks[0].payload -= floor_of(as_double(ranks[0].payload) * p);
          }
        }
        if (records[j][ds].kind != Saf::kNone) {
          finalized[j] = true;
          // The reference takes this level's metadata reads from its updates here
          // (storage-optimization-combiner.cpp; reproduced, docs/sparsity.md), and undoes it
          // where the level's own optimization is spatial (it ends with the propagated counts).
          if (records[j][ds].kind != Saf::kSpatial) {
            below.format[kActual][kRead] = below.format[kActual][kUpdate];
            apply_local(ctx, j, ds, share_left_to_save(records[j][ds].probability, p), records[j][ds].kind, below);
          }
          break;
        }
      }
      if (!finalized[level]) {
        finalized[level] = true;
        if (record.kind != Saf::kSpatial) apply_local(ctx, level, ds, p, record.kind, out.levels[level][ds]);
      }
      if (j < 0 && !workload.data_spaces[ds].read_write) {
        remaining_computes -= std::floor(remaining_computes * p);
        saf_on[ds] = true;
        innermost_probability[ds] = std::round(p * 1e6) / 1e6;
      }
    }
  }
  // Reductions follow the updates that remain where nothing is gated or skipped locally.
  for (int level = 0; level < num_levels; ++level) {
    for (int ds = 0; ds < num_ds; ++ds) {
      const auto& dense = tiles[level][ds];
      auto kind = records[level][ds].kind;
      if (kind == Saf::kGated || kind == Saf::kSkipped || dense.updates == 0) continue;
      auto& c = out.levels[level][ds];
      c.temporal_reductions = ceil_of(as_double(dense.temporal_reductions) * as_double(c.data[kActual][kUpdate]) /
                                      as_double(dense.updates));
    }
  }
  out.compute.algorithmic = workload.total_operations();
  {
    std::vector<ComputeOperand> operands;
    for (int ds = 0; ds < num_ds; ++ds) {
      if (workload.data_spaces[ds].read_write) continue;
      int innermost = 0;
      while (innermost < num_levels && !ctx.kept(innermost, ds)) ++innermost;
      operands.push_back({out.models[ds].operand_density(), innermost < num_levels && ctx.has_metadata(innermost, ds),
                          saf_on[ds], innermost_probability[ds]});
    }
    auto computes = analyze_computes(arch.arithmetic, operands, remaining_computes, compute_instances);
    out.compute.computes = computes.computes;
    out.compute.utilized_instances = computes.utilized_instances;
    if (computes.failure && !out.failure) {
      out.failure = computes.failure;
      out.failure_level = 0;
    }
  }
  if (spatial) {
    out.compute.utilized_instances = spatial->compute_average_instances;
    out.compute.max_instances = spatial->compute_max_x * spatial->compute_max_y;
  }

  // (De)compression between a compressed parent and an uncompressed child.
  for (int ds = 0; ds < num_ds; ++ds) {
    for (int level = 0; level < num_levels; ++level) {
      if (!ctx.kept(level, ds) || out.representation.levels[level][ds].compressed) continue;
      int parent = -1;
      for (int l = level + 1; l < num_levels && parent < 0; ++l) {
        if (ctx.kept(l, ds)) parent = l;
      }
      if (parent < 0 || !out.representation.levels[parent][ds].compressed) continue;
      auto& c = out.levels[level][ds];
      c.decompressions = c.data[kActual][kFill];
      if (workload.data_spaces[ds].read_write) c.compressions = out.levels[parent][ds].data[kActual][kUpdate];
    }
  }
}

}  // namespace qloop::sparse
