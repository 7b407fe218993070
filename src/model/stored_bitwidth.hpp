#pragma once
// Which width a tensor has where it is stored: its own bitwidth, except that a read-write
// tensor (Outputs) still being reduced at a level is held at the partial-sum width.

#include <optional>

#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace qloop {

// True when some loop that reduces into `level` (a temporal loop at this level or above, or
// a spatial loop above it) runs over a dimension the tensor does not depend on: values held
// there are partial sums, not final outputs.
bool holds_partial_sums(const Workload& workload, const Mapping& mapping, int level, DataSpaceId ds);

// nullopt = as wide as the memory word (no bitwidth given).
std::optional<int> stored_bitwidth(const Workload& workload, const Mapping& mapping, int level, DataSpaceId ds);

}  // namespace qloop
