#include "model/compute_cost.hpp"

#include <cmath>
#include <stdexcept>

namespace qloop {

namespace {

// Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014, 45 nm:
// 8-bit integer multiply 0.2 pJ (32-bit: 3.1 pJ, i.e. ~quadratic in width), 8-bit add
// 0.03 pJ (32-bit: 0.1 pJ, ~linear). Used only for the *shares* of a MAC's energy.
constexpr double kMultiply8bit_pJ = 0.2;
constexpr double kAdd8bit_pJ = 0.03;

double multiplier_energy(double product_of_widths) { return kMultiply8bit_pJ * product_of_widths / 64.0; }
double adder_energy(double width) { return kAdd8bit_pJ * width / 8.0; }

int bits_of(const Workload& workload, const std::string& tensor, int fallback) {
  auto id = workload.find_data_space(tensor);
  if (id < 0) throw std::invalid_argument("bit-serial operand '" + tensor + "' is not a tensor of the workload");
  return workload.bitwidths[id].value_or(fallback);
}

}  // namespace

double bitwidth_energy_factor(const std::vector<int>& operand_bits, int nominal_bits) {
  if (operand_bits.empty()) return 1.0;
  double product = 1, sum = 0, nominal_product = 1, nominal_sum = 0;
  for (int bits : operand_bits) {
    product *= bits;
    sum += bits;
    nominal_product *= nominal_bits;
    nominal_sum += nominal_bits;
  }
  double nominal = multiplier_energy(nominal_product) + adder_energy(nominal_sum);
  return (multiplier_energy(product) + adder_energy(sum)) / nominal;
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
    cost.energy_per_compute_pJ *= bitwidth_energy_factor(operand_bitwidths(arithmetic, workload), arithmetic.word_bits);
  }
  // A bit-serial unit takes one cycle per bit of the streamed operand(s) (Stripes, MICRO 2016:
  // activations; Loom, DAC 2018: weights and activations), spending its per-cycle energy each.
  switch (arithmetic.bit_serial) {
    case BitSerial::kNone: break;
    case BitSerial::kWeights: cost.cycles_per_compute = bits_of(workload, "Weights", arithmetic.word_bits); break;
    case BitSerial::kInputs: cost.cycles_per_compute = bits_of(workload, "Inputs", arithmetic.word_bits); break;
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
