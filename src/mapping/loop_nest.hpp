#pragma once
// The flattened loop nest a mapping describes, innermost loop first, with the position of
// each storage level's outermost loop. Loops of extent 1 are dropped (they change nothing),
// except that every storage level keeps at least one loop so it has a boundary.

#include <cstdint>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"

namespace qloop {

enum class LoopKind { kTemporal, kSpatialX, kSpatialY };

struct Loop {
  DimensionId dimension = 0;
  std::int64_t end = 1;
  LoopKind kind = LoopKind::kTemporal;
  bool is_spatial() const { return kind != LoopKind::kTemporal; }
};

struct LoopNest {
  std::vector<Loop> loops;                 // innermost first
  std::vector<int> storage_boundaries;     // per storage level: index of its outermost loop
  std::vector<int> storage_level_of_loop;  // per loop
};

LoopNest build_loop_nest(const Mapping& mapping, const Workload& workload);
// The same into `nest`, reusing its buffers.
void build_loop_nest(const Mapping& mapping, const Workload& workload, LoopNest& nest);

}  // namespace qloop
