// Quantization through the whole model: packed capacities, counts and validity.
#include <gtest/gtest.h>

#include "model_fixture.hpp"

namespace qloop::testing {
namespace {

const std::string kTiledMapping =
    "mapping:\n"
    "- {target: MainMemory, type: temporal, factors: P=4, permutation: PR}\n"
    "- {target: Buffer, type: temporal, factors: R=3 P=4, permutation: RP}\n";

TEST(Quantization, packed_tensors_need_fewer_words_and_fewer_accesses) {
  auto problem = conv1d_problem(3, 16, 1, ", bitwidths: {Weights: 3, Inputs: 4}");
  auto r = evaluate_yaml({two_level_arch(), problem, kTiledMapping, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& w = tensor_at(r, "Buffer", "Weights");
  EXPECT_EQ(w.operands_per_word, 2);
  EXPECT_EQ(w.wasted_bits_per_word, 2);
  EXPECT_EQ(w.utilized_capacity, 2u);  // ceil(3 / 2)
  EXPECT_EQ(w.reads, 24u);             // ceil(48 / 2)
  EXPECT_EQ(w.fills, 2u);              // ceil(3 / 2)
  EXPECT_EQ(w.wasted_bits_in_tile, 2u * 8u - 3u * 3u);
  const auto& i = tensor_at(r, "Buffer", "Inputs");
  EXPECT_EQ(i.utilized_capacity, 3u);  // 6 inputs, 2 per word
  EXPECT_EQ(i.fills, 9u);              // 18 inputs, 2 per word
  // Outputs have no bitwidth: one per word, unchanged.
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").operands_per_word, 1);
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").reads, 32u);
}

TEST(Quantization, group_scales_are_stored_and_moved_beside_their_weights) {
  // 4-bit weights, two to an 8-bit word, with an 8-bit scale per group of 2 weights.
  auto inputs = load_yaml(
      {two_level_arch(), conv1d_problem(3, 16, 1, ", bitwidths: {Weights: 4}"), kTiledMapping, two_level_ert()});
  inputs.workload.scales = {GroupScales{2, 8}, {}, {}};
  auto r = evaluate(inputs.architecture, inputs.workload, inputs.mapping);
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& w = tensor_at(r, "Buffer", "Weights");
  // The 3 weights take ceil(3/2) = 2 words and their ceil(3/2) = 2 scales 2 more.
  EXPECT_EQ(w.utilized_capacity, 4u);
  EXPECT_EQ(w.fills, 4u);
  // 48 weight reads: 24 words of weights and a scale per 2 reads, 24 words of scales.
  EXPECT_EQ(w.reads, 48u);
  EXPECT_EQ(w.wasted_bits_in_tile, 4u * 8u - 3u * 4u - 2u * 8u);
  // Across the network, 3 weights: 3/2 words of weights and 3/2 of scales.
  EXPECT_DOUBLE_EQ(network_at(r, "MainMemory <==> Buffer", "Weights").ingresses, 3.0);
}

TEST(Quantization, network_transfers_are_packed) {
  auto problem = conv1d_problem(3, 16, 1, ", bitwidths: {Inputs: 4}");
  auto r = evaluate_yaml({two_level_arch(), problem, kTiledMapping, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(network_at(r, "MainMemory <==> Buffer", "Inputs").ingresses, 9.0);  // 18 inputs, 2 per word
}

TEST(Quantization, common_bitwidth_applies_to_every_tensor) {
  auto problem = conv1d_problem(3, 16, 1, ", commonBitwidth: 2");
  auto r = evaluate_yaml({two_level_arch(), problem, kTiledMapping, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  for (auto name : {"Weights", "Inputs", "Outputs"}) EXPECT_EQ(tensor_at(r, "Buffer", name).operands_per_word, 4);
}

TEST(Quantization, mapping_that_overflows_at_16_bit_weights_fits_at_4_bit) {
  // All of R=24, P=2 in a 40-word buffer: weights 24 + inputs 25 + outputs 2 = 51 words at
  // 16 bits; with 4-bit weights packed 4 per word, 6 + 25 + 2 = 33 words.
  auto map = "mapping:\n- {target: Buffer, type: temporal, factors: R=24 P=2, permutation: RP}\n";
  auto wide = evaluate_yaml({two_level_arch(40, 1, 16), conv1d_problem(24, 2), map, two_level_ert()});
  EXPECT_FALSE(wide.valid);
  auto narrow = evaluate_yaml(
      {two_level_arch(40, 1, 16), conv1d_problem(24, 2, 1, ", bitwidths: {Weights: 4}"), map, two_level_ert()});
  ASSERT_TRUE(narrow.valid) << narrow.reason;
  EXPECT_EQ(tensor_at(narrow, "Buffer", "Weights").utilized_capacity, 6u);
}

TEST(Quantization, operand_wider_than_the_word_is_invalid_with_a_reason) {
  auto problem = conv1d_problem(3, 16, 1, ", bitwidths: {Weights: 12}");
  auto r = evaluate_yaml({two_level_arch(), problem, kTiledMapping, two_level_ert()});
  EXPECT_FALSE(r.valid);
  EXPECT_NE(r.reason.find("Weights"), std::string::npos);
  EXPECT_NE(r.reason.find("12-bit"), std::string::npos);
  EXPECT_NE(r.reason.find("8-bit"), std::string::npos);
}

}  // namespace
}  // namespace qloop::testing
