#include "model/level_fit.hpp"

#include "model/packing.hpp"

namespace qloop {

std::optional<std::uint64_t> kept_tile_words(std::uint64_t operands, std::optional<int> bitwidth, int word_bits,
                                             GroupScales scales) {
  auto packing = pack(bitwidth, word_bits, scales);
  if (!packing.fits) return std::nullopt;
  return words_for(operands, packing);
}

std::optional<Rejection> capacity_rejection(const StorageLevelSpec& spec, int level, std::uint64_t words) {
  auto capacity = spec.effective_size_words();
  if (capacity && words > static_cast<std::uint64_t>(*capacity)) return Rejection{RejectionKind::kCapacity, level, -1};
  return std::nullopt;
}

std::optional<Rejection> utilization_rejection(const StorageLevelSpec& spec, int level, std::uint64_t words) {
  auto capacity = spec.effective_size_words();
  if (capacity && static_cast<double>(words) < static_cast<double>(*capacity) * spec.min_utilization) {
    return Rejection{RejectionKind::kLevelUtilization, level, -1};
  }
  return std::nullopt;
}

}  // namespace qloop
