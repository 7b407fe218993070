#pragma once
// The loop nest as Sparseloop reads it: every loop of every level, those of extent 1
// included (which loops are trivial decides which tile a condition refers to), with each
// loop's cumulative tile (the operation-space box of everything up to and including it).

#include <cstdint>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace qloop::sparse {

struct NestLoop {
  DimensionId dimension = 0;
  std::int64_t bound = 1;
  bool spatial = false;
  bool along_x = false;  // a spatial loop spread along the mesh's X (else Y)
  bool trivial() const { return bound == 1; }
};

// Extents per dimension of an operation-space box from the origin.
using Box = std::vector<std::int64_t>;

struct CompleteNest {
  // Per storage level, innermost first: its spatial loops (when it fans out) then its
  // temporal loops, each level's in permutation order, innermost first.
  std::vector<std::vector<NestLoop>> levels;
  // tiles[level][i]: the box of every loop from the innermost of the nest up to levels[level][i].
  std::vector<std::vector<Box>> tiles;
  // The box below a level's first loop (the tile of the level under it; all ones at level 0).
  Box below(int level) const;
};

CompleteNest complete_nest(const Architecture& arch, const Workload& workload, const Mapping& mapping);

// Whether data space `ds` is indexed by dimension `d`.
bool indexes(const Workload& workload, DataSpaceId ds, DimensionId d);
// Points of data space `ds` a box of the operation space touches (its projection).
std::uint64_t projected_points(const Workload& workload, DataSpaceId ds, const Box& box);

}  // namespace qloop::sparse
