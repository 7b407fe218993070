#pragma once
// Per-layer quantization sensitivity for explore's accuracy proxy, from a CSV file:
//   layer,Weights,Inputs        (non-negative numbers; layers not listed weigh 1)
// Layer names must exist in the network.

#include <map>
#include <string>

#include "network/explore.hpp"

namespace qloop::input {

std::map<std::string, LayerSensitivity> load_sensitivity_csv(const std::string& path, const Network& net);

}  // namespace qloop::input
