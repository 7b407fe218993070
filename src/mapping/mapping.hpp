#pragma once
// A mapping: per storage level, the loop tiling factors, loop order, spatial distribution
// across the level's children, and which tensors the level keeps.

#include <cstdint>
#include <vector>

#include "workload/workload.hpp"

namespace qloop {

struct LevelMapping {
  std::vector<std::int64_t> temporal_factors;     // per dimension
  std::vector<DimensionId> temporal_permutation;  // innermost first, every dimension once
  std::vector<std::int64_t> spatial_factors;      // per dimension, across this level's children
  std::vector<DimensionId> spatial_permutation;   // innermost first, every dimension once
  int spatial_split = 0;                          // spatial_permutation[0..split) go along X, the rest along Y
  std::vector<bool> keep;                         // per data space: false = bypassed at this level
};

struct Mapping {
  std::vector<LevelMapping> levels;  // one per storage level, innermost first
};

// How far the spatial loops above a level spread it along the mesh.
struct MeshExpansion {
  std::int64_t x = 1;
  std::int64_t y = 1;
};

// Expansion of each storage level (its instances in use along X and Y): the product of the
// spatial factors of every level above it. out[level + 1] for every level from -1 (the
// compute units) up.
void mesh_expansions(const Mapping& mapping, std::vector<MeshExpansion>& out);

}  // namespace qloop
