#include "model/stored_bitwidth.hpp"

namespace qloop {

namespace {
bool depends_on(const DataSpaceShape& space, DimensionId dim) {
  for (const auto& rank : space.projection) {
    for (const auto& term : rank) {
      if (term.dimension == dim) return true;
    }
  }
  return false;
}
}  // namespace

bool holds_partial_sums(const Workload& workload, const Mapping& mapping, int level, DataSpaceId ds) {
  const auto& space = workload.data_spaces[ds];
  if (!space.read_write) return false;
  for (int l = level; l < static_cast<int>(mapping.levels.size()); ++l) {
    const auto& m = mapping.levels[l];
    for (DimensionId dim = 0; dim < workload.num_dimensions(); ++dim) {
      if (depends_on(space, dim)) continue;
      if (m.temporal_factors[dim] > 1) return true;
      if (l > level && m.spatial_factors[dim] > 1) return true;
    }
  }
  return false;
}

std::optional<int> stored_bitwidth(const Workload& workload, const Mapping& mapping, int level, DataSpaceId ds) {
  if (workload.partial_sum_bitwidth && holds_partial_sums(workload, mapping, level, ds)) {
    return workload.partial_sum_bitwidth;
  }
  return workload.bitwidths[ds];
}

}  // namespace qloop
