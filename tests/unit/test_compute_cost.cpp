// Bitwidth-aware compute: energy scaling and bit-serial units, checked against hand values.
#include <gtest/gtest.h>

#include "model/compute_cost.hpp"
#include "model_fixture.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

// The estimator's MAC at 45 nm, by hand: multiplier 0.2 pJ x (b1 b2 / 64), adder
// 0.03 pJ x (acc / 8) with acc = b1 + b2, and 2 x acc register bits (operands and
// accumulator) at Aladdin's 0.009 pJ/bit (40 nm), i.e. 0.009 / 0.86596 pJ at 45 nm (the
// 40 nm energy factor, log-log between Stillmaker-Baas 45 nm = 1 and 32 nm = 0.6593).
constexpr double kRegisterBit45_pJ = 0.009 / 0.86596;
double hand_mac_45nm(int b1, int b2) {
  int acc = b1 + b2;
  return 0.2 * b1 * b2 / 64.0 + 0.03 * acc / 8.0 + 2 * acc * kRegisterBit45_pJ;
}

ArithmeticSpec int_mac_unit(int word_bits) {
  ArithmeticSpec unit;
  unit.name = "MACC";
  unit.word_bits = word_bits;
  return unit;
}

TEST(ComputeCost, nominal_width_operands_cost_the_table_energy) {
  EXPECT_DOUBLE_EQ(bitwidth_energy_factor(int_mac_unit(8), {8, 8}), 1.0);
  EXPECT_DOUBLE_EQ(bitwidth_energy_factor(int_mac_unit(16), {16, 16}), 1.0);
}

TEST(ComputeCost, four_bit_operands_scale_multiplier_adder_and_registers) {
  // (0.05 + 0.03 + 16 r) / (0.2 + 0.06 + 32 r) = 0.24629 / 0.59258
  EXPECT_NEAR(bitwidth_energy_factor(int_mac_unit(8), {4, 4}), 0.41562, 1e-4);
  EXPECT_NEAR(bitwidth_energy_factor(int_mac_unit(8), {4, 4}), hand_mac_45nm(4, 4) / hand_mac_45nm(8, 8), 1e-4);
}

TEST(ComputeCost, three_bit_weights_with_eight_bit_inputs) {
  // (0.075 + 0.04125 + 22 r) / 0.59258 = 0.34490 / 0.59258
  EXPECT_NEAR(bitwidth_energy_factor(int_mac_unit(8), {8, 3}), 0.58203, 1e-4);
}

TEST(ComputeCost, energy_grows_with_operand_width) {
  double previous = 0;
  for (int bits = 1; bits <= 16; ++bits) {
    double factor = bitwidth_energy_factor(int_mac_unit(16), {bits, bits});
    EXPECT_GT(factor, previous);
    previous = factor;
  }
}

std::string one_level_arch(const std::string& mac_attributes) {
  return "architecture:\n"
         "  version: 0.3\n"
         "  subtree:\n"
         "  - name: System\n"
         "    local:\n"
         "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
         "    - {name: MACC, class: intmac, attributes: {datawidth: 8" +
         mac_attributes + "}}\n";
}

const std::string kAllInBuffer = "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n";

TEST(ComputeCost, without_energy_scaling_bitwidths_leave_the_mac_unchanged) {
  auto problem = conv1d_problem(3, 16, 1, ", commonBitwidth: 4");
  auto r = evaluate_yaml({one_level_arch(""), problem, kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(r.arithmetic.energy_pJ, 48 * 0.5);
}

TEST(ComputeCost, energy_scaling_bitwidth_scales_every_mac) {
  auto problem = conv1d_problem(3, 16, 1, ", commonBitwidth: 4");
  auto r = evaluate_yaml({one_level_arch(", energy_scaling: bitwidth"), problem, kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_NEAR(r.arithmetic.energy_pJ, 48 * 0.5 * 0.41562, 1e-2);
}

TEST(ComputeCost, bit_serial_weights_take_one_cycle_per_weight_bit) {
  auto problem = conv1d_problem(3, 16, 1, ", bitwidths: {Weights: 4}");
  auto r = evaluate_yaml({one_level_arch(", bit_serial: weights"), problem, kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(r.arithmetic.cycles_per_compute, 4.0);
  EXPECT_EQ(r.arithmetic.cycles, 48u * 4u);
  EXPECT_EQ(r.summary.cycles, 48u * 4u);
  EXPECT_DOUBLE_EQ(r.arithmetic.energy_pJ, 48 * 4 * 0.5);  // the table's energy is per cycle
}

TEST(ComputeCost, bit_serial_both_operands_multiplies_their_widths) {
  auto problem = conv1d_problem(3, 16, 1, ", bitwidths: {Weights: 2, Inputs: 3}");
  auto r = evaluate_yaml({one_level_arch(", bit_serial: both"), problem, kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(r.arithmetic.cycles_per_compute, 6.0);
}

TEST(ComputeCost, bit_serial_operand_without_bitwidth_uses_the_unit_width) {
  auto r =
      evaluate_yaml({one_level_arch(", bit_serial: inputs"), conv1d_problem(3, 16), kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(r.arithmetic.cycles_per_compute, 8.0);
}

TEST(ComputeCost, unknown_bit_serial_mode_is_an_input_error) {
  EXPECT_THROW(load_yaml({one_level_arch(", bit_serial: activations"), conv1d_problem(3, 16), kAllInBuffer}),
               InputError);
}

// Outputs are partial sums in the Buffer (R, a reduction loop, runs there) and final in
// MainMemory (only P loops above it).
TEST(ComputeCost, partial_sums_are_stored_at_the_accumulator_width_until_final) {
  auto problem = conv1d_problem(3, 16, 1, ", bitwidths: {Outputs: 8}, partial_sum_bitwidth: 16");
  auto map =
      "mapping:\n"
      "- {target: MainMemory, type: temporal, factors: P=4, permutation: PR}\n"
      "- {target: Buffer, type: temporal, factors: R=3 P=4, permutation: RP}\n";
  auto r = evaluate_yaml({two_level_arch(1024, 1, 16), problem, map, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").bitwidth, 16);
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").operands_per_word, 1);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Outputs").bitwidth, 8);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Outputs").operands_per_word, 2);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Outputs").updates, 8u);  // 16 final outputs, 2 per word
}

}  // namespace
}  // namespace qloop::testing
