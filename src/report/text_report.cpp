#include "report/text_report.hpp"

#include <fmt/format.h>

#include "mapping/loop_nest.hpp"
#include "report/sparse_text.hpp"

namespace qloop::report {

std::string map_text(const Architecture& arch, const Workload& workload, const Mapping& mapping) {
  auto nest = build_loop_nest(mapping, workload);
  std::string out;
  int depth = 0;
  for (int level = arch.num_storage_levels() - 1; level >= 0; --level) {
    std::string kept;
    for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
      if (mapping.levels[level].keep[ds]) kept += (kept.empty() ? "" : ", ") + workload.data_spaces[ds].name;
    }
    out += fmt::format("{}[{}] keeps: {}\n", std::string(depth * 2, ' '), arch.storage[level].name, kept);
    for (int i = static_cast<int>(nest.loops.size()) - 1; i >= 0; --i) {
      if (nest.storage_level_of_loop[i] != level || nest.loops[i].end <= 1) continue;
      const auto& loop = nest.loops[i];
      const char* kind =
          loop.kind == LoopKind::kTemporal ? "for" : (loop.kind == LoopKind::kSpatialX ? "par-for(X)" : "par-for(Y)");
      out += fmt::format("{}{} {} in [0:{})\n", std::string(depth * 2 + 2, ' '), kind,
                         workload.dimension_names[loop.dimension], loop.end);
      ++depth;
    }
  }
  out += fmt::format("{}<< compute: {} >>\n", std::string(depth * 2 + 2, ' '), arch.arithmetic.name);
  return out;
}

std::string summary_text(const EvaluationResult& r) {
  if (!r.valid) return fmt::format("invalid mapping: {}\n", r.reason);
  std::string out = fmt::format(
      "Energy: {:.2f} pJ ({:.4f} pJ/compute)  Cycles: {}  Computes: {}  Utilization: {:.2f}%\n", r.summary.energy_pJ,
      r.summary.pJ_per_compute, r.summary.cycles, r.summary.computes, r.summary.utilization * 100);
  out += fmt::format("  {:<16} {:>14.2f} pJ  {:>8.4f} pJ/compute\n", r.arithmetic.name, r.arithmetic.energy_pJ,
                     r.arithmetic.energy_pJ / std::max<double>(1, r.summary.computes));
  bool estimated = r.arithmetic.energy_source == "estimated";
  for (const auto& level : r.storage) {
    out += fmt::format("  {:<16} {:>14.2f} pJ  {:>8.4f} pJ/compute\n", level.name, level.energy_pJ,
                       level.energy_pJ / std::max<double>(1, r.summary.computes));
    estimated = estimated || level.energy_source == "estimated";
  }
  if (estimated) out += "  (energies without an ERT entry come from the built-in estimator; see docs/energy.md)\n";
  if (r.arithmetic.sparse) {
    out += fmt::format("  Algorithmic computes: {} ({:.4f} pJ per algorithmic compute)\n",
                       r.summary.algorithmic_computes, r.summary.pJ_per_algorithmic_compute);
  }
  if (r.summary.leakage_pJ > 0) {
    out += fmt::format("  Leakage (the ERT's `leak`, apart from the energy above): {:.2f} pJ\n", r.summary.leakage_pJ);
  }
  return out;
}

std::string stats_text(const EvaluationResult& r, const Architecture& arch, const Workload& workload,
                       const Mapping& mapping) {
  std::string out = "qloop model statistics\n======================\n\n";
  if (!r.valid) return out + summary_text(r);
  out += r.rules == CountingRules::kTimeloopV4
             ? "Counting rules: Timeloop v4's (a v0.4 input; docs/compatibility.md)\n\n"
             : "Counting rules: the quantization fork's (docs/compatibility.md)\n\n";
  const auto& a = r.arithmetic;
  out += fmt::format(
      "Compute: {}\n  Instances              : {}\n  Utilized instances     : {}\n"
      "  Computes               : {}\n  Cycles                 : {} ({} per compute)\n"
      "  Energy per compute     : {:.4f} pJ ({})\n  Energy (total)         : {:.2f} pJ\n\n",
      a.name, a.instances, a.utilized_instances, a.computes, a.cycles, a.cycles_per_compute, a.energy_per_compute_pJ,
      a.energy_source + (arch.arithmetic.estimate_model.empty() || a.energy_source != "estimated"
                             ? std::string()
                             : ": " + arch.arithmetic.estimate_model),
      a.energy_pJ);
  if (a.sparse) out += "Compute (sparse)\n" + sparse_compute_text(*a.sparse) + "\n";
  for (std::size_t i = 0; i < r.storage.size(); ++i) {
    const auto& level = r.storage[i];
    const auto& spec = arch.storage[i];
    out += fmt::format(
        "Level {}: {} ({})\n  Instances {}  word bits {}  block size {}  capacity {} words  energy source {}\n"
        "  Cycles {}  bandwidth throttling {:.2f}\n",
        level.level, level.name, spec.component_class, spec.instances, spec.word_bits, spec.block_size,
        spec.size_words ? fmt::format("{}", *spec.size_words) : std::string("unbounded"),
        level.energy_source + (spec.estimate_model.empty() || level.energy_source != "estimated"
                                   ? std::string()
                                   : " (" + spec.estimate_model + ")"),
        level.cycles, level.bandwidth_throttling);
    for (const auto& t : level.tensors) {
      out += fmt::format("  {}:\n", t.tensor);
      out += fmt::format("    Bitwidth                : {}\n", t.bitwidth > 0 ? fmt::format("{}", t.bitwidth) : "word");
      out += fmt::format("    Operands per word       : {}\n", t.operands_per_word);
      out += fmt::format("    Wasted bits per word    : {}\n", t.wasted_bits_per_word);
      out += fmt::format("    Wasted bits in tile     : {}\n", t.wasted_bits_in_tile);
      out +=
          fmt::format("    Utilized capacity       : {} words ({} operands)\n", t.utilized_capacity, t.tile_operands);
      out += fmt::format("    Utilized instances      : {}\n", t.utilized_instances);
      out += fmt::format("    Reads (per-instance)    : {}\n", t.reads);
      out += fmt::format("    Fills (per-instance)    : {}\n", t.fills);
      out += fmt::format("    Updates (per-instance)  : {}\n", t.updates);
      out += fmt::format("    Temporal reductions     : {}\n", t.temporal_reductions);
      out += fmt::format("    Energy (total)          : {:.2f} pJ\n", t.energy_pJ);
      if (t.sparse) out += sparse_tensor_text(*t.sparse, t.energy_pJ);
    }
    out += fmt::format("  Energy (level total)      : {:.2f} pJ\n\n", level.energy_pJ);
  }
  out += "Networks\n--------\n";
  for (const auto& net : r.networks) {
    out += fmt::format("{}\n", net.name);
    for (const auto& t : net.tensors) {
      out += fmt::format("  {:<10} fanout {:>4}  multicast {:>4}  ingresses {:>14.2f}  spatial reductions {}\n",
                         t.tensor, t.fanout, t.multicast_factor, t.ingresses, t.spatial_reductions);
    }
  }
  out += "\nLoop nest\n---------\n" + map_text(arch, workload, mapping) + "\nSummary\n-------\n" + summary_text(r);
  return out;
}

}  // namespace qloop::report
