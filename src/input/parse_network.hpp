#pragma once
// A whole network (workloads/*.yaml): its layers in order, with their shapes.

#include "input/expression.hpp"
#include "input/node_reader.hpp"
#include "workload/layer.hpp"

namespace qloop::input {

// `network: {name, source, published_macs, variables, layers: [...]}`; every layer is
// checked (positive sizes, channels divisible by groups, a kernel that fits the padded input).
// Sizes may be expressions over the variables (`seq * batch`); `overrides` (--set) replace
// their values. An attention entry becomes its two products (`<name>.scores`,
// `<name>.context`).
Network parse_network(const NodeReader& network, const Variables& overrides = {});

// Reads one network file.
Network load_network_file(const std::string& path, const Variables& overrides = {});

}  // namespace qloop::input
