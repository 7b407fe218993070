#include "arch/architecture.hpp"

#include <algorithm>
#include <cmath>

namespace qloop {

const char* to_string(EnergySource source) {
  switch (source) {
    case EnergySource::kErt:
      return "ERT";
    case EnergySource::kEstimated:
      return "estimated";
  }
  return "?";
}

double StorageLevelSpec::most_instances_per_cluster() const {
  auto all = static_cast<double>(instances);
  double clusters = static_cast<double>(instances / std::max<std::int64_t>(cluster_size, 1));
  return all / std::max(1.0, std::min(all, clusters));
}

std::optional<std::int64_t> StorageLevelSpec::effective_size_words() const {
  if (!size_words) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(static_cast<double>(*size_words) / multiple_buffering));
}

namespace {
struct ChildShape {
  std::int64_t instances, mesh_x, mesh_y;
};
ChildShape child_of(const Architecture& arch, int level) {
  if (level == 0) return {arch.arithmetic.instances, arch.arithmetic.mesh_x, arch.arithmetic.mesh_y};
  const auto& child = arch.storage[level - 1];
  return {child.instances, child.mesh_x, child.mesh_y};
}
}  // namespace

bool Architecture::has_sparse_optimizations() const {
  if (arithmetic.gate_on_zero_operand || arithmetic.skip_on_not_aligned_operands) return true;
  for (const auto& level : storage) {
    if (!level.sparsity.empty()) return true;
  }
  return false;
}

std::int64_t Architecture::fanout(int level) const {
  return child_of(*this, level).instances / storage[level].instances;
}

std::int64_t Architecture::fanout_x(int level) const { return child_of(*this, level).mesh_x / storage[level].mesh_x; }

std::int64_t Architecture::fanout_y(int level) const { return child_of(*this, level).mesh_y / storage[level].mesh_y; }

int Architecture::find_storage_level(const std::string& name) const {
  for (int i = 0; i < num_storage_levels(); ++i) {
    if (storage[i].name == name) return i;
  }
  return -1;
}

}  // namespace qloop
