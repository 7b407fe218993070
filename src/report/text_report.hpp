#pragma once
// Human-readable reports: qloop.stats.txt, qloop.map.txt and the short stdout summary.

#include <string>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "model/stats.hpp"
#include "workload/workload.hpp"

namespace qloop::report {

std::string stats_text(const EvaluationResult& result, const Architecture& arch, const Workload& workload,
                       const Mapping& mapping);
// The loop nest, outermost loop first.
std::string map_text(const Architecture& arch, const Workload& workload, const Mapping& mapping);
std::string summary_text(const EvaluationResult& result);

}  // namespace qloop::report
