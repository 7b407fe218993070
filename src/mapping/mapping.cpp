#include "mapping/mapping.hpp"

namespace qloop {

namespace {

// Spreads `e` by the spatial loops of one level.
void spread(const LevelMapping& m, MeshExpansion& e) {
  for (int position = 0; position < static_cast<int>(m.spatial_permutation.size()); ++position) {
    auto factor = m.spatial_factors[m.spatial_permutation[position]];
    (position < m.spatial_split ? e.x : e.y) *= factor;
  }
}

}  // namespace

void mesh_expansions(const Mapping& mapping, std::vector<MeshExpansion>& out) {
  int num_levels = static_cast<int>(mapping.levels.size());
  out.assign(num_levels + 1, MeshExpansion{});
  for (int level = num_levels - 2; level >= -1; --level) {
    out[level + 1] = out[level + 2];
    spread(mapping.levels[level + 1], out[level + 1]);
  }
}

}  // namespace qloop
