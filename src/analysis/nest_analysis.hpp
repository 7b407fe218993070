#pragma once
// The nest analysis: per loop and tensor, the tile (working set) and the data the next-outer
// storage level must supply, as Timeloop's nest analysis computes them. Two implementations
// give the same results: walk_nest walks the nest the way Timeloop does (at every loop the
// tile of each tensor and its delta against the previous iteration; uniform loops extrapolated
// from their first two iterations, spatial instances from the first one: 2^k steps for k
// non-unit temporal loops), and the closed form of visit_sequence.hpp folds those same steps
// in time linear in k. analyze_nest uses the closed form and falls back to the walk.
//
// The results are per loop, per tensor; tile_collapse.hpp folds them into per-level counts.

#include <cstdint>
#include <memory>
#include <vector>

#include "analysis/access_stats.hpp"
#include "arch/architecture.hpp"
#include "mapping/loop_nest.hpp"
#include "workload/workload.hpp"

namespace qloop {

// What one loop (a temporal loop, or the outermost loop of a spatial group) sees of a tensor.
struct LoopTile {
  std::uint64_t size = 0;            // largest tile at this loop, in operands
  AccessStats accesses;              // data supplied to the next-inner level, per instance
  std::uint64_t link_transfers = 0;  // data forwarded between neighbouring instances
  std::uint64_t replication = 1;     // instances of this loop's level
  std::uint64_t fanout = 1;          // children per instance (spatial loops only)
  bool on_storage_boundary = false;
  bool master_spatial = false;
};

struct NestAnalysisResult {
  std::vector<std::vector<LoopTile>> tiles;  // [data space][loop], non-master spatial loops left out
  double compute_cycles = 0;                 // operations per compute instance
  std::uint64_t compute_instances = 1;       // compute units in use
};

class ClosedFormScratch;

// What the walk reuses from one call to the next (its buffers). One per thread.
class WalkScratch {
 public:
  WalkScratch();
  ~WalkScratch();
  WalkScratch(WalkScratch&&) noexcept;
  WalkScratch& operator=(WalkScratch&&) noexcept;
  struct State;  // nest_analysis.cpp
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

// The per-loop results: in closed form where it applies (visit_sequence.hpp), by walking the
// nest otherwise.
NestAnalysisResult analyze_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch);
// The same into `out`, reusing its buffers and the scratch (the mapper's inner loop). With
// `keeps` (the mapping the nest came from), what tile collapse overwrites is not worked out:
// the deltas of a tile its level bypasses, sent to a temporal loop (collapse replaces them
// with what the level's children consume). Those hold a placeholder of one access instead.
void analyze_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch, NestAnalysisResult& out,
                  ClosedFormScratch& closed_form, WalkScratch& walk, const Mapping* keeps = nullptr);

// The walk itself, which the closed form must agree with exactly (tests compare the two).
NestAnalysisResult walk_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch);
NestAnalysisResult walk_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch,
                             WalkScratch& scratch);

}  // namespace qloop
