#include "report/rejection_text.hpp"

#include <fmt/format.h>

namespace qloop::report {

namespace {

std::string level_name(int level, const Architecture& arch) {
  if (level >= 0 && level < arch.num_storage_levels()) return arch.storage[level].name;
  return fmt::format("level {}", level);
}

}  // namespace

std::string describe(const Rejection& r, const Architecture& arch, const Workload& workload) {
  auto level = level_name(r.level, arch);
  switch (r.kind) {
    case RejectionKind::kFanout:
      return "fanout at " + level;
    case RejectionKind::kCapacity:
      return "capacity at " + level;
    case RejectionKind::kBitwidth:
      if (r.tensor >= 0 && r.tensor < workload.num_data_spaces()) {
        return fmt::format("bitwidth of {} at {}", workload.data_spaces[r.tensor].name, level);
      }
      return "bitwidth at " + level;
    case RejectionKind::kLevelUtilization:
      return "utilization at " + level;
    case RejectionKind::kComputeUtilization:
      return "utilization below the minimum";
    case RejectionKind::kFormat:
      return "compressed format at " + level;
  }
  return "?";
}

}  // namespace qloop::report
