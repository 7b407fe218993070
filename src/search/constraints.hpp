#pragma once
// What the user allows the mapper to choose: per storage level, fixed / minimum / maximum
// tiling factors, partial loop orders, the X/Y split of spatial loops, forced keep/bypass,
// and a minimum utilization of the compute units.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workload/workload.hpp"

namespace qloop {

struct FactorConstraint {
  std::optional<std::int64_t> exactly;  // "K=4"; "K=0" means whatever remains for K
  bool remainder = false;               // the "=0" form
  std::int64_t at_least = 1;            // "K>=2"
  std::optional<std::int64_t> at_most;  // "K<=8"
};

// Loops in `innermost` come first (inner to outer), loops in `outermost` last; the others
// may go anywhere in between. Timeloop writes this as "RS_PQ" (prefix _ suffix).
struct PermutationConstraint {
  std::vector<DimensionId> innermost;
  std::vector<DimensionId> outermost;
};

struct LevelLoopConstraints {
  std::vector<FactorConstraint> factors;  // per dimension
  PermutationConstraint permutation;
  bool constrained = false;
};

struct LevelConstraints {
  LevelLoopConstraints temporal;
  LevelLoopConstraints spatial;
  std::optional<int> spatial_split;       // dims [0, split) of the spatial order on X
  std::vector<std::optional<bool>> keep;  // per data space: forced keep (true) / bypass (false)
};

struct Constraints {
  std::vector<LevelConstraints> levels;  // per storage level, innermost first
  double min_utilization = 0;            // fraction of compute units that must be used
  std::vector<std::string> ignored;      // constraints read and ignored, as Timeloop ignores them (with where)

  static Constraints unconstrained(int num_levels, const Workload& workload);
};

}  // namespace qloop
