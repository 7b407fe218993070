#pragma once
// The part of a tensor's stats at a level that bit-packing decides: operands per word, wasted
// bits, and the words its tile of `operands` takes (the dense tile, or a compressed tile's
// nonzeros).

#include <cstdint>
#include <optional>

#include "arch/architecture.hpp"
#include "model/packing.hpp"
#include "model/stats.hpp"
#include "workload/workload.hpp"

namespace qloop {

// `details`: also the tensor's name (reports only).
StorageTensorStats packed_tile_stats(const StorageLevelSpec& spec, const Workload& workload, int ds,
                                     std::optional<int> width, std::uint64_t operands, bool details);

}  // namespace qloop
