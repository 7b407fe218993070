// Whole networks: the zoo's MAC counts against the published figures, grouped and depthwise
// layers as grouped convolutions, bitwidth plans and their errors, and mapping a network.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "input/parse_bitwidth_plan.hpp"
#include "input/parse_network.hpp"
#include "model_fixture.hpp"
#include "network/bitwidth_plan.hpp"
#include "network/explore.hpp"
#include "network/map_network.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

std::string zoo(const std::string& file) { return std::string(QLOOP_SOURCE_DIR) + "/workloads/" + file; }

// --- The zoo ---------------------------------------------------------------------------

struct PublishedMacs {
  const char* file;
  std::uint64_t published;  // the figure and its source are in the file (and docs/networks.md)
};

TEST(Zoo, every_network_matches_its_published_mac_count_within_one_percent) {
  const PublishedMacs nets[] = {{"alexnet.yaml", 724'000'000},     {"vgg16.yaml", 15'500'000'000},
                                {"resnet18.yaml", 1'800'000'000},  {"resnet50.yaml", 4'090'000'000},
                                {"mobilenetv1.yaml", 569'000'000}, {"mobilenetv2.yaml", 300'000'000},
                                {"bertbase.yaml", 11'170'000'000}, {"vitb16.yaml", 17'600'000'000},
                                {"gpt2.yaml", 142'400'000},        {"llama27b.yaml", 7'140'000'000}};
  for (const auto& n : nets) {
    auto net = input::load_network_file(zoo(n.file));
    EXPECT_EQ(net.published_macs, n.published) << n.file;
    double error = (static_cast<double>(net.macs()) - n.published) / n.published;
    EXPECT_LT(std::abs(error), 0.01) << n.file << ": " << net.macs();
    // Each layer's workload does exactly the layer's MACs.
    for (const auto& layer : net.layers) {
      EXPECT_EQ(layer_workload(layer, {}).total_operations(), layer.macs()) << n.file << " " << layer.name;
    }
  }
}

TEST(Zoo, llama_prefill_is_the_same_file_at_another_sequence_length) {
  // Per layer: q, k, v, o 4 x 4096^2, SwiGLU 3 x 4096 x 11008, attention 2 x 32 heads x s x s x 128;
  // 32 layers and the LM head 4096 x 32000, for s = 2048 tokens (the full score matrix).
  std::uint64_t s = 2048;
  std::uint64_t per_layer = s * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 2 * 32 * s * s * 128;
  std::uint64_t expected = 32 * per_layer + s * 4096 * 32000;
  auto net = input::load_network_file(zoo("llama27b.yaml"), {{"seq", 2048}, {"context", 2048}});
  EXPECT_EQ(net.macs(), expected);
}

TEST(Zoo, alexnet_layers_have_the_papers_shapes) {
  auto net = input::load_network_file(zoo("alexnet.yaml"));
  ASSERT_EQ(net.layers.size(), 8u);
  EXPECT_EQ(net.layers[0].out_h(), 55);           // (227 - 11) / 4 + 1
  EXPECT_EQ(net.layers[0].macs(), 105'415'200u);  // 96 x 55 x 55 x 3 x 11 x 11
  EXPECT_EQ(net.layers[1].groups, 2);
  EXPECT_EQ(net.layers[1].macs(), 223'948'800u);  // 256 x 27 x 27 x 48 x 5 x 5
  EXPECT_EQ(net.layers[7].macs(), 4'096'000u);    // fc8: 4096 x 1000
}

TEST(Zoo, mobilenet_v1_depthwise_layers_cost_channels_times_kernel_times_outputs) {
  auto net = input::load_network_file(zoo("mobilenetv1.yaml"));
  const auto& dw1 = net.layers[1];  // 32 channels, 3x3, 112x112 outputs
  EXPECT_EQ(dw1.name, "dw1");
  EXPECT_EQ(dw1.groups, 32);
  EXPECT_EQ(dw1.macs(), 32u * 9u * 112u * 112u);
  EXPECT_EQ(dw1.weight_count(), 32u * 9u);
}

// --- Grouped convolutions ----------------------------------------------------------------

LayerSpec grouped_conv(std::int64_t cin, std::int64_t cout, std::int64_t groups) {
  LayerSpec l;
  l.name = "g";
  l.in_channels = cin, l.out_channels = cout, l.groups = groups;
  l.in_h = l.in_w = 8;
  l.kernel_h = l.kernel_w = 3;
  l.pad_h = l.pad_w = 1;
  return l;
}

TEST(GroupedConv, is_a_g_dimension_not_a_dense_convolution) {
  auto w = layer_workload(grouped_conv(8, 16, 4), {});
  EXPECT_EQ(w.dimension_names.front(), "G");
  EXPECT_EQ(w.dimension_bounds[w.find_dimension("G")], 4);
  EXPECT_EQ(w.dimension_bounds[w.find_dimension("C")], 2);  // 8 / 4 input channels per group
  EXPECT_EQ(w.dimension_bounds[w.find_dimension("M")], 4);  // 16 / 4 filters per group
  // A dense 8 -> 16 convolution would do 4x the MACs.
  EXPECT_EQ(w.total_operations(), 16u * 2u * 9u * 8u * 8u);
}

// Elements of a tensor: per rank, 1 + sum over its terms of (bound - 1) x coefficient.
std::uint64_t tensor_size(const Workload& w, const std::string& name) {
  const auto& space = w.data_spaces[w.find_data_space(name)];
  std::uint64_t size = 1;
  for (const auto& rank : space.projection) {
    std::int64_t extent = 1;
    for (const auto& term : rank) extent += (w.dimension_bounds[term.dimension] - 1) * w.coefficient(term.coefficient);
    size *= static_cast<std::uint64_t>(extent);
  }
  return size;
}

TEST(GroupedConv, inputs_and_outputs_span_all_channels_weights_only_their_group) {
  // 8 -> 16 channels in 4 groups, 3x3 kernel, 8x8 input padded by 1 (10x10 as stored).
  auto w = layer_workload(grouped_conv(8, 16, 4), {});
  EXPECT_EQ(tensor_size(w, "Inputs"), 8u * 10u * 10u);  // channels (G-1) x 2 + (C-1) + 1 = 8
  EXPECT_EQ(tensor_size(w, "Weights"), 16u * 2u * 9u);  // each filter sees its group's 2 channels
  EXPECT_EQ(tensor_size(w, "Outputs"), 16u * 8u * 8u);
}

TEST(GroupedConv, strided_dilated_layer_projects_onto_the_padded_input) {
  LayerSpec l = grouped_conv(4, 4, 1);
  l.stride_h = l.stride_w = 2;
  l.dilation_h = l.dilation_w = 2;
  l.pad_h = l.pad_w = 2;
  // (8 + 4 - 2 x 2 - 1) / 2 + 1 = 4 outputs per side; the stored input spans 2 x 2 + 3 x 2 + 1 = 11.
  EXPECT_EQ(l.out_h(), 4);
  auto w = layer_workload(l, {4, 8, 8});
  EXPECT_EQ(tensor_size(w, "Inputs"), 4u * 11u * 11u);
  EXPECT_EQ(w.bitwidths[w.find_data_space("Weights")], 4);
  EXPECT_EQ(w.bitwidths[w.find_data_space("Outputs")], 8);
}

// --- Bitwidth plans ----------------------------------------------------------------------

Network three_layers() {
  Network net;
  net.name = "Three";
  for (const char* name : {"first", "middle", "last"}) {
    LayerSpec l;
    l.name = name;
    l.kind = LayerKind::kFullyConnected;
    l.in_channels = 16, l.out_channels = 16;
    net.layers.push_back(l);
  }
  return net;
}

TEST(BitwidthPlan, shorthand_sets_weights_and_activations) {
  auto plan = parse_bitwidth_plan_text("W4A8", "--bits");
  auto bits = plan.for_layer(three_layers(), 1);
  EXPECT_EQ(bits, (LayerBitwidths{4, 8, 8}));
  EXPECT_EQ(parse_bitwidth_plan_text("w2a4o16", "--bits").for_layer(three_layers(), 0), (LayerBitwidths{2, 4, 16}));
  EXPECT_EQ(parse_bitwidth_plan_text("native", "--bits").for_layer(three_layers(), 0), (LayerBitwidths{0, 0, 0}));
}

TEST(BitwidthPlan, first_and_last_layer_overrides) {
  auto net = three_layers();
  auto plan = parse_bitwidth_plan_text("W4A4,first=W8A8,last=W8A16", "--bits");
  EXPECT_EQ(plan.for_layer(net, 0), (LayerBitwidths{8, 8, 8}));
  EXPECT_EQ(plan.for_layer(net, 1), (LayerBitwidths{4, 4, 4}));
  EXPECT_EQ(plan.for_layer(net, 2), (LayerBitwidths{8, 16, 16}));
}

TEST(BitwidthPlan, a_sweep_is_one_plan_per_shorthand_with_shared_overrides) {
  auto plans = parse_bitwidth_sweep("W16A16, W8A16,W4A16,first=W8A8", "--bits");
  ASSERT_EQ(plans.size(), 3u);
  EXPECT_EQ(plans[1].label, "W8A16");
  EXPECT_EQ(plans[2].for_layer(three_layers(), 0), (LayerBitwidths{8, 8, 8}));
  EXPECT_EQ(plans[2].for_layer(three_layers(), 1), (LayerBitwidths{4, 16, 16}));
}

void expect_bits_error(const std::string& text, const std::string& fragment) {
  try {
    parse_bitwidth_sweep(text, "--bits");
    FAIL() << "expected an InputError for " << text;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_EQ(e.key_path(), "--bits");
  }
}

TEST(BitwidthPlan, bad_settings_say_what_is_accepted) {
  expect_bits_error("W4", "expected e.g. W4A8");
  expect_bits_error("A8W4", "is not a bitwidth setting");
  expect_bits_error("W0A8", "1 to 64 bits");
  expect_bits_error("W4A8,,W8A8", "empty entry");
  expect_bits_error("W4A8,middle=W8A8", "unknown override 'middle='");
  expect_bits_error("first=W8A8", "names no setting");
  EXPECT_THROW(parse_bitwidth_plan_text("W4A8,W8A8", "--bits"), InputError);
}

TEST(BitwidthPlan, yaml_plan_with_per_layer_entries) {
  auto path = write_temp("plan.yaml",
                         "bitwidths:\n  default: W8A8\n  last: {Weights: 8, Outputs: 16}\n"
                         "  layers:\n    middle: {Weights: 3}\n");
  auto net = three_layers();
  auto plan = input::load_bitwidth_plan(path, net);
  EXPECT_EQ(plan.for_layer(net, 0), (LayerBitwidths{8, 8, 8}));
  EXPECT_EQ(plan.for_layer(net, 1), (LayerBitwidths{3, 8, 8}));
  EXPECT_EQ(plan.for_layer(net, 2), (LayerBitwidths{8, 8, 16}));
}

TEST(BitwidthPlan, csv_plan_rows_per_layer) {
  auto path = write_temp("plan.csv", "layer,Weights,Inputs,Outputs\nfirst,8,8,8\nmiddle,2,,4\n");
  auto net = three_layers();
  auto plan = input::load_bitwidth_plan(path, net);
  EXPECT_EQ(plan.for_layer(net, 0), (LayerBitwidths{8, 8, 8}));
  EXPECT_EQ(plan.for_layer(net, 1), (LayerBitwidths{2, 0, 4}));
  EXPECT_EQ(plan.for_layer(net, 2), (LayerBitwidths{0, 0, 0}));
}

TEST(BitwidthPlan, file_errors_name_the_file_line_and_problem) {
  auto net = three_layers();
  auto bad_cell = write_temp("bad.csv", "layer,Weights\nfirst,eight\n");
  try {
    input::load_bitwidth_plan(bad_cell, net);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("'eight' is not a bitwidth"), std::string::npos) << e.what();
  }
  auto unknown_layer = write_temp("unknown.yaml", "bitwidths:\n  layers:\n    conv9: W4A4\n");
  try {
    input::load_bitwidth_plan(unknown_layer, net);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no layer named conv9 in Three; its layers: first, middle, last"),
              std::string::npos)
        << e.what();
  }
  auto bad_column = write_temp("column.csv", "layer,Acts\n");
  EXPECT_THROW(input::load_bitwidth_plan(bad_column, net), InputError);
  EXPECT_THROW(input::load_bitwidth_plan("missing.yaml", net), InputError);
}

// --- Network files ----------------------------------------------------------------------

void expect_network_error(const std::string& text, const std::string& fragment) {
  auto path = write_temp("net.yaml", text);
  try {
    input::load_network_file(path);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_GT(e.line(), 0) << e.what();
  }
}

TEST(NetworkFile, bad_layers_are_input_errors_with_their_line) {
  expect_network_error("network:\n  name: N\n  layers:\n  - {name: a, type: pool}\n", "unknown layer type 'pool'");
  expect_network_error(
      "network:\n  name: N\n  layers:\n  - {name: a, type: conv, in_channels: 6, out_channels: 8, input: 8, groups: "
      "4}\n",
      "divisible by groups");
  expect_network_error(
      "network:\n  name: N\n  layers:\n  - {name: a, type: conv, in_channels: 3, out_channels: 8, input: 2, kernel: "
      "5}\n",
      "does not fit");
  expect_network_error("network:\n  name: N\n  layers:\n  - {name: a, type: fc, in_features: 3}\n", "out_features");
  expect_network_error(
      "network:\n  name: N\n  layers:\n  - {name: a, type: fc, in_features: 3, out_features: 2}\n"
      "  - {name: a, type: fc, in_features: 2, out_features: 2}\n",
      "two layers are named 'a'");
}

// --- Mapping a network --------------------------------------------------------------------

NetworkSearchSetup tiny_setup() {
  auto inputs = load_yaml({two_level_arch(1 << 16, 4), conv1d_problem(3, 16),
                           "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n"
                           "- {target: MainMemory, type: temporal, factors: R=1 P=1, permutation: RP}\n",
                           two_level_ert()});
  NetworkSearchSetup setup;
  setup.architecture = inputs.architecture;
  setup.settings.algorithm = SearchAlgorithm::kExhaustive;
  setup.settings.threads = 2;
  setup.settings.time_limit_seconds = 0;
  return setup;
}

Network two_identical_fc_layers_and_one_other() {
  Network net = three_layers();
  net.layers[2].in_channels = 8;
  return net;
}

TEST(MapNetwork, identical_layers_are_mapped_once_and_totals_add_up) {
  auto net = two_identical_fc_layers_and_one_other();
  LayerMappingCache cache;
  auto result = map_network(net, parse_bitwidth_plan_text("native", "--bits"), tiny_setup(), cache, nullptr, {});
  ASSERT_TRUE(result.complete);
  EXPECT_EQ(result.distinct_jobs, 2);
  EXPECT_EQ(result.mapped_jobs, 2);
  EXPECT_TRUE(result.layers[1].reused);
  double energy = 0;
  std::uint64_t cycles = 0;
  for (const auto& layer : result.layers) {
    energy += layer.mapping->stats.summary.energy_pJ;
    cycles += layer.mapping->stats.summary.cycles;
  }
  EXPECT_DOUBLE_EQ(result.energy_pJ, energy);
  EXPECT_EQ(result.cycles, cycles);
  EXPECT_EQ(result.computes, 16u * 16u * 2u + 8u * 16u);
  double components = 0;
  for (const auto& share : result.energy_by_component) components += share.energy_pJ;
  EXPECT_NEAR(components, result.energy_pJ, 1e-6 * result.energy_pJ);
  // A second run (e.g. the next sweep configuration) finds both jobs in the cache.
  auto again = map_network(net, parse_bitwidth_plan_text("native", "--bits"), tiny_setup(), cache, nullptr, {});
  EXPECT_EQ(again.mapped_jobs, 0);
  EXPECT_DOUBLE_EQ(again.energy_pJ, result.energy_pJ);
}

TEST(MapNetwork, narrower_bitwidths_never_make_a_layer_worse) {
  // A small buffer, a few random samples per job and a different random stream per
  // configuration: the searches alone would not keep the order; the warm start (the same
  // layer's mapping at wider bits, re-evaluated) does.
  Network net;
  net.name = "Convs";
  for (int i = 0; i < 3; ++i) {
    LayerSpec l;
    l.name = "conv" + std::to_string(i);
    l.in_channels = 8 << i, l.out_channels = 8;
    l.in_h = l.in_w = 8;
    l.kernel_h = l.kernel_w = 3;
    l.pad_h = l.pad_w = 1;
    net.layers.push_back(l);
  }
  auto inputs = load_yaml({two_level_arch(48, 4), conv1d_problem(3, 16),
                           "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n"
                           "- {target: MainMemory, type: temporal, factors: R=1 P=1, permutation: RP}\n",
                           two_level_ert()});
  NetworkSearchSetup setup;
  setup.architecture = inputs.architecture;
  setup.settings.algorithm = SearchAlgorithm::kRandom;
  setup.settings.search_size = 40;
  setup.settings.victory_condition = 0;
  setup.settings.time_limit_seconds = 0;
  setup.settings.threads = 2;
  LayerMappingCache cache;
  auto plans = parse_bitwidth_sweep("W8A8,W4A8,W4A4,W2A4,W2A2", "--bits");
  // A different random stream per configuration, so the searches really take their own paths.
  for (std::size_t r = 0; r < plans.size(); ++r) {
    auto seeded = setup;
    seeded.settings.seed = 11 + r;
    map_layer_jobs(net, {plans[r]}, seeded, cache, nullptr, {});
  }
  std::vector<NetworkResult> runs;
  for (const auto& plan : plans) runs.push_back(map_network(net, plan, setup, cache, nullptr, {}));
  int warm = 0;
  for (std::size_t r = 1; r < runs.size(); ++r) {
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      auto edp = [&](std::size_t run) {
        const auto& s = runs[run].layers[l].mapping->stats.summary;
        return s.energy_pJ * static_cast<double>(s.cycles);
      };
      ASSERT_TRUE(runs[r].layers[l].mapping->found);
      EXPECT_LE(edp(r), edp(r - 1) * (1 + 1e-12)) << plans[r].label << " layer " << l;
      warm += runs[r].layers[l].mapping->warm_started;
    }
  }
  EXPECT_GT(warm, 0);  // the searches alone would not have kept the order here
  // Every job was mapped once, before the totals; the cache holds only what the mapper found.
  EXPECT_EQ(cache.size(), 3u * 5u);
  for (const auto& run : runs) EXPECT_EQ(run.mapped_jobs, 0);
}

TEST(MapNetwork, packed_weights_shrink_the_footprint) {
  auto net = three_layers();
  LayerMappingCache cache;
  auto native = map_network(net, parse_bitwidth_plan_text("native", "--bits"), tiny_setup(), cache, nullptr, {});
  auto w4 = map_network(net, parse_bitwidth_plan_text("W4A8", "--bits"), tiny_setup(), cache, nullptr, {});
  // 3 x 256 weights: one per 8-bit word natively, two per word at 4 bits.
  EXPECT_DOUBLE_EQ(native.weight_bytes, 3 * 256.0);
  EXPECT_DOUBLE_EQ(w4.weight_bytes, 3 * 128.0);
  EXPECT_LT(w4.energy_pJ, native.energy_pJ);
}

TEST(MapNetwork, group_scales_add_their_bits_to_the_footprint_and_the_energy) {
  auto net = three_layers();
  LayerMappingCache cache;
  auto w4 = map_network(net, parse_bitwidth_plan_text("W4A8", "--bits"), tiny_setup(), cache, nullptr, {});
  // 8-bit scales (the tiny design's words are 8 bits), one per 64 weights.
  auto plan = parse_bitwidth_plan_text("W4A8G64", "--bits");
  EXPECT_EQ(plan.all.weight_scales, (GroupScales{64, 16}));
  plan.all.weight_scales.bits = 8;
  auto eight = map_network(net, plan, tiny_setup(), cache, nullptr, {});
  ASSERT_TRUE(eight.complete);
  // 256 weights a layer: 128 words of weights and 4 scales, one to a word.
  EXPECT_DOUBLE_EQ(eight.weight_bytes, 3 * 132.0);
  EXPECT_GT(eight.energy_pJ, w4.energy_pJ);
}

}  // namespace
}  // namespace qloop::testing

namespace qloop::testing {
namespace {

// --- Exploration ------------------------------------------------------------------------

TEST(Explore, dominance_needs_no_worse_everywhere_and_better_somewhere) {
  EXPECT_TRUE(dominates({1, 2}, {1, 3}));
  EXPECT_TRUE(dominates({0, 0}, {1, 1}));
  EXPECT_FALSE(dominates({1, 3}, {2, 2}));
  EXPECT_FALSE(dominates({1, 2}, {1, 2}));
}

TEST(Explore, the_accuracy_proxy_is_the_networks_quantization_noise_in_db_by_hand) {
  auto net = three_layers();
  auto proxy = noise_power_proxy({{"first", {2.0, 1.0}}});
  // In units of 2^-16 (one 8-bit operand): first 2 x 2^8 (4-bit weights, sensitivity 2) + 1;
  // middle and last at 8 bits, sensitivity 1: 1 + 1 each. 517 x 2^-16 -> 10 (2.71349 - 4.81648) = -21.0299 dB.
  std::vector<LayerBitwidths> bits = {{4, 8, 8}, {8, 8, 8}, {8, 8, 8}};
  EXPECT_NEAR(proxy(net, bits), 10 * std::log10(517.0 / 65536.0), 1e-12);
  EXPECT_NEAR(proxy(net, bits), -21.0299, 1e-4);
  // One 8-bit operand alone: -48.16 dB; a bit less: 6.02 dB more.
  EXPECT_NEAR(quantization_noise_db({{"x", {8, 8, 8}}}, {{"x", {0.0, 1.0}}}), -48.1648, 1e-4);
  EXPECT_NEAR(quantization_noise_db({{"x", {8, 7, 8}}}, {{"x", {0.0, 1.0}}}), -48.1648 + 6.0206, 1e-4);
}

ExploreSettings small_exploration(std::uint64_t seed, bool exact) {
  ExploreSettings s;
  s.bit_choices = {2, 4, 8};
  s.population = 6;
  s.offspring = 6;
  s.generations = 4;
  s.seed = seed;
  s.exact_mapping = exact;
  return s;
}

TEST(Explore, the_front_is_non_dominated_and_covers_every_candidate) {
  auto net = three_layers();
  auto result = explore(net, tiny_setup(), small_exploration(7, false), noise_power_proxy({}), nullptr, {});
  ASSERT_FALSE(result.front.empty());
  for (const auto& a : result.front) {
    for (const auto& b : result.front) EXPECT_FALSE(dominates(a.objectives, b.objectives));
  }
  for (const auto& c : result.evaluated) {
    bool covered = false;
    for (const auto& f : result.front)
      covered = covered || f.objectives == c.objectives || dominates(f.objectives, c.objectives);
    EXPECT_TRUE(covered);
  }
  // The all-narrowest and all-widest assignments seed the search, so both ends are on the front.
  EXPECT_EQ(result.front.front().bits[0].weights, 2);
  EXPECT_EQ(result.front.back().bits[0].weights, 8);
}

TEST(Explore, a_layers_outputs_take_the_next_layers_input_bits) {
  auto net = three_layers();
  auto result = explore(net, tiny_setup(), small_exploration(3, false), noise_power_proxy({}), nullptr, {});
  for (const auto& c : result.evaluated) {
    EXPECT_EQ(c.bits[0].outputs, c.bits[1].inputs);
    EXPECT_EQ(c.bits[1].outputs, c.bits[2].inputs);
    EXPECT_EQ(c.bits[2].outputs, c.bits[2].inputs);
  }
}

TEST(Explore, same_seed_same_front) {
  auto net = three_layers();
  auto a = explore(net, tiny_setup(), small_exploration(11, false), noise_power_proxy({}), nullptr, {});
  auto b = explore(net, tiny_setup(), small_exploration(11, false), noise_power_proxy({}), nullptr, {});
  ASSERT_EQ(a.front.size(), b.front.size());
  for (std::size_t i = 0; i < a.front.size(); ++i) {
    EXPECT_EQ(a.front[i].bits, b.front[i].bits);
    EXPECT_EQ(a.front[i].objectives, b.front[i].objectives);
  }
  EXPECT_EQ(a.evaluated.size(), b.evaluated.size());
}

TEST(Explore, exact_mode_energies_are_the_network_mappers) {
  auto net = three_layers();
  auto setup = tiny_setup();
  auto result = explore(net, setup, small_exploration(5, true), noise_power_proxy({}), nullptr, {});
  for (const auto& c : result.front) {
    BitwidthPlan plan;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      plan.per_layer[net.layers[i].name] = {c.bits[i].weights, c.bits[i].inputs, c.bits[i].outputs};
    }
    LayerMappingCache fresh;
    auto direct = map_network(net, plan, setup, fresh, nullptr, {});
    EXPECT_DOUBLE_EQ(direct.energy_pJ, c.energy_pJ);
  }
}

TEST(Explore, pooled_mappings_never_beat_the_exhaustive_optimum) {
  // With an exhaustive mapper, exact mode finds each layer's optimum; the pool re-ranks a
  // subset of valid mappings, so it can only be equal or worse.
  auto net = three_layers();
  auto setup = tiny_setup();
  setup.settings.objectives = {Metric::kEnergy};
  auto pooled = explore(net, setup, small_exploration(5, false), noise_power_proxy({}), nullptr, {});
  for (const auto& c : pooled.evaluated) {
    BitwidthPlan plan;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      plan.per_layer[net.layers[i].name] = {c.bits[i].weights, c.bits[i].inputs, c.bits[i].outputs};
    }
    LayerMappingCache fresh;
    auto exact = map_network(net, plan, setup, fresh, nullptr, {});
    EXPECT_GE(c.energy_pJ, exact.energy_pJ * (1 - 1e-12));
  }
}

}  // namespace
}  // namespace qloop::testing
