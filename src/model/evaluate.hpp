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

// What a search needs of a candidate, into a result it reuses: validity (with the short
// rejection kind), the summary, and per storage level its energy, cycles and kept tensors'
// counts. Names, energy sources, network stats and the long rejection message are left out.
// Every number it does fill is the one evaluate() gives.
void evaluate_cost(const Architecture& arch, const Workload& workload, const Mapping& mapping, EvaluationResult& out);

}  // namespace qloop
