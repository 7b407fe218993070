#include "search/bounds.hpp"

#include <algorithm>
#include <cmath>

#include "model/compute_cost.hpp"
#include "model/packing.hpp"

namespace qloop {

namespace {

// Words each tensor moves across the outermost level at least (packed): its whole box once.
struct CompulsoryTraffic {
  double read_words = 0;   // read-only tensors, read
  double write_words = 0;  // read-write tensors, updated
  double whole_words = 0;  // both, each tensor rounded up to whole words (last-level accesses)
  double energy_pJ = 0;
};

CompulsoryTraffic compulsory_traffic(const Architecture& arch, const Workload& workload) {
  CompulsoryTraffic out;
  const auto& spec = arch.storage.back();
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    bool read_write = workload.data_spaces[ds].read_write;
    double size = 1;
    for (const auto& rank : workload.data_spaces[ds].projection) {
      double span = 1;
      for (const auto& term : rank) {
        span += static_cast<double>(workload.dimension_bounds[term.dimension] - 1) *
                std::abs(static_cast<double>(workload.coefficient(term.coefficient)));
      }
      size *= span;
    }
    double words = size / pack(workload.bitwidths[ds], spec.word_bits).operands_per_word;
    (read_write ? out.write_words : out.read_words) += words;
    out.whole_words += std::ceil(words);
    // Nothing is counted below the outermost level: an operand can stay at a compute unit
    // while the loops around it leave it unchanged (the model charges no access then), so the
    // operations do not bound the accesses of any level.
    double per_word = (read_write ? spec.energy.update_pJ : spec.energy.read_pJ) / static_cast<double>(spec.block_size);
    out.energy_pJ += words * per_word;
  }
  return out;
}

// The outermost level moving that traffic within its bandwidths (words per cycle per
// instance): a level slower than the compute units stretches every cycle count (the model's
// throttling), so no mapping takes fewer cycles. Slightly under, for rounding.
double bandwidth_cycles(const Architecture& arch, const CompulsoryTraffic& t) {
  const auto& spec = arch.storage.back();
  double instances = static_cast<double>(spec.instances);
  double reads = t.read_words / instances, writes = t.write_words / instances;
  double cycles = 0;
  if (spec.read_bandwidth && *spec.read_bandwidth > 0) cycles = std::max(cycles, reads / *spec.read_bandwidth);
  if (spec.write_bandwidth && *spec.write_bandwidth > 0) cycles = std::max(cycles, writes / *spec.write_bandwidth);
  if (spec.shared_bandwidth && *spec.shared_bandwidth > 0) cycles = std::max(cycles, (reads + writes) / *spec.shared_bandwidth);
  return cycles * (1 - 1e-9);
}

}  // namespace

double lower_bound(const Architecture& arch, const Workload& workload, Metric metric) {
  double computes = static_cast<double>(workload.total_operations());
  auto compute = compute_cost(arch.arithmetic, workload);
  auto traffic = compulsory_traffic(arch, workload);
  double energy = computes * compute.energy_per_compute_pJ + traffic.energy_pJ;
  double cycles = std::ceil(computes * compute.cycles_per_compute / static_cast<double>(arch.arithmetic.instances));
  cycles = std::max(cycles, bandwidth_cycles(arch, traffic));
  switch (metric) {
    case Metric::kEnergy: return energy;
    case Metric::kDelay: return cycles;
    case Metric::kEdp: return energy * cycles;
    case Metric::kLastLevelAccesses: return traffic.whole_words;
  }
  return 0;
}

TilingBound::TilingBound(const Architecture& arch, const Workload& workload, const Mapspace& space, Metric metric)
    : space_(space), metric_(metric), energy_(lower_bound(arch, workload, Metric::kEnergy)),
      cycles_per_compute_(compute_cost(arch.arithmetic, workload).cycles_per_compute),
      bandwidth_cycles_(bandwidth_cycles(arch, compulsory_traffic(arch, workload))) {}

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
  double cycles = std::max(std::ceil(iterations * cycles_per_compute_), bandwidth_cycles_);
  switch (metric_) {
    case Metric::kDelay: return cycles;
    case Metric::kEdp: return energy_ * cycles;
    default: return 0;
  }
}

}  // namespace qloop
