#include "search/constraints.hpp"

namespace qloop {

Constraints Constraints::unconstrained(int num_levels, const Workload& workload) {
  Constraints c;
  c.levels.resize(num_levels);
  for (auto& level : c.levels) {
    level.temporal.factors.assign(workload.num_dimensions(), FactorConstraint{});
    level.spatial.factors.assign(workload.num_dimensions(), FactorConstraint{});
    level.keep.assign(workload.num_data_spaces(), std::nullopt);
  }
  return c;
}

}  // namespace qloop
