#include "model/packed_tile.hpp"

#include <algorithm>

namespace qloop {

StorageTensorStats packed_tile_stats(const StorageLevelSpec& spec, const Workload& workload, int ds,
                                     std::optional<int> width, std::uint64_t operands, bool details) {
  auto packing = pack(width, spec.word_bits, workload.scales_of(ds));
  StorageTensorStats t;
  if (details) t.tensor = workload.data_spaces[ds].name;
  t.bitwidth = width.value_or(0);
  t.operands_per_word = packing.operands_per_word;
  t.wasted_bits_per_word = packing.wasted_bits_per_word;
  t.tile_operands = operands;
  t.utilized_capacity = words_for(operands, packing);
  auto bits = static_cast<std::uint64_t>(t.bitwidth > 0 ? t.bitwidth : spec.word_bits);
  // The words' bits less the operands' and their group scales'.
  t.wasted_bits_in_tile = t.utilized_capacity * static_cast<std::uint64_t>(spec.word_bits) - operands * bits -
                          ceil_div(operands, std::max<std::uint64_t>(packing.scale_group, 1)) *
                              static_cast<std::uint64_t>(packing.scale_bits);
  return t;
}

}  // namespace qloop
