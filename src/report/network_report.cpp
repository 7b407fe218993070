#include "report/network_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/bits_text.hpp"
#include "report/mapping_yaml.hpp"
#include "report/rejection_text.hpp"

namespace qloop::report {

namespace {

using nlohmann::ordered_json;

ordered_json bits_json(const LayerBitwidths& b) {
  auto value = [](int bits) { return bits > 0 ? ordered_json(bits) : ordered_json("word"); };
  ordered_json out = {{"Weights", value(b.weights)}, {"Inputs", value(b.inputs)}, {"Outputs", value(b.outputs)}};
  if (b.weight_scales.group > 0) {
    out["weights_per_scale"] = b.weight_scales.group;
    out["scale_bits"] = b.weight_scales.bits;
  }
  return out;
}

// A text in a CSV cell: quoted, its quotes doubled.
std::string csv_field(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

ordered_json shares_json(const std::vector<EnergyShare>& shares) {
  ordered_json out = ordered_json::object();
  for (const auto& s : shares) out[s.name] = s.energy_pJ;
  return out;
}

// With Sparseloop's model: the densities, the computes before and after gating and skipping,
// and the storage energy split into data, metadata and gated/skipped accesses.
ordered_json sparse_layer_json(const LayerSpec& l, const EvaluationResult& stats) {
  const auto& c = *stats.arithmetic.sparse;
  double metadata = 0, saved = 0, storage = 0;
  for (const auto& level : stats.storage) {
    for (const auto& t : level.tensors) {
      storage += t.energy_pJ;
      if (!t.sparse) continue;
      metadata += t.sparse->metadata_energy_pJ;
      saved += t.sparse->gated_skipped_energy_pJ;
    }
  }
  return {
      {"densities",
       {{"Weights", l.densities.weights.density},
        {"Inputs", l.densities.inputs.density},
        {"Outputs", l.densities.outputs.density}}},
      {"algorithmic_computes", c.algorithmic},
      {"actual_computes", c.actual},
      {"gated_computes", c.gated},
      {"skipped_computes", c.skipped},
      {"storage_energy_pJ", {{"data", storage - metadata - saved}, {"metadata", metadata}, {"gated_skipped", saved}}}};
}

ordered_json layer_json(const LayerResult& layer, const Architecture& arch) {
  const auto& l = layer.layer;
  ordered_json out = {{"name", l.name},   {"type", to_string(l.kind)},     {"bitwidths", bits_json(layer.bits)},
                      {"macs", l.macs()}, {"valid", layer.mapping->found}, {"reused", layer.reused}};
  if (!layer.mapping->found) {
    out["reason"] = missing_mapping_reason(layer, arch);
    return out;
  }
  const auto& stats = layer.mapping->stats;
  out["energy_pJ"] = stats.summary.energy_pJ;
  out["cycles"] = stats.summary.cycles;
  out["utilization"] = stats.summary.utilization;
  ordered_json per_level = {{stats.arithmetic.name, stats.arithmetic.energy_pJ}};
  for (const auto& level : stats.storage) per_level[level.name] = level.energy_pJ;
  out["energy_pJ_per_level"] = per_level;
  if (stats.arithmetic.sparse) out["sparse"] = sparse_layer_json(l, stats);
  out["optimal"] = layer.mapping->report.optimal;
  out["gap"] = layer.mapping->report.gap;
  out["warm_started"] = layer.mapping->warm_started;
  out["mapping"] = mapping_yaml(arch, layer_workload(l, layer.bits), layer.mapping->mapping);
  return out;
}

}  // namespace

ordered_json network_json(const NetworkResult& r, const Architecture& arch) {
  ordered_json out;
  out["network"] = r.network;
  out["bitwidths"] = r.label;
  out["complete"] = r.complete;
  out["totals"] = {{"energy_pJ", r.energy_pJ},
                   {"cycles", r.cycles},
                   {"computes", r.computes},
                   {"edp_pJ_cycles", r.edp},
                   {"energy_pJ_per_component", shares_json(r.energy_by_component)},
                   {"energy_pJ_per_tensor", shares_json(r.energy_by_tensor)},
                   {"energy_pJ_per_class", shares_json(r.energy_by_class)},
                   {"weight_bytes", r.weight_bytes},
                   {"kv_bytes", r.kv_bytes},
                   {"peak_activation_bytes", r.peak_activation_bytes}};
  out["search"] = {{"distinct_layer_jobs", r.distinct_jobs}, {"mapped_now", r.mapped_jobs}, {"seconds", r.seconds}};
  out["layers"] = ordered_json::array();
  for (const auto& layer : r.layers) out["layers"].push_back(layer_json(layer, arch));
  return out;
}

std::string network_csv(const NetworkResult& r, const Architecture& arch) {
  std::string out = "layer,type,Weights,Inputs,Outputs,macs,energy_pJ,cycles";
  for (const auto& share : r.energy_by_component) out += ",energy_pJ." + share.name;
  out += ",search,reason\n";
  for (const auto& layer : r.layers) {
    const auto& l = layer.layer;
    out += fmt::format("{},{},{},{},{},{}", l.name, to_string(l.kind), weight_bits_text(layer.bits),
                       bits_text(layer.bits.inputs), bits_text(layer.bits.outputs), l.macs());
    if (!layer.mapping->found) {
      out += ",,";
      for (std::size_t i = 0; i < r.energy_by_component.size(); ++i) out += ",";
      out += ",," + csv_field(missing_mapping_reason(layer, arch)) + "\n";
      continue;
    }
    const auto& stats = layer.mapping->stats;
    out += fmt::format(",{},{},{}", stats.summary.energy_pJ, stats.summary.cycles, stats.arithmetic.energy_pJ);
    for (const auto& level : stats.storage) out += fmt::format(",{}", level.energy_pJ);
    out += "," + mapping_result_text(*layer.mapping) + ",\n";
  }
  return out;
}

std::string mapping_result_text(const LayerMapping& mapping) {
  if (mapping.source == LayerMappingSource::kPool) return "best of pool";
  if (mapping.report.optimal) return "optimal";
  return fmt::format("gap {:.0f}%", 100 * mapping.report.gap);
}

std::string missing_mapping_reason(const LayerResult& layer, const Architecture& arch) {
  const auto& m = *layer.mapping;
  switch (m.source) {
    case LayerMappingSource::kPool:
      return "no mapping of the pool is valid at these bitwidths";
    case LayerMappingSource::kRemote:
      return "no valid mapping (searched by the remote runner)";
    case LayerMappingSource::kSearch:
      break;
  }
  if (m.report.stopped_by == StopReason::kInterrupted) return "not finished: the run was interrupted";
  const Rejection* most = nullptr;
  std::uint64_t count = 0;
  for (const auto& [rejection, n] : m.report.rejected) {
    if (n > count) most = &rejection, count = n;
  }
  if (!most) return "no valid mapping";
  return "no valid mapping; most rejections: " + describe(*most, arch, layer_workload(layer.layer, layer.bits));
}

std::string network_summary_text(const NetworkResult& r, const Architecture& arch) {
  std::string out =
      fmt::format("{} ({}): {} layers, {} distinct layer jobs ({} mapped now) in {:.1f} s\n", r.network,
                  r.label.empty() ? "native" : r.label, r.layers.size(), r.distinct_jobs, r.mapped_jobs, r.seconds);
  out += fmt::format("{:<16} {:>7} {:>7} {:>7} {:>14} {:>14} {:>12}\n", "layer", "W", "I", "O", "MACs", "energy_uJ",
                     "cycles");
  for (const auto& layer : r.layers) {
    const auto& l = layer.layer;
    if (!layer.mapping->found) {
      out += fmt::format("{:<16} {:>7} {:>7} {:>7} {:>14} {}\n", l.name, weight_bits_text(layer.bits),
                         bits_text(layer.bits.inputs), bits_text(layer.bits.outputs), l.macs(),
                         missing_mapping_reason(layer, arch));
      continue;
    }
    const auto& s = layer.mapping->stats.summary;
    out +=
        fmt::format("{:<16} {:>7} {:>7} {:>7} {:>14} {:>14.3f} {:>12}\n", l.name, weight_bits_text(layer.bits),
                    bits_text(layer.bits.inputs), bits_text(layer.bits.outputs), l.macs(), s.energy_pJ / 1e6, s.cycles);
  }
  out += fmt::format("total: {:.3f} uJ, {} cycles, {} MACs{}\n", r.energy_pJ / 1e6, r.cycles, r.computes,
                     r.complete ? "" : " (INCOMPLETE: some layers have no valid mapping)");
  out += "energy per component:";
  for (const auto& share : r.energy_by_component) {
    out += fmt::format("  {} {:.1f}%", share.name, r.energy_pJ > 0 ? 100 * share.energy_pJ / r.energy_pJ : 0.0);
  }
  out += fmt::format("\nfootprint: weights {:.1f} KiB, peak activations {:.1f} KiB", r.weight_bytes / 1024,
                     r.peak_activation_bytes / 1024);
  out += r.kv_bytes > 0 ? fmt::format(", KV cache {:.1f} KiB\n", r.kv_bytes / 1024) : "\n";
  return out;
}

std::string sweep_csv(const std::vector<NetworkResult>& runs) {
  if (runs.empty()) return "config,energy_pJ,cycles,edp\n";
  std::string out = "config,energy_pJ,cycles,edp";
  for (const auto& share : runs.front().energy_by_component) out += ",energy_pJ." + share.name;
  out += ",energy_pJ.weights,energy_pJ.activations,energy_pJ.kv,weight_bytes,kv_bytes,peak_activation_bytes,complete\n";
  for (const auto& r : runs) {
    out += fmt::format("{},{},{},{}", r.label, r.energy_pJ, r.cycles, r.edp);
    for (const auto& share : r.energy_by_component) out += fmt::format(",{}", share.energy_pJ);
    for (const auto& share : r.energy_by_class) out += fmt::format(",{}", share.energy_pJ);
    out +=
        fmt::format(",{},{},{},{}\n", r.weight_bytes, r.kv_bytes, r.peak_activation_bytes, r.complete ? "yes" : "no");
  }
  return out;
}

std::string sweep_summary_text(const std::vector<NetworkResult>& runs) {
  if (runs.empty()) return "";
  std::string out = fmt::format("{:<14} {:>14} {:>14} {:>9}", "config", "energy_uJ", "cycles", "vs first");
  for (const auto& share : runs.front().energy_by_component) out += fmt::format(" {:>14}", share.name);
  out += "\n";
  double first = runs.front().energy_pJ;
  for (const auto& r : runs) {
    out += fmt::format("{:<14} {:>14.3f} {:>14} {:>8.1f}%", r.label, r.energy_pJ / 1e6, r.cycles,
                       first > 0 ? 100 * (r.energy_pJ - first) / first : 0.0);
    for (const auto& share : r.energy_by_component) out += fmt::format(" {:>14.3f}", share.energy_pJ / 1e6);
    out += r.complete ? "\n" : "  (incomplete)\n";
  }
  return out;
}

namespace {

ordered_json candidate_json(const ExploreCandidate& c, const Network& net, const ExploreSettings& settings) {
  ordered_json out;
  for (std::size_t i = 0; i < settings.objectives.size(); ++i) out[to_string(settings.objectives[i])] = c.objectives[i];
  out["energy_pJ"] = c.energy_pJ;
  out["cycles"] = c.cycles;
  out["memory_bytes"] = c.memory_bytes;
  out["accuracy_loss"] = c.accuracy_loss;
  out["complete"] = c.complete;
  ordered_json layers = ordered_json::object();
  for (std::size_t i = 0; i < net.layers.size(); ++i) layers[net.layers[i].name] = bits_json(c.bits[i]);
  out["bitwidths"] = layers;
  return out;
}

}  // namespace

std::string pareto_csv(const ExploreResult& result, const Network& net, const ExploreSettings& settings) {
  (void)settings;  // the objectives are among the columns; explore.json names them
  std::string out = "energy_pJ,cycles,edp,memory_bytes,accuracy_loss";
  for (const auto& layer : net.layers) out += fmt::format(",{0}.W,{0}.I", layer.name);
  out += "\n";
  for (const auto& c : result.front) {
    out += fmt::format("{},{},{},{},{}", c.energy_pJ, c.cycles, c.energy_pJ * static_cast<double>(c.cycles),
                       c.memory_bytes, c.accuracy_loss);
    for (const auto& bits : c.bits) out += fmt::format(",{},{}", bits.weights, bits.inputs);
    out += "\n";
  }
  return out;
}

ordered_json explore_json(const ExploreResult& result, const Network& net, const ExploreSettings& settings) {
  ordered_json out;
  out["network"] = net.name;
  out["objectives"] = ordered_json::array();
  for (auto objective : settings.objectives) out["objectives"].push_back(to_string(objective));
  out["settings"] = {{"bit_choices", settings.bit_choices},
                     {"population", settings.population},
                     {"offspring", settings.offspring},
                     {"generations", settings.generations},
                     {"seed", settings.seed},
                     {"exact_mapping", settings.exact_mapping}};
  out["search"] = {
      {"candidates", result.evaluated.size()}, {"layer_jobs", result.layer_jobs}, {"seconds", result.seconds}};
  out["front"] = ordered_json::array();
  for (const auto& c : result.front) out["front"].push_back(candidate_json(c, net, settings));
  out["evaluated"] = ordered_json::array();
  for (const auto& c : result.evaluated) out["evaluated"].push_back(candidate_json(c, net, settings));
  return out;
}

std::string explore_summary_text(const ExploreResult& result, const ExploreSettings& settings) {
  std::string out = fmt::format("{} candidates, {} distinct layer jobs, {:.1f} s; Pareto front of {} points\n",
                                result.evaluated.size(), result.layer_jobs, result.seconds, result.front.size());
  if (result.front.empty()) return out;
  // The front's extent: for each objective, the point that is best in it (the whole front is
  // in pareto.csv and explore.json).
  out += fmt::format("{:<24}", "best in");
  for (auto objective : settings.objectives) out += fmt::format("{:>16}", to_string(objective));
  out += "\n";
  for (std::size_t k = 0; k < settings.objectives.size(); ++k) {
    auto best = std::min_element(result.front.begin(), result.front.end(),
                                 [k](const auto& a, const auto& b) { return a.objectives[k] < b.objectives[k]; });
    out += fmt::format("{:<24}", to_string(settings.objectives[k]));
    for (double v : best->objectives) out += fmt::format("{:>16.6g}", v);
    out += "\n";
  }
  return out;
}

}  // namespace qloop::report
