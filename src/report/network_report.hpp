#pragma once
// Whole-network results as files: network.json / network.csv (one network run), sweep.csv
// (one row per bitwidth configuration), and the summary printed on the terminal.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "network/explore.hpp"
#include "network/map_network.hpp"

namespace qloop::report {

nlohmann::ordered_json network_json(const NetworkResult& result, const Architecture& arch);
// One row per layer: name, type, bitwidths, MACs, energy, cycles, energy per component, and
// why a layer has no mapping.
std::string network_csv(const NetworkResult& result, const Architecture& arch);
std::string network_summary_text(const NetworkResult& result, const Architecture& arch);
// Why a layer has no mapping: "no valid mapping; most rejections: capacity at GlobalBuffer".
std::string missing_mapping_reason(const LayerResult& layer, const Architecture& arch);
// How good a found mapping is known to be: "optimal" (proved), "gap 12%" (to the search's
// lower bound), or "best of pool" (explore's re-ranked mappings, not a search of its own).
std::string mapping_result_text(const LayerMapping& mapping);

// config,energy_pJ,cycles,edp,energy_pJ.<component>... (arithmetic first, storage inner -> outer)
std::string sweep_csv(const std::vector<NetworkResult>& runs);
std::string sweep_summary_text(const std::vector<NetworkResult>& runs);

// One row per front point: energy_pJ, cycles, edp, memory_bytes, accuracy_loss (the
// objectives among them), then <layer>.W and <layer>.I bits per layer.
std::string pareto_csv(const ExploreResult& result, const Network& net, const ExploreSettings& settings);
nlohmann::ordered_json explore_json(const ExploreResult& result, const Network& net, const ExploreSettings& settings);
std::string explore_summary_text(const ExploreResult& result, const ExploreSettings& settings);

}  // namespace qloop::report
