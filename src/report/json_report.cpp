#include "report/json_report.hpp"

namespace qloop::report {

using nlohmann::ordered_json;

namespace {

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
  out["storage"] = ordered_json::array();
  for (const auto& level : r.storage) out["storage"].push_back(storage_json(level));
  out["networks"] = ordered_json::array();
  for (const auto& net : r.networks) out["networks"].push_back(network_json(net));
  return out;
}

}  // namespace qloop::report
