#include "mapping/mapping.hpp"

namespace qloop {

MeshExpansion mesh_expansion(const Mapping& mapping, int level) {
  MeshExpansion e;
  for (int l = level + 1; l < static_cast<int>(mapping.levels.size()); ++l) {
    const auto& m = mapping.levels[l];
    for (int position = 0; position < static_cast<int>(m.spatial_permutation.size()); ++position) {
      auto factor = m.spatial_factors[m.spatial_permutation[position]];
      (position < m.spatial_split ? e.x : e.y) *= factor;
    }
  }
  return e;
}

}  // namespace qloop
