#pragma once
// Writes a mapping in the `mapping:` form that `qloop model` (and Timeloop) read, so a
// mapper result round-trips exactly.

#include <string>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace qloop::report {

std::string mapping_yaml(const Architecture& arch, const Workload& workload, const Mapping& mapping);

}  // namespace qloop::report
