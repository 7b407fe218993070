#include "model/compute_cost.hpp"

#include <cmath>
#include <stdexcept>

#include "estimate/estimator.hpp"

namespace qloop {

namespace {

int bits_of(const Workload& workload, const std::string& tensor, int fallback) {
  auto id = workload.find_data_space(tensor);
  if (id < 0) throw std::invalid_argument("bit-serial operand '" + tensor + "' is not a tensor of the workload");
  return workload.bitwidths[id].value_or(fallback);
}

}  // namespace

double bitwidth_energy_factor(const ArithmeticSpec& arithmetic, const std::vector<int>& operand_bits) {
  if (operand_bits.empty()) return 1.0;
  std::vector<int> nominal(operand_bits.size(), arithmetic.word_bits);
  return estimate::mac_energy_pJ(arithmetic, operand_bits) / estimate::mac_energy_pJ(arithmetic, nominal);
}

std::vector<int> operand_bitwidths(const ArithmeticSpec& arithmetic, const Workload& workload) {
  std::vector<int> bits;
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    if (!workload.data_spaces[ds].read_write) bits.push_back(workload.bitwidths[ds].value_or(arithmetic.word_bits));
  }
  return bits;
}

ComputeCost compute_cost(const ArithmeticSpec& arithmetic, const Workload& workload) {
  ComputeCost cost;
  cost.energy_per_compute_pJ = arithmetic.energy_per_compute_pJ;
  if (arithmetic.energy_scaling == EnergyScaling::kBitwidth) {
    cost.energy_per_compute_pJ *= bitwidth_energy_factor(arithmetic, operand_bitwidths(arithmetic, workload));
  }
  // A bit-serial unit takes one cycle per bit of the streamed operand(s) (Stripes, MICRO 2016:
  // activations; Loom, DAC 2018: weights and activations), spending its per-cycle energy each.
  switch (arithmetic.bit_serial) {
    case BitSerial::kNone:
      break;
    case BitSerial::kWeights:
      cost.cycles_per_compute = bits_of(workload, "Weights", arithmetic.word_bits);
      break;
    case BitSerial::kInputs:
      cost.cycles_per_compute = bits_of(workload, "Inputs", arithmetic.word_bits);
      break;
    case BitSerial::kBoth:
      cost.cycles_per_compute = static_cast<double>(bits_of(workload, "Weights", arithmetic.word_bits)) *
                                bits_of(workload, "Inputs", arithmetic.word_bits);
      break;
  }
  if (arithmetic.bit_serial != BitSerial::kNone) {
    // The table's energy is per cycle; energy scaling (if any) already applied per cycle.
    cost.energy_per_compute_pJ *= cost.cycles_per_compute;
  }
  return cost;
}

}  // namespace qloop
