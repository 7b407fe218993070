#pragma once
// The one rule for whether the tiles a storage level keeps fit it, used by the model and by
// the mapspace's precheck alike (a precheck must never refuse what the model accepts): each
// kept tensor, at its stored width (stored_bitwidth.hpp), fits the word; their packed words
// fit the level's effective capacity, and fill at least its minimum utilization.

#include <cstdint>
#include <optional>

#include "arch/architecture.hpp"
#include "model/rejection.hpp"
#include "workload/workload.hpp"

namespace qloop {

// Words one kept tile of `operands` takes, packed, with its group scales if any; nullopt when
// the operands are wider than the word.
std::optional<std::uint64_t> kept_tile_words(std::uint64_t operands, std::optional<int> bitwidth, int word_bits,
                                             GroupScales scales);

// kCapacity when the kept tiles' `words` exceed the level's capacity. Keeping fewer tensors
// never needs more words, so a search may rule out a tiling on this alone.
std::optional<Rejection> capacity_rejection(const StorageLevelSpec& spec, int level, std::uint64_t words);

// kLevelUtilization when they fill less than the level's min_utilization.
std::optional<Rejection> utilization_rejection(const StorageLevelSpec& spec, int level, std::uint64_t words);

}  // namespace qloop
