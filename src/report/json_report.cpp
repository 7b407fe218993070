#include "report/json_report.hpp"

#include <fmt/format.h>

#include <cmath>

namespace qloop::report {

using nlohmann::ordered_json;

namespace {

// A list of [rank, metadata, payload], outermost rank first; 0 when it moves no bits.
ordered_json ranks_json(const std::vector<RankCount>& ranks) {
  if (ranks.empty()) return 0;
  ordered_json list = ordered_json::array();
  for (const auto& r : ranks) list.push_back({r.rank, r.metadata, r.payload});
  return list;
}

// Sparseloop's counts beside the dense fields (which then hold the actual counts).
void add_sparse_json(const SparseTensorStats& s, ordered_json& out) {
  static const char* kAccess[] = {"reads", "fills", "updates"};
  static const char* kOutcome[] = {"actual", "gated", "skipped"};
  for (int a = 0; a < 3; ++a) {
    out[fmt::format("algorithmic_{}", kAccess[a])] = s.accesses[a].algorithmic;
    out[fmt::format("actual_{}", kAccess[a])] = s.accesses[a].actual;
    out[fmt::format("gated_{}", kAccess[a])] = s.accesses[a].gated;
    out[fmt::format("skipped_{}", kAccess[a])] = s.accesses[a].skipped;
  }
  if (s.representation_format != "none") {
    for (int o = 0; o < 3; ++o) {
      for (int a = 0; a < 3; ++a) {
        out[fmt::format("{}_format_{}", kOutcome[o], kAccess[a])] = ranks_json(s.format[o][a]);
      }
    }
    ordered_json capacity = ordered_json::array();
    for (const auto& r : s.format_capacity) capacity.push_back({r.rank, r.metadata, r.payload});
    out["format_capacity"] = capacity;
  }
  out["partition_size"] = s.partition_size;
  out["data_tile_shape"] = s.data_tile_shape;
  out["tile_density_distribution"] = s.density_distribution;
  out["representation_format"] = s.representation_format;
  // As the reference prints it (two decimals), which the conformance schema compares; the
  // unrounded value beside it.
  out["utilized_instances_average"] = std::round(s.utilized_instances_average * 100) / 100;
  out["utilized_instances_average_exact"] = s.utilized_instances_average;
  out["metadata_energy_pJ"] = s.metadata_energy_pJ;
  out["gated_skipped_energy_pJ"] = s.gated_skipped_energy_pJ;
}

ordered_json storage_json(const StorageLevelStats& level) {
  ordered_json tensors = ordered_json::object();
  for (const auto& t : level.tensors) {
    tensors[t.tensor] = {
        {"utilized_capacity", t.utilized_capacity},
        {"utilized_instances", t.utilized_instances},
        {"reads", t.reads},
        {"fills", t.fills},
        {"updates", t.updates},
        {"temporal_reductions", t.temporal_reductions},
        {"bitwidth", t.bitwidth},
        {"operands_per_word", t.operands_per_word},
        {"wasted_bits_per_word", t.wasted_bits_per_word},
        {"wasted_bits_in_tile", t.wasted_bits_in_tile},
        {"tile_operands", t.tile_operands},
        {"energy_pJ", t.energy_pJ},
    };
    if (t.sparse) add_sparse_json(*t.sparse, tensors[t.tensor]);
  }
  return {{"name", level.name},
          {"level", level.level},
          {"tensors", tensors},
          {"energy_pJ", level.energy_pJ},
          {"leakage_pJ", level.leakage_pJ},
          {"cycles", level.cycles},
          {"bandwidth_throttling", level.bandwidth_throttling},
          {"energy_source", level.energy_source},
          {"area_um2", level.area_um2},
          {"area_source", level.area_source}};
}

ordered_json network_json(const NetworkStats& net) {
  ordered_json tensors = ordered_json::object();
  for (const auto& t : net.tensors) {
    tensors[t.tensor] = {{"fanout", t.fanout},
                         {"multicast_factor", t.multicast_factor},
                         {"ingresses", t.ingresses},
                         {"spatial_reductions", t.spatial_reductions},
                         {"link_transfers", t.link_transfers},
                         {"energy_pJ", t.energy_pJ}};
  }
  return {{"name", net.name}, {"tensors", tensors}};
}

}  // namespace

ordered_json to_json(const EvaluationResult& r) {
  ordered_json out;
  out["valid"] = r.valid;
  if (!r.valid) {
    out["reason"] = r.reason;
    return out;
  }
  out["summary"] = {{"energy_pJ", r.summary.energy_pJ},
                    {"cycles", r.summary.cycles},
                    {"computes", r.summary.computes},
                    {"utilization", r.summary.utilization},
                    {"pJ_per_compute", r.summary.pJ_per_compute},
                    {"area_um2", r.summary.area_um2},
                    {"leakage_pJ", r.summary.leakage_pJ}};
  out["counting_rules"] = r.rules == CountingRules::kTimeloopV4 ? "timeloop-v4" : "quantization-fork";
  const auto& a = r.arithmetic;
  out["arithmetic"] = {{"name", a.name},
                       {"instances", a.instances},
                       {"utilized_instances", a.utilized_instances},
                       {"computes", a.computes},
                       {"cycles", a.cycles},
                       {"cycles_per_compute", a.cycles_per_compute},
                       {"energy_pJ", a.energy_pJ},
                       {"energy_per_compute_pJ", a.energy_per_compute_pJ},
                       {"energy_source", a.energy_source},
                       {"area_um2", a.area_um2},
                       {"area_source", a.area_source}};
  if (a.sparse) {
    auto& arith = out["arithmetic"];
    arith["algorithmic_computes"] = a.sparse->algorithmic;
    arith["actual_computes"] = a.sparse->actual;
    arith["gated_computes"] = a.sparse->gated;
    arith["skipped_computes"] = a.sparse->skipped;
    arith["utilized_instances_average"] = a.sparse->utilized_instances_average;
    out["summary"]["algorithmic_computes"] = r.summary.algorithmic_computes;
    out["summary"]["pJ_per_algorithmic_compute"] = r.summary.pJ_per_algorithmic_compute;
    // As the reference's stats print it (two decimals), for comparisons with its text output.
    out["summary"]["pJ_per_algorithmic_compute_printed"] = std::round(r.summary.pJ_per_algorithmic_compute * 100) / 100;
  }
  out["storage"] = ordered_json::array();
  for (const auto& level : r.storage) out["storage"].push_back(storage_json(level));
  out["networks"] = ordered_json::array();
  for (const auto& net : r.networks) out["networks"].push_back(network_json(net));
  return out;
}

}  // namespace qloop::report
