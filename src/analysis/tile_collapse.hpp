#pragma once
// Folds the per-loop results of the nest analysis into per-storage-level, per-tensor
// counts (in operands, before any bit-packing): tile size, reads, fills, updates and
// temporal reductions per instance, and what the level sends to its children.

#include <cstdint>
#include <memory>
#include <vector>

#include "analysis/nest_analysis.hpp"
#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"

namespace qloop {

struct LevelTensorCounts {
  bool kept = true;
  std::uint64_t tile_size = 0;       // operands held per instance
  std::uint64_t partition_size = 0;  // distinct operands across the instances sharing a parent
  std::uint64_t instances = 1;       // instances holding a tile
  // Per instance, in whole operands as the reference stores them (integer fields): reads,
  // updates and reductions rounded, fills truncated (a child's share of its parent's
  // accesses is an average over the children: 10 accesses among 3 children fill 3 each).
  std::uint64_t reads = 0, fills = 0, updates = 0, temporal_reductions = 0;
  AccessStats to_children;  // served to the next-inner level (network view)
  std::uint64_t fanout = 1;
  std::uint64_t link_transfers = 0;
};

// [storage level][data space]
using CollapsedTiles = std::vector<std::vector<LevelTensorCounts>>;

// The working copy collapse reuses from one call to the next. One per thread.
class CollapseScratch {
 public:
  CollapseScratch();
  ~CollapseScratch();
  CollapseScratch(CollapseScratch&&) noexcept;
  CollapseScratch& operator=(CollapseScratch&&) noexcept;
  struct State;  // tile_collapse.cpp
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

CollapsedTiles collapse_tiles(const NestAnalysisResult& analysis, const LoopNest& nest, const Mapping& mapping,
                              const Workload& workload, CountingRules rules = CountingRules::kQuantizationFork);
// The same into `out`, reusing its buffers and the scratch.
void collapse_tiles(const NestAnalysisResult& analysis, const LoopNest& nest, const Mapping& mapping,
                    const Workload& workload, CollapsedTiles& out, CollapseScratch& scratch,
                    CountingRules rules = CountingRules::kQuantizationFork);

}  // namespace qloop
