// Bit-packing arithmetic: operands per word and wasted bits.
#include <gtest/gtest.h>

#include "model/packing.hpp"

namespace qloop {
namespace {

TEST(Packing, operand_as_wide_as_the_word_is_stored_one_per_word) {
  auto p = pack(8, 8);
  EXPECT_TRUE(p.fits);
  EXPECT_EQ(p.operands_per_word, 1);
  EXPECT_EQ(p.wasted_bits_per_word, 0);
}

TEST(Packing, tensor_without_bitwidth_is_not_packed) {
  auto p = pack(std::nullopt, 16);
  EXPECT_EQ(p.operands_per_word, 1);
  EXPECT_EQ(p.wasted_bits_per_word, 0);
}

TEST(Packing, bitwidth_dividing_the_word_wastes_nothing) {
  auto p = pack(4, 16);
  EXPECT_EQ(p.operands_per_word, 4);
  EXPECT_EQ(p.wasted_bits_per_word, 0);
}

TEST(Packing, weights_pack_two_per_word_at_3_bits_wasting_2) {
  auto p = pack(3, 8);
  EXPECT_EQ(p.operands_per_word, 2);
  EXPECT_EQ(p.wasted_bits_per_word, 2);
}

TEST(Packing, five_bit_operands_pack_three_per_16_bit_word) {
  auto p = pack(5, 16);
  EXPECT_EQ(p.operands_per_word, 3);
  EXPECT_EQ(p.wasted_bits_per_word, 1);
}

TEST(Packing, seven_bit_operands_pack_two_per_16_bit_word) {
  auto p = pack(7, 16);
  EXPECT_EQ(p.operands_per_word, 2);
  EXPECT_EQ(p.wasted_bits_per_word, 2);
}

TEST(Packing, one_bit_operands_fill_every_bit) {
  auto p = pack(1, 8);
  EXPECT_EQ(p.operands_per_word, 8);
  EXPECT_EQ(p.wasted_bits_per_word, 0);
}

TEST(Packing, operand_wider_than_the_word_does_not_fit) { EXPECT_FALSE(pack(9, 8).fits); }

TEST(Packing, a_value_never_straddles_two_words) {
  auto p = pack(3, 8);  // 2 per word
  EXPECT_EQ(words_for(5, p), 3u);
  EXPECT_EQ(words_for(4, p), 2u);
  EXPECT_EQ(words_for(0, p), 0u);
}

TEST(Packing, a_scale_per_group_adds_scale_bits_over_group_bits_per_weight) {
  auto p = pack(4, 64, GroupScales{128, 16});  // 16 weights and 4 scales to a word
  EXPECT_EQ(p.operands_per_word, 16);
  EXPECT_EQ(p.scales_per_word, 4);
  // 131072 weights: 8192 words of weights and 1024 scales in 256 words: 4 + 16/128 bits each.
  EXPECT_EQ(words_for(131072, p), 8192u + 256u);
  EXPECT_EQ(words_for(131072, p) * 64, 131072u * 4u + 131072u / 128u * 16u);
  // 1000 weights: ceil(1000/16) = 63 words, ceil(1000/128) = 8 scales in 2 words.
  EXPECT_EQ(words_for(1000, p), 65u);
  // Across a network words stay fractional: 256/16 + 256/128/4.
  EXPECT_DOUBLE_EQ(network_words(256, p), 16.5);
}

TEST(Packing, a_scale_wider_than_the_word_does_not_fit) { EXPECT_FALSE(pack(4, 8, GroupScales{32, 16}).fits); }

}  // namespace
}  // namespace qloop
