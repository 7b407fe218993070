#include "model/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/nest_analysis.hpp"
#include "analysis/tile_collapse.hpp"
#include "mapping/loop_nest.hpp"
#include "model/compute_cost.hpp"
#include "model/level_fit.hpp"
#include "model/packed_tile.hpp"
#include "model/packing.hpp"
#include "model/sparse_costs.hpp"
#include "model/stored_bitwidth.hpp"

namespace qloop {

namespace {

std::uint64_t vector_accesses(std::uint64_t words, std::int64_t block_size) {
  auto block = static_cast<std::uint64_t>(block_size);
  return (words + block - 1) / block;
}

// Why a mapping cannot run, and (with `details`) the message that says it with its numbers.
struct Refusal {
  std::optional<Rejection> what;
  std::string message;
  bool none() const { return !what; }
};

// The mesh of the instances that `level`'s spatial factors spread over (`level` 0: also the
// compute units).
Refusal check_mesh(const std::string& name, int level, MeshExpansion used, std::int64_t mesh_x, std::int64_t mesh_y,
                   bool details) {
  if (used.x <= mesh_x && used.y <= mesh_y) return {};
  Refusal r{Rejection{RejectionKind::kFanout, level, -1}, {}};
  if (!details) return r;
  r.message = used.x > mesh_x ? fmt::format(
                                    "level {}: spatial factors spread it over {} instances along X, but its "
                                    "mesh has {}",
                                    name, used.x, mesh_x)
                              : fmt::format(
                                    "level {}: spatial factors spread it over {} instances along Y, but its "
                                    "mesh has {}",
                                    name, used.y, mesh_y);
  return r;
}

// No refusal when every kept tensor fits its words and the level's capacity (level_fit.hpp).
Refusal check_level(const StorageLevelSpec& spec, int level, const std::vector<LevelTensorCounts>& counts,
                    const Workload& workload, const std::vector<std::optional<int>>& widths,
                    const sparse::SparseAnalysis* sparse, bool details) {
  std::uint64_t required = 0;
  std::uint64_t metadata_bits = 0;
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    if (!counts[ds].kept) continue;
    auto words = kept_tile_words(counts[ds].tile_size, widths[ds], spec.word_bits, workload.scales_of(ds));
    if (sparse) {
      const auto& rep = sparse->representation.levels[level][ds];
      words = sparse_tile_words(counts[ds], rep, widths[ds], spec.word_bits, workload.scales_of(ds));
      metadata_bits += rep.worst_case_bits;
    }
    if (!words) {
      Refusal r{Rejection{RejectionKind::kBitwidth, level, ds}, {}};
      if (details) {
        r.message = fmt::format("level {}: tensor {} has {}-bit operands, wider than the {}-bit word", spec.name,
                                workload.data_spaces[ds].name, *widths[ds], spec.word_bits);
      }
      return r;
    }
    required += *words;
  }
  auto capacity = spec.effective_size_words().value_or(0);
  if (auto over = capacity_rejection(spec, level, required)) {
    return {over, details ? fmt::format("level {}: mapped tiles need {} words but the level holds {} words", spec.name,
                                        required, capacity)
                          : std::string()};
  }
  if (spec.size_words && metadata_bits > 0) {
    auto rows = static_cast<double>(spec.metadata.depth.value_or(0));
    auto available = static_cast<std::uint64_t>(
        std::floor(rows * static_cast<double>(spec.metadata.width_bits) / spec.multiple_buffering));
    if (metadata_bits > available) {
      Refusal r{Rejection{RejectionKind::kCapacity, level, -1}, {}};
      if (details) {
        r.message = fmt::format("level {}: the tiles' formats need {} metadata bits but its metadata storage holds {}",
                                spec.name, metadata_bits, available);
      }
      return r;
    }
  }
  if (auto under = utilization_rejection(spec, level, required)) {
    return {under, details ? fmt::format("level {}: mapped tiles use {} words, below the minimum utilization of {}",
                                         spec.name, required, spec.min_utilization)
                           : std::string()};
  }
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    // With spatial skipping, the instances in use on average (as the reference checks them).
    double used = sparse && !sparse->in_use.empty() ? sparse->levels[level][ds].utilized_instances
                                                    : static_cast<double>(counts[ds].instances);
    if (counts[ds].kept && used > static_cast<double>(spec.instances)) {
      Refusal r{Rejection{RejectionKind::kFanout, level + 1, -1}, {}};
      if (details) {
        r.message =
            fmt::format("level {}: mapping uses {} instances but the level has {}", spec.name, used, spec.instances);
      }
      return r;
    }
  }
  return {};
}

// Instances in use per cluster in use: a cluster (cluster-size instances) makes one access for
// all of them, so the reference divides each instance's access energy by this. The instances
// in use are assumed spread over the clusters, as the reference assumes.
double instances_per_cluster(const StorageLevelSpec& spec, MeshExpansion used) {
  auto instances = static_cast<double>(used.x * used.y);
  double clusters = static_cast<double>(spec.instances / std::max<std::int64_t>(spec.cluster_size, 1));
  return instances / std::max(1.0, std::min(instances, clusters));
}

StorageTensorStats tensor_stats(const StorageLevelSpec& spec, const LevelTensorCounts& c, const Workload& workload,
                                int ds, std::optional<int> width, MeshExpansion used, bool details) {
  auto packing = pack(width, spec.word_bits, workload.scales_of(ds));
  auto t = packed_tile_stats(spec, workload, ds, width, c.tile_size, details);
  t.utilized_instances = c.instances;
  t.reads = words_for(c.reads, packing);
  t.fills = words_for(c.fills, packing);
  t.updates = words_for(c.updates, packing);
  t.temporal_reductions = words_for(c.temporal_reductions, packing);
  double per_instance = static_cast<double>(vector_accesses(t.reads, spec.block_size)) * spec.energy.read_pJ +
                        static_cast<double>(vector_accesses(t.fills, spec.block_size)) * spec.energy.fill_pJ +
                        static_cast<double>(vector_accesses(t.updates, spec.block_size)) * spec.energy.update_pJ;
  t.energy_pJ = per_instance / instances_per_cluster(spec, used) * static_cast<double>(t.utilized_instances);
  return t;
}

// Bandwidth throttling: a level that cannot move its words in the compute time slows the run.
void level_performance(const StorageLevelSpec& spec, StorageLevelStats& level, std::uint64_t compute_cycles) {
  // Bandwidths are summed per tensor (in this order) to round exactly as the reference does.
  double cycles = static_cast<double>(std::max<std::uint64_t>(compute_cycles, 1));
  double read_bw = 0, write_bw = 0;
  for (const auto& t : level.tensors) {
    if (t.sparse) {
      auto traffic = sparse_traffic(spec, t);
      read_bw += traffic.read_words / cycles;
      write_bw += traffic.write_words / cycles;
      continue;
    }
    read_bw += static_cast<double>(t.reads) / cycles;
    write_bw += static_cast<double>(t.fills + t.updates) / cycles;
  }
  double slowdown = 1.0;
  if (spec.read_bandwidth && *spec.read_bandwidth < read_bw)
    slowdown = std::min(slowdown, *spec.read_bandwidth / read_bw);
  if (spec.write_bandwidth && *spec.write_bandwidth < write_bw)
    slowdown = std::min(slowdown, *spec.write_bandwidth / write_bw);
  if (spec.shared_bandwidth && *spec.shared_bandwidth < read_bw + write_bw) {
    slowdown = std::min(slowdown, *spec.shared_bandwidth / (write_bw + read_bw));
  }
  level.bandwidth_throttling = slowdown;
  level.cycles = static_cast<std::uint64_t>(std::ceil(static_cast<double>(compute_cycles) / slowdown));
}

NetworkStats network_stats(const Architecture& arch, int level, const std::vector<LevelTensorCounts>& counts,
                           const Workload& workload, const std::vector<std::optional<int>>& widths) {
  const auto& spec = arch.storage[level];
  NetworkStats net;
  net.tensors.reserve(workload.num_data_spaces());
  const auto& child = level == 0 ? arch.arithmetic.name : arch.storage[level - 1].name;
  net.name = spec.name + " <==> " + child;
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    const auto& c = counts[ds];
    auto packing = pack(widths[ds], spec.word_bits, workload.scales_of(ds));
    NetworkTensorStats t;
    t.tensor = workload.data_spaces[ds].name;
    t.fanout = c.fanout;
    t.multicast_factor = c.to_children.max_multicast();
    bool read_write = workload.data_spaces[ds].read_write;
    for (const auto& pattern : c.to_children) {
      double served = pattern.accesses;
      // A parent that cannot accumulate partial sums sends each one back down for the child
      // to accumulate, except the first of each.
      double accesses = read_write && !spec.can_reduce() ? 2 * served - static_cast<double>(c.partition_size) : served;
      double ingresses = network_words(accesses, packing);
      t.ingresses += ingresses;
      if (read_write) {
        t.spatial_reductions += static_cast<std::uint64_t>((static_cast<double>(pattern.multicast) - 1) * ingresses);
      }
    }
    t.link_transfers = words_for(c.link_transfers, packing);
    net.tensors.push_back(t);
  }
  return net;
}

}  // namespace

namespace {

// The loop nest, its analysis and the per-level counts, into the workspace. A search leaves
// out what tile collapse overwrites (analyze_nest); a report works it out, because the
// reference's rescaling of it rounds the network counts (apply_bypass).
void count_accesses(const Architecture& arch, const Workload& workload, const Mapping& mapping, bool details,
                    EvaluationWorkspace& ws) {
  build_loop_nest(mapping, workload, ws.nest);
  analyze_nest(workload, ws.nest, arch, ws.analysis, ws.closed_form, ws.walk, details ? nullptr : &mapping);
  collapse_tiles(ws.analysis, ws.nest, mapping, workload, ws.tiles, ws.collapse, arch.rules);
  mesh_expansions(mapping, ws.expansions);
  ws.widths.resize(arch.num_storage_levels());
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    ws.widths[level].clear();
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      ws.widths[level].push_back(stored_bitwidth(workload, mapping, level, ds));
    }
  }
  ws.sparse_active = sparse::sparse_analysis_applies(arch);
  if (ws.sparse_active) {
    sparse::analyze_sparsity(arch, workload, mapping, ws.tiles, ws.analysis.compute_instances, ws.sparse);
  }
}

// With Sparseloop's analysis: the actual computes at the table's energy, gated and skipped
// ones at theirs (scaled with bitwidths as the actual ones are); a skipped compute takes no
// cycle, a gated one does.
void sparse_arithmetic(const Architecture& arch, const sparse::SparseComputeCounts& counts, ArithmeticStats& arith) {
  const auto& spec = arch.arithmetic;
  double scaling = spec.energy_per_compute_pJ > 0 ? arith.energy_per_compute_pJ / spec.energy_per_compute_pJ : 1;
  auto actual = counts.computes[sparse::kActual], gated = counts.computes[sparse::kGated],
       skipped = counts.computes[sparse::kSkipped];
  arith.computes = actual;
  arith.energy_pJ = static_cast<double>(actual) * arith.energy_per_compute_pJ +
                    static_cast<double>(gated) * spec.gated_compute_pJ * scaling +
                    static_cast<double>(skipped) * spec.skipped_compute_pJ * scaling;
  auto instances = std::max<std::uint64_t>(static_cast<std::uint64_t>(counts.utilized_instances), 1);
  arith.cycles = static_cast<std::uint64_t>(std::ceil(
      std::ceil(static_cast<double>(actual + gated) / static_cast<double>(instances)) * arith.cycles_per_compute));
  // The reference keeps the compute units' average in use as a whole number (it truncates).
  arith.sparse = SparseComputeStats{counts.algorithmic, actual, gated, skipped, std::floor(counts.utilized_instances)};
  if (counts.max_instances > 0) arith.utilized_instances = counts.max_instances;
}

void arithmetic_stats(const Architecture& arch, const Workload& workload, const NestAnalysisResult& analysis,
                      bool details, ArithmeticStats& arith) {
  auto compute = compute_cost(arch.arithmetic, workload);
  if (details) {
    arith.name = arch.arithmetic.name;
    arith.energy_source = to_string(arch.arithmetic.energy_source);
    arith.area_source = to_string(arch.arithmetic.area_source);
  }
  arith.instances = arch.arithmetic.instances;
  arith.utilized_instances = analysis.compute_instances;
  arith.computes = workload.total_operations();
  arith.cycles = static_cast<std::uint64_t>(std::ceil(analysis.compute_cycles * compute.cycles_per_compute));
  arith.cycles_per_compute = compute.cycles_per_compute;
  arith.energy_per_compute_pJ = compute.energy_per_compute_pJ;
  arith.energy_pJ = static_cast<double>(arith.computes) * arith.energy_per_compute_pJ;
  arith.area_um2 = arch.arithmetic.area_um2 * static_cast<double>(arch.arithmetic.instances);
}

// The first thing that keeps the mapping from running, compute units first, then each level
// from the innermost.
Refusal first_refusal(const Architecture& arch, const Workload& workload, const Mapping& mapping,
                      const ArithmeticStats& arith, bool details, EvaluationWorkspace& ws) {
  if (arith.utilized_instances > static_cast<std::uint64_t>(arith.instances)) {
    Refusal r{Rejection{RejectionKind::kFanout, 0, -1}, {}};
    if (details) {
      r.message = fmt::format("compute {}: mapping uses {} instances but there are {}", arch.arithmetic.name,
                              arith.utilized_instances, arith.instances);
    }
    return r;
  }
  mesh_expansions(mapping, ws.expansions);
  const sparse::SparseAnalysis* sparse = ws.sparse_active ? &ws.sparse : nullptr;
  // Spatial skipping leaves instances unused: the mesh must hold only those in use.
  const auto& in_use = sparse && !sparse->in_use.empty() ? sparse->in_use : ws.expansions;
  auto refusal =
      check_mesh(arch.arithmetic.name, 0, in_use[0], arch.arithmetic.mesh_x, arch.arithmetic.mesh_y, details);
  if (refusal.none() && sparse && sparse->failure) {
    refusal = {Rejection{RejectionKind::kFormat, std::max(sparse->failure_level, 0), -1},
               details ? *sparse->failure : std::string()};
  }
  for (int level = 0; level < arch.num_storage_levels() && refusal.none(); ++level) {
    const auto& spec = arch.storage[level];
    refusal = check_level(spec, level, ws.tiles[level], workload, ws.widths[level], sparse, details);
    if (refusal.none()) {
      refusal = check_mesh(spec.name, level + 1, in_use[level + 1], spec.mesh_x, spec.mesh_y, details);
    }
  }
  return refusal;
}

void storage_level_stats(const StorageLevelSpec& spec, int level, const Workload& workload,
                         const EvaluationWorkspace& ws, std::uint64_t compute_cycles, bool details,
                         StorageLevelStats& stats) {
  if (details) {
    stats.name = spec.name;
    stats.energy_source = to_string(spec.energy.source);
    stats.area_source = to_string(spec.area_source);
  }
  stats.level = level + 1;
  stats.instances = spec.instances;
  stats.capacity_words = spec.size_words.value_or(-1);
  stats.area_um2 = spec.area_um2 * static_cast<double>(spec.instances);
  stats.energy_pJ = 0;
  stats.tensors.clear();
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    if (!ws.tiles[level][ds].kept) continue;
    if (ws.sparse_active) {
      stats.tensors.push_back(sparse_tensor_stats(spec, ws.tiles[level][ds], ws.sparse, level, ds, workload,
                                                  ws.widths[level][ds],
                                                  instances_per_cluster(spec, ws.expansions[level + 1]), details));
    } else {
      stats.tensors.push_back(tensor_stats(spec, ws.tiles[level][ds], workload, ds, ws.widths[level][ds],
                                           ws.expansions[level + 1], details));
    }
    stats.energy_pJ += stats.tensors.back().energy_pJ;
  }
  level_performance(spec, stats, compute_cycles);
}

void summarize(const Architecture& arch, EvaluationResult& result) {
  const auto& arith = result.arithmetic;
  auto& s = result.summary;
  s.energy_pJ = arith.energy_pJ;
  s.cycles = arith.cycles;
  s.area_um2 = arith.area_um2;
  for (const auto& level : result.storage) {
    s.cycles = std::max(s.cycles, level.cycles);
    s.energy_pJ += level.energy_pJ;
    s.area_um2 += level.area_um2;
  }
  // Leakage, as Timeloop v4 counts it (model/buffer.cpp, each instance its own power gate):
  // every cycle of the run, the most instances any tensor uses (at least one) leak.
  s.leakage_pJ = 0;
  for (std::size_t level = 0; level < result.storage.size(); ++level) {
    auto& stats = result.storage[level];
    std::uint64_t in_use = 1;
    for (const auto& t : stats.tensors) in_use = std::max(in_use, t.utilized_instances);
    stats.leakage_pJ = arch.storage[level].energy.leak_pJ * static_cast<double>(in_use) * static_cast<double>(s.cycles);
    s.leakage_pJ += stats.leakage_pJ;
  }
  s.computes = arith.computes;
  // Busy fraction of the compute units (a bit-serial unit is busy for every cycle of an
  // operation; a gated operation occupies its unit too).
  auto busy = arith.computes + (arith.sparse ? arith.sparse->gated : 0);
  s.utilization = s.cycles == 0 ? 0
                                : static_cast<double>(busy) * arith.cycles_per_compute /
                                      (static_cast<double>(arith.instances) * static_cast<double>(s.cycles));
  s.pJ_per_compute = arith.computes == 0 ? 0 : s.energy_pJ / static_cast<double>(arith.computes);
  s.algorithmic_computes = arith.sparse ? arith.sparse->algorithmic : arith.computes;
  s.pJ_per_algorithmic_compute =
      s.algorithmic_computes == 0 ? 0 : s.energy_pJ / static_cast<double>(s.algorithmic_computes);
}

// Both evaluations; `details` adds what only reports read.
void evaluate_into(const Architecture& arch, const Workload& workload, const Mapping& mapping, bool details,
                   EvaluationResult& result, EvaluationWorkspace& ws) {
  count_accesses(arch, workload, mapping, details, ws);
  arithmetic_stats(arch, workload, ws.analysis, details, result.arithmetic);
  result.arithmetic.sparse.reset();
  if (ws.sparse_active) sparse_arithmetic(arch, ws.sparse.compute, result.arithmetic);
  auto refusal = first_refusal(arch, workload, mapping, result.arithmetic, details, ws);
  result.valid = refusal.none();
  result.rules = arch.rules;
  result.rejection = refusal.what;
  result.reason = std::move(refusal.message);
  result.storage.resize(arch.num_storage_levels());
  if (details) result.networks.clear();
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    storage_level_stats(arch.storage[level], level, workload, ws, result.arithmetic.cycles, details,
                        result.storage[level]);
    if (details) result.networks.push_back(network_stats(arch, level, ws.tiles[level], workload, ws.widths[level]));
  }
  summarize(arch, result);
}

}  // namespace

EvaluationResult evaluate(const Architecture& arch, const Workload& workload, const Mapping& mapping) {
  EvaluationWorkspace ws;
  return evaluate(arch, workload, mapping, ws);
}

EvaluationResult evaluate(const Architecture& arch, const Workload& workload, const Mapping& mapping,
                          EvaluationWorkspace& ws) {
  EvaluationResult result;
  evaluate_into(arch, workload, mapping, true, result, ws);
  return result;
}

void evaluate_cost(const Architecture& arch, const Workload& workload, const Mapping& mapping, EvaluationResult& out,
                   EvaluationWorkspace& ws) {
  evaluate_into(arch, workload, mapping, false, out, ws);
}

}  // namespace qloop
