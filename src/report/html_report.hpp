#pragma once
// report.html: one self-contained page per command (no scripts or resources from elsewhere)
// with the summary, the per-layer table and the charts as inline SVG.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "network/explore.hpp"
#include "network/map_network.hpp"

namespace qloop::report {

std::string network_html(const NetworkResult& result, const Architecture& arch);
std::string sweep_html(const std::vector<NetworkResult>& runs, const Architecture& arch);
// From explore.json (network_report.hpp's explore_json, or the Python API's result, which may add the measured
// `baseline_accuracy`): the candidates and the front, the bitwidths along the front as a heat
// map, and the front's table.
std::string explore_html(const nlohmann::ordered_json& explore);

}  // namespace qloop::report
