#include "model/rejection.hpp"

#include <cstring>

namespace qloop {

const char* to_string(RejectionKind kind) {
  switch (kind) {
    case RejectionKind::kFanout:
      return "fanout";
    case RejectionKind::kCapacity:
      return "capacity";
    case RejectionKind::kBitwidth:
      return "bitwidth";
    case RejectionKind::kLevelUtilization:
      return "level-utilization";
    case RejectionKind::kComputeUtilization:
      return "compute-utilization";
    case RejectionKind::kFormat:
      return "format";
  }
  return "?";
}

std::optional<RejectionKind> rejection_kind_from_name(const char* name) {
  for (int k = 0; k < kNumRejectionKinds; ++k) {
    auto kind = static_cast<RejectionKind>(k);
    if (std::strcmp(name, to_string(kind)) == 0) return kind;
  }
  return std::nullopt;
}

}  // namespace qloop
