#pragma once
// Sparseloop's spatial skipping (docs/sparsity.md): below a level whose tiles of a tensor are
// known empty from its metadata, the instances that would work on an empty tile are not
// used. It lowers the instances in use (at most and on average) of every level below, and
// the share of the target's accesses that reach them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/tile_collapse.hpp"
#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "sparse/complete_nest.hpp"
#include "sparse/density_model.hpp"
#include "sparse/representation.hpp"
#include "workload/workload.hpp"

namespace qloop::sparse {

struct SpatialSkipping {
  // [storage level][data space]: a spatial skipping of the tensor is specified here, and the
  // share of its accesses below that it saves.
  std::vector<std::vector<bool>> applied;
  std::vector<std::vector<double>> probability;
  // [storage level][data space]: instances in use at most (X, Y) and on average.
  std::vector<std::vector<std::uint64_t>> max_x, max_y;
  std::vector<std::vector<double>> average_instances;
  std::uint64_t compute_max_x = 1, compute_max_y = 1;
  double compute_average_instances = 1;
  std::optional<std::string> failure;  // a fan-out the skipping needs but the hardware lacks
  int failure_level = -1;
};

struct SpatialInputs {
  const Architecture& arch;
  const Workload& workload;
  const CompleteNest& nest;
  const CollapsedTiles& tiles;
  const std::vector<DensityModel>& models;
  const RepresentationAnalysis& representation;
  const std::vector<MeshExpansion>& expansions;  // [level + 1]; [0] the compute units
  std::uint64_t compute_instances = 1;
};

// Whether any level asks for spatial skipping.
bool has_spatial_skipping(const Architecture& arch);

SpatialSkipping analyze_spatial_skipping(const SpatialInputs& in);

}  // namespace qloop::sparse
