#include "mapping/loop_nest.hpp"

namespace qloop {

LoopNest build_loop_nest(const Mapping& mapping, const Workload& workload) {
  LoopNest nest;
  build_loop_nest(mapping, workload, nest);
  return nest;
}

void build_loop_nest(const Mapping& mapping, const Workload& workload, LoopNest& nest) {
  nest.loops.clear();
  nest.storage_boundaries.clear();
  nest.storage_level_of_loop.clear();
  int num_levels = static_cast<int>(mapping.levels.size());
  for (int level = 0; level < num_levels; ++level) {
    const auto& m = mapping.levels[level];
    for (int position = 0; position < static_cast<int>(m.spatial_permutation.size()); ++position) {
      auto dim = m.spatial_permutation[position];
      if (m.spatial_factors[dim] <= 1) continue;
      auto kind = position < m.spatial_split ? LoopKind::kSpatialX : LoopKind::kSpatialY;
      nest.loops.push_back({dim, m.spatial_factors[dim], kind});
      nest.storage_level_of_loop.push_back(level);
    }
    bool any_temporal = false;
    for (auto dim : m.temporal_permutation) {
      if (m.temporal_factors[dim] <= 1) continue;
      nest.loops.push_back({dim, m.temporal_factors[dim], LoopKind::kTemporal});
      nest.storage_level_of_loop.push_back(level);
      any_temporal = true;
    }
    if (!any_temporal) {
      // A placeholder loop marks the level's boundary (Timeloop uses the last dimension).
      nest.loops.push_back({workload.num_dimensions() - 1, 1, LoopKind::kTemporal});
      nest.storage_level_of_loop.push_back(level);
    }
    nest.storage_boundaries.push_back(static_cast<int>(nest.loops.size()) - 1);
  }
}

}  // namespace qloop
