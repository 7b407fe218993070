// The model's rules, each checked on a design small enough to work out by hand.
#include <gtest/gtest.h>

#include <thread>

#include "model_fixture.hpp"

namespace qloop::testing {
namespace {

const std::string kOneLevelArch =
    "architecture:\n"
    "  version: 0.3\n"
    "  subtree:\n"
    "  - name: System\n"
    "    local:\n"
    "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
    "    - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";

const std::string kAllInBuffer =
    "mapping:\n"
    "- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n";

// MainMemory walks 4 output tiles of 4; the Buffer computes each tile (R inner).
const std::string kTiledMapping =
    "mapping:\n"
    "- {target: MainMemory, type: temporal, factors: P=4, permutation: PR}\n"
    "- {target: Buffer, type: temporal, factors: R=3 P=4, permutation: RP}\n";

TEST(ModelRules, single_level_serves_every_operand_and_elides_the_first_partial_sum_read) {
  auto r = evaluate_yaml({kOneLevelArch, conv1d_problem(3, 16), kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  // 48 MACs: each reads one weight and one input.
  EXPECT_EQ(tensor_at(r, "Buffer", "Weights").reads, 48u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").reads, 48u);
  // 48 updates of 16 outputs: the first update of each needs no read.
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").updates, 48u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").reads, 32u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").temporal_reductions, 32u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Weights").utilized_capacity, 3u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").utilized_capacity, 18u);  // R + P - 1
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").utilized_capacity, 16u);
  EXPECT_EQ(r.summary.cycles, 48u);
  // Reads charged at the most expensive read variant (1 pJ), writes at 1 pJ, MACs at 0.5 pJ:
  // (48 + 48 + 32 + 48) * 1 + 48 * 0.5 = 200 pJ.
  EXPECT_DOUBLE_EQ(r.summary.energy_pJ, 200.0);
}

TEST(ModelRules, tiled_buffer_fetches_only_the_new_part_of_a_sliding_window) {
  auto r = evaluate_yaml({two_level_arch(), conv1d_problem(3, 16), kTiledMapping, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  // Weights stay resident across the 4 tiles; each input tile is 6 wide and the next one
  // overlaps it by 2, so 6 + 3 * 4 = 18 inputs arrive.
  EXPECT_EQ(tensor_at(r, "Buffer", "Weights").fills, 3u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").fills, 18u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").utilized_capacity, 6u);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Weights").reads, 3u);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Inputs").reads, 18u);
  // Each 4-output tile is fetched (fills) and written back (updates) once.
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").fills, 16u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").reads, 32u);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Outputs").updates, 16u);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Outputs").reads, 0u);
  // DRAM: (3 + 18 + 16) * 100; buffer: (48+3) + (48+18) + (32+16+48); MACs 24.
  EXPECT_DOUBLE_EQ(r.summary.energy_pJ, 3700.0 + 213.0 + 24.0);
}

TEST(ModelRules, strided_window_overlaps_by_filter_width_minus_stride) {
  auto r = evaluate_yaml({two_level_arch(), conv1d_problem(3, 16, 2), kTiledMapping, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  // Tile of 4 outputs at stride 2 needs 2*3 + 3 = 9 inputs; tiles advance by 8.
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").utilized_capacity, 9u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").fills, 9u + 3u * 8u);
  EXPECT_EQ(tensor_at(r, "MainMemory", "Inputs").utilized_capacity, 33u);  // 2*15 + 3
}

// R = 1 keeps neighbouring MACs from ever holding each other's operands, so no link
// transfers (neighbour forwarding) take part and the counts are pure multicast.
TEST(ModelRules, multicast_sends_inputs_shared_by_all_children_once) {
  auto map =
      "mapping:\n"
      "- {target: Buffer, type: spatial, factors: K=4, permutation: KCRP}\n"
      "- {target: Buffer, type: temporal, factors: C=3 P=4, permutation: CPKR}\n";
  auto r = evaluate_yaml({two_level_arch(1024, 4), conv1d_channels_problem(3, 4, 1, 4), map, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& inputs = network_at(r, "Buffer <==> MACC", "Inputs");
  EXPECT_EQ(inputs.fanout, 4u);
  EXPECT_EQ(inputs.multicast_factor, 4u);
  EXPECT_DOUBLE_EQ(inputs.ingresses, 12.0);  // one per (c, p) step, seen by all 4 MACs
  const auto& weights = network_at(r, "Buffer <==> MACC", "Weights");
  EXPECT_EQ(weights.multicast_factor, 1u);
  EXPECT_DOUBLE_EQ(weights.ingresses, 48.0);  // every MAC its own weight every step
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").reads, 12u);
  EXPECT_EQ(r.arithmetic.utilized_instances, 4u);
  EXPECT_EQ(r.summary.cycles, 12u);
  EXPECT_DOUBLE_EQ(r.summary.utilization, 1.0);
}

TEST(ModelRules, spatial_reduction_combines_partial_sums_from_children) {
  auto map =
      "mapping:\n"
      "- {target: Buffer, type: spatial, factors: C=4, permutation: CKRP}\n"
      "- {target: Buffer, type: temporal, factors: K=3 P=4, permutation: KPCR}\n";
  auto r = evaluate_yaml({two_level_arch(1024, 4), conv1d_channels_problem(4, 3, 1, 4), map, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& outputs = network_at(r, "Buffer <==> MACC", "Outputs");
  EXPECT_EQ(outputs.multicast_factor, 4u);
  EXPECT_DOUBLE_EQ(outputs.ingresses, 12.0);   // one reduced update per (k, p) step
  EXPECT_EQ(outputs.spatial_reductions, 36u);  // 3 additions per reduced update
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").updates, 12u);
  EXPECT_EQ(tensor_at(r, "Buffer", "Outputs").reads, 0u);  // each output is updated once
  EXPECT_DOUBLE_EQ(network_at(r, "Buffer <==> MACC", "Inputs").ingresses, 48.0);
}

// Timeloop's neighbour forwarding: a MAC whose operand equals what its neighbour got on the
// previous step receives it over the link. Sliding the window (input r + p) makes the step
// from (r=2, p) to (r=0, p+1) reuse: with uniform loops extrapolated from their first two
// iterations, that is the step (r=1, p=0) -> (r=0, p=1), standing for the 3 P iterations
// after the first, so 3 of the 12 multicast reads become link transfers.
TEST(ModelRules, neighbour_link_transfers_replace_parent_reads) {
  auto map =
      "mapping:\n"
      "- {target: Buffer, type: spatial, factors: K=4, permutation: KCRP}\n"
      "- {target: Buffer, type: temporal, factors: R=3 P=4, permutation: RPCK}\n";
  auto r = evaluate_yaml({two_level_arch(1024, 4), conv1d_channels_problem(1, 4, 3, 4), map, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(network_at(r, "Buffer <==> MACC", "Inputs").ingresses, 9.0);
  EXPECT_EQ(network_at(r, "Buffer <==> MACC", "Inputs").link_transfers, 12u);  // 3 steps x 4 MACs
}

TEST(ModelRules, bypassed_tensor_is_served_by_the_next_level_that_keeps_it) {
  auto map =
      std::string(kTiledMapping) + "- {target: Buffer, type: bypass, keep: [Inputs, Outputs], bypass: [Weights]}\n";
  auto r = evaluate_yaml({two_level_arch(), conv1d_problem(3, 16), map, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(tensor_at(r, "MainMemory", "Weights").reads, 48u);  // every MAC fetches from DRAM
  EXPECT_THROW(tensor_at(r, "Buffer", "Weights"), std::runtime_error);
}

TEST(ModelRules, tiles_that_exceed_a_buffer_make_the_mapping_invalid) {
  auto r = evaluate_yaml({two_level_arch(8), conv1d_problem(3, 16), kTiledMapping, two_level_ert()});
  // The buffer needs 3 + 6 + 4 = 13 words but holds 8.
  EXPECT_FALSE(r.valid);
  EXPECT_NE(r.reason.find("Buffer"), std::string::npos);
  EXPECT_NE(r.reason.find("13"), std::string::npos);
}

TEST(ModelRules, more_spatial_instances_than_hardware_is_invalid) {
  auto map =
      "mapping:\n"
      "- {target: Buffer, type: spatial, factors: K=4, permutation: KCRP}\n"
      "- {target: Buffer, type: temporal, factors: R=3 P=4, permutation: RPCK}\n";
  auto r = evaluate_yaml({two_level_arch(1024, 2), conv1d_channels_problem(1, 4, 3, 4), map, two_level_ert()});
  EXPECT_FALSE(r.valid);
  EXPECT_NE(r.reason.find("MACC"), std::string::npos);
}

// The analysis reuses its buffers from one evaluation to the next (per thread): results must
// not depend on what the thread evaluated before. Mapping B relies on neighbour links (each
// PE gets the input its right neighbour used a step earlier), which read the children's
// layout; mapping A lays its children out differently.
TEST(ModelRules, evaluations_do_not_depend_on_earlier_ones) {
  auto arch =
      "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
      "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
      "    - {name: Buffer, class: SRAM, attributes: {depth: 1024, width: 8, word-bits: 8}}\n"
      "    - {name: 'RF[0..3]', class: regfile, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
      "    - {name: 'MACC[0..3]', class: intmac, attributes: {datawidth: 8}}\n";
  auto problem = conv1d_channels_problem(1, 4, 3, 8);
  auto a_map =
      "mapping:\n"
      "- {target: Buffer, type: spatial, factors: K=4, permutation: KCRP}\n"
      "- {target: Buffer, type: temporal, factors: R=3 P=8, permutation: RPCK}\n";
  auto b_map =
      "mapping:\n"
      "- {target: MainMemory, type: temporal, factors: K=4, permutation: KCRP}\n"
      "- {target: Buffer, type: spatial, factors: P=4, permutation: PKCR}\n"
      "- {target: Buffer, type: temporal, factors: R=3 P=2, permutation: RPKC}\n";
  auto ert = two_level_ert() +
             "  - name: System.RF[0..3]\n    actions: [{name: read, energy: 0.1}, {name: write, energy: 0.1}]\n";
  auto a = load_yaml({arch, problem, a_map, ert});
  auto b = load_yaml({arch, problem, b_map, ert});
  EvaluationResult b_fresh;
  std::thread([&] { b_fresh = evaluate(b.architecture, b.workload, b.mapping); }).join();
  auto a_result = evaluate(a.architecture, a.workload, a.mapping);
  auto b_after_a = evaluate(b.architecture, b.workload, b.mapping);
  ASSERT_TRUE(a_result.valid && b_fresh.valid && b_after_a.valid);
  EXPECT_GT(network_at(b_fresh, "Buffer <==> RF", "Inputs").link_transfers, 0u);
  EXPECT_EQ(network_at(b_after_a, "Buffer <==> RF", "Inputs").link_transfers,
            network_at(b_fresh, "Buffer <==> RF", "Inputs").link_transfers);
  EXPECT_DOUBLE_EQ(network_at(b_after_a, "Buffer <==> RF", "Inputs").ingresses,
                   network_at(b_fresh, "Buffer <==> RF", "Inputs").ingresses);
  EXPECT_DOUBLE_EQ(b_after_a.summary.energy_pJ, b_fresh.summary.energy_pJ);
}

TEST(ModelRules, read_bandwidth_throttles_cycles) {
  auto arch = kOneLevelArch;
  arch.replace(arch.find("word-bits: 8}"), 13, "word-bits: 8, read_bandwidth: 1}");
  auto r = evaluate_yaml({arch, conv1d_problem(3, 16), kAllInBuffer, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  // 48 + 48 + 32 = 128 words read at one word per cycle.
  EXPECT_EQ(r.summary.cycles, 128u);
}

TEST(ModelRules, counts_of_llm_sized_gemms_do_not_overflow) {
  auto problem =
      "problem:\n"
      "  shape:\n"
      "    name: gemm\n"
      "    dimensions: [M, N, K]\n"
      "    data-spaces:\n"
      "    - {name: A, projection: [[[M]], [[K]]]}\n"
      "    - {name: B, projection: [[[K]], [[N]]]}\n"
      "    - {name: Z, projection: [[[M]], [[N]]], read-write: true}\n"
      "  instance: {M: 100000, N: 100000, K: 100000}\n";
  auto map =
      "mapping:\n"
      "- {target: MainMemory, type: temporal, factors: M=100000 N=100000 K=1000, permutation: KNM}\n"
      "- {target: Buffer, type: temporal, factors: K=100, permutation: KMN}\n";
  auto r = evaluate_yaml({two_level_arch(), problem, map, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(r.summary.computes, 1000000000000000ull);  // 10^15 MACs
  EXPECT_EQ(tensor_at(r, "Buffer", "A").reads, 1000000000000000ull);
}

}  // namespace
}  // namespace qloop::testing

namespace qloop::testing {
namespace {

TEST(ModelRules, a_cluster_of_instances_is_charged_once_per_access) {
  // 16 weight registers in clusters of 8 (Simba's weight buffers): each cluster makes one access
  // for its 8 instances. Per instance: 96 reads at 1 pJ and 12 fills at 2 pJ = 120 pJ; 16
  // instances in 2 clusters: 120 / (16 / 2) per instance, 240 pJ in all (not 16 x 120).
  auto arch = R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 64, block-size: 4, word-bits: 16}}
    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 512, width: 64, block-size: 4, word-bits: 16}}
    subtree:
    - name: PE[0..15]
      local:
      - {name: WeightReg, class: regfile, attributes: {depth: 4, width: 128, word-bits: 16, cluster-size: 8, meshX: 16}}
      - {name: MACC, class: intmac, attributes: {datawidth: 16, meshX: 16}}
)";
  auto ert = R"(
ERT:
  version: 0.3
  tables:
  - name: System.MainMemory
    actions: [{name: read, energy: 100}, {name: write, energy: 100}, {name: update, energy: 100}]
  - name: System.GlobalBuffer
    actions: [{name: read, energy: 5}, {name: write, energy: 6}, {name: update, energy: 6}]
  - name: System.PE.WeightReg
    actions: [{name: read, energy: 1}, {name: write, energy: 2}, {name: update, energy: 2}]
  - name: System.PE.MACC
    actions: [{name: mac_random, energy: 0.5}]
)";
  auto mapping = R"(
mapping:
- {target: WeightReg, type: temporal, factors: C=1 K=1 R=3 P=1, permutation: RCKP}
- {target: WeightReg, type: bypass, keep: [Weights], bypass: [Inputs, Outputs]}
- {target: GlobalBuffer, type: temporal, factors: C=4 K=1 R=1 P=8, permutation: PCKR}
- {target: GlobalBuffer, type: spatial, factors: C=1 K=16 R=1 P=1, permutation: KCRP}
- {target: MainMemory, type: temporal, factors: C=1 K=1 R=1 P=1, permutation: CKRP}
)";
  auto r = evaluate_yaml({arch, conv1d_channels_problem(4, 16, 3, 8), mapping, ert});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& w = tensor_at(r, "WeightReg", "Weights");
  EXPECT_EQ(w.reads, 96u);  // 3 weights each read once per (C, P) iteration: 3 x 4 x 8
  EXPECT_EQ(w.fills, 12u);  // 3 weights per C
  EXPECT_DOUBLE_EQ(w.energy_pJ, 240.0);
}

// Sparseloop's designs place a level of depth 0 in the hierarchy: it can hold nothing, so a
// mapping that keeps a tensor there does not fit, and one that bypasses it runs.
TEST(ModelRules, level_of_size_zero_holds_nothing) {
  const std::string mapping =
      "mapping:\n"
      "- {target: MainMemory, type: temporal, factors: R=3 P=16, permutation: RP}\n"
      "- {target: Buffer, type: temporal, factors: R=1 P=1, permutation: RP}\n";
  auto kept = evaluate_yaml({two_level_arch(0), conv1d_problem(3, 16), mapping});
  EXPECT_FALSE(kept.valid);
  ASSERT_TRUE(kept.rejection.has_value());
  EXPECT_EQ(kept.rejection->kind, RejectionKind::kCapacity);
  auto bypassed = evaluate_yaml({two_level_arch(0), conv1d_problem(3, 16),
                                 mapping + "- {target: Buffer, type: bypass, bypass: [Weights, Inputs, Outputs]}\n"});
  EXPECT_TRUE(bypassed.valid) << bypassed.reason;
  EXPECT_EQ(bypassed.summary.computes, 48u);
}

}  // namespace
}  // namespace qloop::testing
