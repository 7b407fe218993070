#include "sparse/complete_nest.hpp"

namespace qloop::sparse {

Box CompleteNest::below(int level) const {
  for (int l = level - 1; l >= 0; --l) {
    if (!tiles[l].empty()) return tiles[l].back();
  }
  // No loop below: a single point.
  std::size_t dims = 0;
  for (const auto& t : tiles) {
    if (!t.empty()) dims = t.front().size();
  }
  return Box(dims, 1);
}

CompleteNest complete_nest(const Architecture& arch, const Workload& workload, const Mapping& mapping) {
  CompleteNest nest;
  int levels = static_cast<int>(mapping.levels.size());
  nest.levels.resize(levels);
  nest.tiles.resize(levels);
  Box box(workload.num_dimensions(), 1);
  for (int level = 0; level < levels; ++level) {
    const auto& m = mapping.levels[level];
    auto& loops = nest.levels[level];
    // A level has spatial loops only where it fans out (Timeloop's spatial tiling levels).
    if (level < arch.num_storage_levels() && arch.fanout(level) > 1) {
      for (int position = 0; position < static_cast<int>(m.spatial_permutation.size()); ++position) {
        auto d = m.spatial_permutation[position];
        loops.push_back({d, m.spatial_factors[d], true, position < m.spatial_split});
      }
    }
    for (auto d : m.temporal_permutation) loops.push_back({d, m.temporal_factors[d], false, false});
    for (const auto& loop : loops) {
      box[loop.dimension] *= loop.bound;
      nest.tiles[level].push_back(box);
    }
  }
  return nest;
}

bool indexes(const Workload& workload, DataSpaceId ds, DimensionId d) {
  for (const auto& rank : workload.data_spaces[ds].projection) {
    for (const auto& term : rank) {
      if (term.dimension == d) return true;
    }
  }
  return false;
}

std::uint64_t projected_points(const Workload& workload, DataSpaceId ds, const Box& box) {
  std::uint64_t points = 1;
  for (const auto& rank : workload.data_spaces[ds].projection) {
    std::int64_t extent = 1;
    for (const auto& term : rank) extent += workload.coefficient(term.coefficient) * (box[term.dimension] - 1);
    points *= static_cast<std::uint64_t>(extent);
  }
  return points;
}

}  // namespace qloop::sparse
