#include "estimate/arithmetic.hpp"

#include <cmath>

#include "estimate/technology.hpp"

namespace qloop::estimate {

namespace {

// M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014,
// 45 nm, 0.9 V: 8-bit integer multiply 0.2 pJ / 282 um^2, 8-bit add 0.03 pJ / 36 um^2.
// 32-bit: multiply 3.1 pJ / 3495 um^2, add 0.1 pJ / 137 um^2, which the product-of-widths
// and linear-in-width forms below reproduce within 3 % (multiply) and 20 % (add).
constexpr double kIntMultiply8x8_pJ = 0.2;
constexpr double kIntMultiply8x8_um2 = 282;
constexpr double kIntAdd8_pJ = 0.03;
constexpr double kIntAdd8_um2 = 36;
// Same source: fp16 multiply 1.1 pJ / 1640 um^2, add 0.4 pJ / 1360 um^2; fp32 multiply
// 3.7 pJ / 7700 um^2, add 0.9 pJ / 4184 um^2. Other widths: power law through both points.
struct FpPoint {
  double fp16, fp32;
};
constexpr FpPoint kFpMultiply_pJ{1.1, 3.7};
constexpr FpPoint kFpMultiply_um2{1640, 7700};
constexpr FpPoint kFpAdd_pJ{0.4, 0.9};
constexpr FpPoint kFpAdd_um2{1360, 4184};
// Y. S. Shao et al., "Aladdin", ISCA 2014: 40 nm standard-cell characterisation, one
// register bit 0.009 pJ per write, 5.98 um^2.
constexpr double kRegisterNode_nm = 40;
constexpr double kRegisterBit_pJ = 0.009;
constexpr double kRegisterBit_um2 = 5.98;

double power_law(FpPoint p, int bits) {
  double exponent = std::log(p.fp32 / p.fp16) / std::log(2.0);
  return p.fp16 * std::pow(bits / 16.0, exponent);
}

EnergyArea at_node(double energy_45nm, double area_45nm, double node_nm) {
  return {scale_energy(energy_45nm, kReferenceNode_nm, node_nm), scale_area(area_45nm, kReferenceNode_nm, node_nm)};
}

EnergyArea operator+(EnergyArea a, EnergyArea b) { return {a.energy_pJ + b.energy_pJ, a.area_um2 + b.area_um2}; }

}  // namespace

EnergyArea int_multiplier(const std::vector<int>& operand_bits, double node_nm) {
  double product = 1;
  for (int bits : operand_bits) product *= bits / 8.0;
  return at_node(kIntMultiply8x8_pJ * product, kIntMultiply8x8_um2 * product, node_nm);
}

EnergyArea int_adder(int bits, double node_nm) {
  return at_node(kIntAdd8_pJ * bits / 8.0, kIntAdd8_um2 * bits / 8.0, node_nm);
}

EnergyArea fp_multiplier(int bits, double node_nm) {
  return at_node(power_law(kFpMultiply_pJ, bits), power_law(kFpMultiply_um2, bits), node_nm);
}

EnergyArea fp_adder(int bits, double node_nm) {
  return at_node(power_law(kFpAdd_pJ, bits), power_law(kFpAdd_um2, bits), node_nm);
}

EnergyArea register_bits(int bits, double node_nm) {
  return {scale_energy(kRegisterBit_pJ * bits, kRegisterNode_nm, node_nm),
          scale_area(kRegisterBit_um2 * bits, kRegisterNode_nm, node_nm)};
}

EnergyArea int_mac(const std::vector<int>& operand_bits, double node_nm) {
  int accumulator_bits = 0;
  for (int bits : operand_bits) accumulator_bits += bits;
  return int_multiplier(operand_bits, node_nm) + int_adder(accumulator_bits, node_nm) +
         register_bits(2 * accumulator_bits, node_nm);
}

EnergyArea fp_mac(int bits, double node_nm) {
  // Operands and accumulator in the same format: two operand registers and one accumulator.
  return fp_multiplier(bits, node_nm) + fp_adder(bits, node_nm) + register_bits(3 * bits, node_nm);
}

}  // namespace qloop::estimate
