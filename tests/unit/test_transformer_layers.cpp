// Transformer layers in network files: attention as its two products per (batch, KV head),
// linear layers over every token, variables set per phase, and bitwidth plans with a KV
// cache class. Expected counts worked out by hand in each test.
#include <gtest/gtest.h>

#include "input/parse_network.hpp"
#include "model_fixture.hpp"
#include "network/bitwidth_plan.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

Network network_from(const std::string& layers, const input::Variables& set = {},
                     const std::string& variables = "seq: 128, context: 128, batch: 1") {
  auto path =
      write_temp("transformer.yaml", "network:\n  name: T\n  variables: {" + variables + "}\n  layers:\n" + layers);
  return input::load_network_file(path, set);
}

const std::string kBlock =
    "  - {name: qkv, type: linear, in_features: 768, out_features: 2304, seq: seq, batch: batch}\n"
    "  - {name: attn, type: attention, heads: 12, head_dim: 64, seq: seq, context: context, batch: batch}\n"
    "  - {name: proj, type: linear, in_features: 768, out_features: 768, seq: seq, batch: batch}\n";

TEST(TransformerLayers, attention_is_two_products_per_head) {
  auto net = network_from(kBlock);
  ASSERT_EQ(net.layers.size(), 4u);
  EXPECT_EQ(net.layers[1].name, "attn.scores");
  EXPECT_EQ(net.layers[2].name, "attn.context");
  // BERT-base at seq 128: Q K^T is 12 heads x 128 queries x 128 keys x 64 = 12,582,912 MACs,
  // and P V the same; the projections 128 x 768 x 2304 and 128 x 768 x 768.
  EXPECT_EQ(net.layers[1].macs(), 12582912u);
  EXPECT_EQ(net.layers[2].macs(), 12582912u);
  EXPECT_EQ(net.layers[0].macs(), 128u * 768u * 2304u);
  EXPECT_EQ(net.layers[3].macs(), 128u * 768u * 768u);
  // The keys (the Weights slot) are all 12 heads' 128 x 64: nothing shared between heads.
  EXPECT_EQ(net.layers[1].weight_count(), 12u * 64u * 128u);
}

TEST(TransformerLayers, decoding_one_token_reads_the_whole_kv_cache) {
  auto net = network_from(kBlock, {{"seq", 1}, {"context", 2048}, {"batch", 8}});
  // 8 sequences x 12 heads, one query each against 2048 keys of 64: 8 x 12 x 2048 x 64.
  EXPECT_EQ(net.layers[1].macs(), 8u * 12u * 2048u * 64u);
  EXPECT_EQ(net.layers[1].weight_count(), 8u * 12u * 64u * 2048u);  // the K cache
  EXPECT_EQ(net.layers[0].macs(), 8u * 768u * 2304u);               // one token per sequence
}

TEST(TransformerLayers, grouped_query_heads_share_their_kv_head) {
  auto net = network_from(
      "  - {name: a, type: attention, heads: 32, kv_heads: 8, head_dim: 128, seq: 1, "
      "context: 2048}\n");
  // Llama-style decode: 32 query heads over 8 KV heads; every query head still meets 2048 keys.
  EXPECT_EQ(net.layers[0].macs(), 32u * 2048u * 128u);
  EXPECT_EQ(net.layers[0].weight_count(), 8u * 128u * 2048u);  // only 8 heads of keys
  EXPECT_EQ(net.layers[0].groups, 8);
  auto w = layer_workload(net.layers[0], {});
  EXPECT_EQ(w.total_operations(), 32u * 2048u * 128u);
}

TEST(TransformerLayers, causal_half_counts_the_lower_triangle) {
  auto net = network_from("  - {name: a, type: attention, heads: 1, head_dim: 64, seq: 128, causal: half}\n");
  // 64 of the 128 query rows against all 128 keys: 128 x 128 / 2 x 64.
  EXPECT_EQ(net.layers[0].macs(), 64u * 128u * 64u);
}

TEST(TransformerLayers, an_unknown_variable_or_a_zero_is_refused) {
  EXPECT_THROW(network_from(kBlock, {{"tokens", 4}}), InputError);
  EXPECT_THROW(network_from(kBlock, {{"seq", 0}}), InputError);
  try {
    network_from("  - {name: a, type: attention, heads: 12, kv_heads: 5, head_dim: 64, seq: 4}\n");
    FAIL() << "kv_heads not dividing heads was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("kv_heads"), std::string::npos) << e.what();
  }
  try {
    network_from("  - {name: a, type: linear, in_features: 8, out_features: 8, seq: tokens}\n");
    FAIL() << "an unknown variable was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tokens"), std::string::npos) << e.what();
  }
}

TEST(TransformerLayers, model_dim_is_split_among_the_heads_that_divide_it) {
  auto net = network_from("  - {name: a, type: attention, heads: 12, model_dim: 768, seq: 128}\n");
  EXPECT_EQ(net.layers[0].macs(), 12u * 128u * 128u * 64u);  // head_dim 768 / 12 = 64
  auto refusal = [](const std::string& layer) {
    try {
      network_from(layer);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refusal("  - {name: a, type: attention, heads: 10, model_dim: 768, seq: 4}\n").find("must divide"),
            std::string::npos);
  EXPECT_NE(refusal("  - {name: a, type: attention, heads: 12, model_dim: 768, head_dim: 32, seq: 4}\n")
                .find("not model_dim"),
            std::string::npos);
  EXPECT_NE(refusal("  - {name: a, type: attention, heads: 12, seq: 4}\n").find("head_dim"), std::string::npos);
}

TEST(TransformerLayers, a_kv_plan_gives_the_cache_its_own_bits) {
  auto net = network_from(kBlock);
  auto plan = parse_bitwidth_plan_text("W4A16KV8", "--bits");
  EXPECT_EQ(plan.for_layer(net, 0), (LayerBitwidths{4, 16, 16}));  // a linear layer: weights 4
  EXPECT_EQ(plan.for_layer(net, 1), (LayerBitwidths{8, 16, 16}));  // Q K^T: keys 8, queries and scores 16
  EXPECT_EQ(plan.for_layer(net, 2), (LayerBitwidths{8, 16, 16}));  // P V: values 8
  auto no_kv = parse_bitwidth_plan_text("W4A8", "--bits");
  EXPECT_EQ(no_kv.for_layer(net, 1), (LayerBitwidths{8, 8, 8}));  // the cache at the activations' bits
}

TEST(TransformerLayers, group_scales_go_to_the_weights_and_not_to_the_kv_cache) {
  auto net = network_from(kBlock);
  auto plan = parse_bitwidth_plan_text("W4A16G128KV4", "--bits");
  EXPECT_EQ(plan.for_layer(net, 0), (LayerBitwidths{4, 16, 16, GroupScales{128, 16}}));
  EXPECT_EQ(plan.for_layer(net, 1), (LayerBitwidths{4, 16, 16}));  // keys at KV4, no scales
  EXPECT_EQ(plan.for_layer(net, 3).weight_scales.group, 128);
  EXPECT_THROW(parse_bitwidth_plan_text("W4A16G0", "--bits"), InputError);
}

}  // namespace
}  // namespace qloop::testing
