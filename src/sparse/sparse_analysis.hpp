#pragma once
// Sparseloop's sparse analysis (docs/sparsity.md): from the dense per-level counts, the
// tensors' density models, the levels' gating / skipping and the compressed formats, the
// accesses that are actually made, gated (the unit idles) or skipped (not made, no cycle),
// the metadata accesses per format rank, and the computes likewise.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/tile_collapse.hpp"
#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "sparse/density_model.hpp"
#include "sparse/representation.hpp"
#include "workload/workload.hpp"

namespace qloop::sparse {

enum Access { kRead = 0, kFill = 1, kUpdate = 2 };
enum Outcome { kActual = 0, kGated = 1, kSkipped = 2 };

struct RankAccesses {
  std::uint64_t metadata = 0;
  std::uint64_t payload = 0;
};

// One tensor at one level, per instance, in operands (before bit-packing).
struct SparseTensorCounts {
  std::array<std::uint64_t, 3> algorithmic{};                      // [access]: the dense counts
  std::array<std::array<std::uint64_t, 3>, 3> data{};              // [outcome][access]
  std::array<std::array<std::vector<RankAccesses>, 3>, 3> format;  // [outcome][access][rank]
  std::uint64_t temporal_reductions = 0;
  std::uint64_t decompressions = 0;  // operands decompressed arriving from a compressed parent
  std::uint64_t compressions = 0;    // partial sums compressed on their way up
  double utilized_instances = 0;     // on average
  std::uint64_t max_instances = 0;   // at most, when spatial skipping lowers it (0: the dense count)
};

struct SparseComputeCounts {
  std::uint64_t algorithmic = 0;
  std::array<std::uint64_t, 3> computes{};  // [outcome]
  double utilized_instances = 0;            // on average
  std::uint64_t max_instances = 0;          // at most, when spatial skipping lowers it (0: the dense count)
};

struct SparseAnalysis {
  std::vector<DensityModel> models;                     // per data space
  RepresentationAnalysis representation;                // formats per level and tensor
  std::vector<std::vector<SparseTensorCounts>> levels;  // [storage level][data space]
  SparseComputeCounts compute;
  // With spatial skipping: the instances in use along X and Y at each level ([0] the compute
  // units, [level + 1] a storage level), what the mesh must hold; empty otherwise.
  std::vector<MeshExpansion> in_use;
  std::optional<std::string> failure;  // why the mapping cannot run
  int failure_level = -1;
};

// Whether the inputs ask for Sparseloop's analysis at all (a sparse_optimizations section);
// without it the stats hold the dense counts only.
bool sparse_analysis_applies(const Architecture& arch);

void analyze_sparsity(const Architecture& arch, const Workload& workload, const Mapping& mapping,
                      const CollapsedTiles& tiles, std::uint64_t compute_instances, SparseAnalysis& out);

}  // namespace qloop::sparse
