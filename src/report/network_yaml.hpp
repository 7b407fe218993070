#pragma once
// A network (e.g. imported from ONNX) in the workloads/*.yaml form, and a bitwidth plan in the
// form `--bits plan.yaml` reads.

#include <map>
#include <string>

#include "network/bitwidth_plan.hpp"
#include "workload/layer.hpp"

namespace qloop::report {

// `skipped` (operator -> count) is listed in a comment at the top.
std::string network_yaml(const Network& net, const std::map<std::string, int>& skipped);
std::string bitwidth_plan_yaml(const BitwidthPlan& plan);

}  // namespace qloop::report
