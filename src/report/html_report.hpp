#pragma once
// report.html: one self-contained page per command (no scripts or resources from elsewhere)
// with the summary, the per-layer table and the charts as inline SVG.

#include <string>
#include <vector>

#include "network/explore.hpp"
#include "network/map_network.hpp"

namespace qloop::report {

std::string network_html(const NetworkResult& result, const Architecture& arch);
std::string sweep_html(const std::vector<NetworkResult>& runs, const Architecture& arch);
std::string explore_html(const ExploreResult& result, const Network& net, const ExploreSettings& settings);

}  // namespace qloop::report
