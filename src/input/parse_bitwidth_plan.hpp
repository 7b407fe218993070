#pragma once
// Per-layer bitwidths from the command line or a file:
//   "W4A8,first=W8A8"                       a shorthand with first/last-layer overrides
//   plan.yaml   bitwidths: {default: W8A8, first: W8A8, last: W8A8,
//                           layers: {conv2: {Weights: 4}, fc8: W8A8}}
//   plan.csv    layer,Weights,Inputs,Outputs   (one row per layer; empty cells keep the default)
// Layer names must exist in the network.

#include <string>

#include "network/bitwidth_plan.hpp"

namespace qloop::input {

BitwidthPlan load_bitwidth_plan(const std::string& text_or_path, const Network& net);

// True when `text_or_path` names a plan file (.yaml, .yml, .csv or inline YAML), not a shorthand.
bool is_plan_file(const std::string& text_or_path);

}  // namespace qloop::input
