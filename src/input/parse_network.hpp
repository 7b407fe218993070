#pragma once
// A whole network (workloads/*.yaml): its layers in order, with their shapes.

#include "input/node_reader.hpp"
#include "workload/layer.hpp"

namespace qloop::input {

// `network: {name, source, published_macs, layers: [...]}`; every layer is checked
// (positive sizes, channels divisible by groups, a kernel that fits the padded input).
Network parse_network(const NodeReader& network);

// Reads one network file.
Network load_network_file(const std::string& path);

}  // namespace qloop::input
