#pragma once
// Evaluates one mapping of one workload on one architecture: the nest analysis, the
// per-level counts, bit-packing, capacity and fanout checks, energy, cycles and area.

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "model/stats.hpp"
#include "workload/workload.hpp"

namespace qloop {

// An invalid mapping is a result with valid = false and a reason, never an exception.
EvaluationResult evaluate(const Architecture& arch, const Workload& workload, const Mapping& mapping);

}  // namespace qloop
