#include "search/parallelism_bound.hpp"

#include <algorithm>
#include <cstdint>

namespace qloop {

ParallelismBound::ParallelismBound(const Architecture& arch, const Workload& workload, const Mapspace& space)
    : arch_(arch), dims_(workload.num_dimensions()) {
  spatial_ok_.assign(arch.num_storage_levels(), std::vector<char>(dims_, 0));
  const auto& slots = space.slots();
  for (DimensionId d = 0; d < dims_; ++d) {
    for (const auto& option : space.factor_options()[d]) {
      for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
        if (slots[slot].spatial && option[slot] > 1) spatial_ok_[slots[slot].level][d] = 1;
      }
    }
  }
}

double ParallelismBound::largest_divisor(const std::array<double, kMaxDimensions>& left, int level, double cap) const {
  double product = 1;
  for (DimensionId d = 0; d < dims_; ++d) {
    if (spatial_ok_[level][d]) product *= left[d];
  }
  if (product <= cap) return product;
  // The product modulo k, factor by factor (the product itself may not fit in an integer).
  for (auto k = static_cast<std::uint64_t>(cap); k > 1; --k) {
    std::uint64_t rest = 1 % k;
    for (DimensionId d = 0; d < dims_ && rest != 0; ++d) {
      if (spatial_ok_[level][d]) rest = rest * (static_cast<std::uint64_t>(left[d]) % k) % k;
    }
    if (rest == 0) return static_cast<double>(k);
  }
  return 1;
}

double ParallelismBound::most(const std::array<double, kMaxDimensions>& left, int below) const {
  double units = 1;
  for (int level = 0; level < below; ++level) {
    auto fanout = static_cast<double>(arch_.fanout(level));
    if (fanout <= 1) continue;
    double whole = largest_divisor(left, level, fanout);
    double by_axis = largest_divisor(left, level, static_cast<double>(arch_.fanout_x(level))) *
                     largest_divisor(left, level, static_cast<double>(arch_.fanout_y(level)));
    units *= std::min(whole, by_axis);
  }
  // Per dimension, its spatial factors multiply to a divisor of what is left of it, within the
  // fanouts of the levels that may split it: a dimension only one small fanout may split (or
  // none) bounds the whole however large the others are.
  double by_dimension = 1;
  for (DimensionId d = 0; d < dims_; ++d) {
    double room = 1;
    for (int level = 0; level < below; ++level) {
      if (spatial_ok_[level][d]) room *= static_cast<double>(arch_.fanout(level));
    }
    by_dimension *= std::min(left[d], room);
  }
  return std::min(units, by_dimension);
}

}  // namespace qloop
