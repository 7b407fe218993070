#include "search/bounds.hpp"

#include <cmath>

#include "model/compute_cost.hpp"
#include "model/packing.hpp"

namespace qloop {

double lower_bound(const Architecture& arch, const Workload& workload, Metric metric) {
  double computes = static_cast<double>(workload.total_operations());
  auto compute = compute_cost(arch.arithmetic, workload);
  double energy = computes * compute.energy_per_compute_pJ;
  double cycles = std::ceil(computes * compute.cycles_per_compute / static_cast<double>(arch.arithmetic.instances));
  int outer = arch.num_storage_levels() - 1;
  double outer_words = 0;
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    bool read_write = workload.data_spaces[ds].read_write;
    // Every element crosses the outermost level at least once.
    double size = 1;
    for (const auto& rank : workload.data_spaces[ds].projection) {
      double span = 1;
      for (const auto& term : rank) {
        span += static_cast<double>(workload.dimension_bounds[term.dimension] - 1) *
                std::abs(static_cast<double>(workload.coefficient(term.coefficient)));
      }
      size *= span;
    }
    const auto& spec = arch.storage[outer];
    auto packing = pack(workload.bitwidths[ds], spec.word_bits);
    outer_words += std::ceil(size / packing.operands_per_word);
    // Only this: an operand can stay at a compute unit while the loops around it leave it
    // unchanged (the model charges no access then), so the operations do not bound the
    // accesses of any level below.
    double per_word = (read_write ? spec.energy.update_pJ : spec.energy.read_pJ) / static_cast<double>(spec.block_size);
    energy += size / packing.operands_per_word * per_word;
  }
  switch (metric) {
    case Metric::kEnergy: return energy;
    case Metric::kDelay: return cycles;
    case Metric::kEdp: return energy * cycles;
    case Metric::kLastLevelAccesses: return outer_words;
  }
  return 0;
}

TilingBound::TilingBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric)
    : space_(space), metric_(metric), energy_(lower_bound(arch, workload, Metric::kEnergy)),
      cycles_per_compute_(compute_cost(arch.arithmetic, workload).cycles_per_compute) {}

bool TilingBound::informative() const { return metric_ == Metric::kDelay || metric_ == Metric::kEdp; }

double TilingBound::operator()(const std::vector<std::uint32_t>& tiling) const {
  // Each compute unit in use performs every temporal iteration: the model's compute cycles,
  // which the mapping's cycles can only exceed (bandwidth), whatever the orders and bypass.
  double iterations = 1;
  const auto& slots = space_.slots();
  for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
    if (slots[slot].spatial) continue;
    for (DimensionId dim = 0; dim < static_cast<DimensionId>(tiling.size()); ++dim) {
      iterations *= static_cast<double>(space_.factor(tiling, dim, slot));
    }
  }
  double cycles = std::ceil(iterations * cycles_per_compute_);
  switch (metric_) {
    case Metric::kDelay: return cycles;
    case Metric::kEdp: return energy_ * cycles;
    default: return 0;
  }
}

}  // namespace qloop
