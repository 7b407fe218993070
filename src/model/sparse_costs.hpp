#pragma once
// Energy, capacity and bandwidth of a level from Sparseloop's counts (docs/sparsity.md):
// each actual, gated and skipped access at its own action energy, metadata in accesses of
// the metadata storage's width, bit-packing applied to data words only.

#include <cstdint>
#include <optional>

#include "analysis/tile_collapse.hpp"
#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "model/stats.hpp"
#include "sparse/sparse_analysis.hpp"
#include "workload/workload.hpp"

namespace qloop {

// One kept tensor's stats at a level, from its sparse counts.
StorageTensorStats sparse_tensor_stats(const StorageLevelSpec& spec, const LevelTensorCounts& dense,
                                       const sparse::SparseAnalysis& analysis, int level, int ds,
                                       const Workload& workload, std::optional<int> width, double instances_per_cluster,
                                       bool details);

// Words the tensor's tile takes at the level: its nonzeros when it has a format, else all.
std::optional<std::uint64_t> sparse_tile_words(const LevelTensorCounts& dense,
                                               const sparse::TensorRepresentation& representation,
                                               std::optional<int> width, int word_bits, GroupScales scales);

// Words per cycle a tensor moves at a level (reads; fills and updates), metadata included.
struct TensorTraffic {
  double read_words = 0;
  double write_words = 0;
};
TensorTraffic sparse_traffic(const StorageLevelSpec& spec, const StorageTensorStats& stats);

}  // namespace qloop
