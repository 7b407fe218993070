#pragma once
// Why a mapping cannot run on the hardware: a value (kind, storage level, tensor) that the
// model, the mapspace's precheck and the mapper's counts share. Text is made only where it
// is shown (report/rejection_text.hpp).

#include <compare>
#include <cstdint>
#include <optional>

namespace qloop {

enum class RejectionKind : std::uint8_t {
  kFanout,              // the spatial factors at `level` spread over more instances (or mesh) than there are
  kCapacity,            // the tiles kept at `level` need more words than it holds
  kBitwidth,            // `tensor`'s operands are wider than `level`'s word
  kLevelUtilization,    // the tiles kept at `level` fill less of it than its min_utilization
  kComputeUtilization,  // fewer compute units in use than the constraints' minimum utilization
  kFormat,              // a compressed format at `level` cannot hold the mapped tile (ranks, (de)compression)
};
inline constexpr int kNumRejectionKinds = 6;

struct Rejection {
  RejectionKind kind = RejectionKind::kCapacity;
  int level = 0;    // storage level, innermost 0 (kFanout: the level whose spatial factors; 0 also
                    // for the fan-out into the compute units; kComputeUtilization: 0)
  int tensor = -1;  // data space at fault (kBitwidth), -1 otherwise
  auto operator<=>(const Rejection&) const = default;
};

// "fanout", "capacity", "bitwidth", "level-utilization", "compute-utilization": the kind's
// name where rejections travel as data (JSON), and back.
const char* to_string(RejectionKind kind);
std::optional<RejectionKind> rejection_kind_from_name(const char* name);

}  // namespace qloop
