#include "workload/workload.hpp"

namespace qloop {

DimensionId Workload::find_dimension(const std::string& name) const {
  for (int i = 0; i < num_dimensions(); ++i) {
    if (dimension_names[i] == name) return i;
  }
  return -1;
}

DataSpaceId Workload::find_data_space(const std::string& name) const {
  for (int i = 0; i < num_data_spaces(); ++i) {
    if (data_spaces[i].name == name) return i;
  }
  return -1;
}

std::uint64_t Workload::total_operations() const {
  std::uint64_t total = 1;
  for (auto bound : dimension_bounds) total *= static_cast<std::uint64_t>(bound);
  return total;
}

}  // namespace qloop
