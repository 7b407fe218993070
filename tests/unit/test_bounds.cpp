// The per-tiling bounds branch and bound prunes with must be admissible: no valid variant of
// a tiling may cost less than its bound. Checked mapping by mapping, on every point of small
// mapspaces and on random points of large ones, over designs with everything the model
// counts: kept and free bypass, fan-outs with multicast and neighbour links, packed operands
// and partial-sum widths.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "model_fixture.hpp"
#include "report/mapping_yaml.hpp"
#include "search/bounds.hpp"
#include "search/mapper.hpp"
#include "search/mapspace.hpp"

namespace qloop::testing {
namespace {

struct Checked {
  int valid = 0;
  int above_global = 0;  // valid mappings whose tiling's bound tells more than lower_bound
};

// Each valid mapping's energy and cycles against its tiling's bounds: all points when the
// mapspace has at most `max_points`, otherwise that many random ones.
Checked check_admissible(const input::MapperInputs& in, std::uint64_t max_points, std::uint64_t seed) {
  Mapspace space(in.architecture, in.workload, in.constraints);
  TilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  double global = lower_bound(in.architecture, in.workload, Metric::kEnergy);
  double global_kept = lower_bound(in.architecture, in.workload, Metric::kEnergy, &space);
  Checked checked;
  // Stop at the first mapping below its bound (one report, not thousands).
  auto failures = [] { return ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count(); };
  auto failures_before = failures();
  auto point = space.empty_point();
  auto check = [&](std::uint64_t index) {
    if (space.precheck(point)) return;
    auto mapping = space.build(point);
    auto r = evaluate(in.architecture, in.workload, mapping);
    if (!r.valid) return;
    ++checked.valid;
    double energy_bound = bound.energy(point.tiling);
    EXPECT_LE(energy_bound, r.summary.energy_pJ * (1 + 1e-12)) << "point " << index;
    // Knowing the mapping's own bypass choice and loop orders (every level's: the bound with
    // the most kept levels and blocks, which are all those it has with fewer known) never goes
    // above it either.
    double ordered_bound = bound.energy(point.tiling, {&point.keep, &point.loop_orders, 0});
    EXPECT_LE(ordered_bound, r.summary.energy_pJ * (1 + 1e-12)) << "point " << index << " with its orders";
    EXPECT_GE(ordered_bound, energy_bound);
    EXPECT_LE(bound.cycles(point.tiling), static_cast<double>(r.summary.cycles)) << "point " << index;
    checked.above_global += energy_bound > global * (1 + 1e-9);
    // The global bound with the always-kept levels is every tiling's bound at its least.
    EXPECT_LE(global_kept, energy_bound * (1 + 1e-12)) << "point " << index;
  };
  // Every point, tiling by tiling, when there are few enough.
  const auto& options = space.factor_options();
  auto set_tiling = [&](std::uint64_t index) {
    for (std::size_t dim = 0; dim < options.size(); ++dim) {
      point.tiling[dim] = static_cast<std::uint32_t>(index % options[dim].size());
      index /= options[dim].size();
    }
  };
  std::uint64_t total = 0;
  for (std::uint64_t t = 0; t < space.num_tilings() && total <= max_points; ++t) {
    set_tiling(t);
    total += space.variants(point.tiling).total();
  }
  std::uint64_t n = 0;
  if (total <= max_points) {
    for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
      set_tiling(t);
      auto variants = space.variants(point.tiling);
      for (std::uint64_t v = 0; v < variants.total(); ++v) {
        space.set_variant(point, variants, v);
        check(n++);
        if (failures() > failures_before) return checked;
      }
    }
  } else {
    std::mt19937_64 rng(seed);
    for (; n < max_points; ++n) {
      space.randomize(point, rng);
      check(n);
      if (failures() > failures_before) return checked;
    }
  }
  return checked;
}

// The one point of a mapspace its constraints fix (into `point`), and the model's result for it.
EvaluationResult evaluate_the_only_point(const input::MapperInputs& in, const Mapspace& space, MapspacePoint& point) {
  EXPECT_EQ(space.num_tilings(), 1u);
  auto variants = space.variants(point.tiling);
  EXPECT_EQ(variants.total(), 1u);
  space.set_variant(point, variants, 0);
  return evaluate(in.architecture, in.workload, space.build(point));
}

// MainMemory -> GlobalBuffer -> 2 register files -> 2 MACs, with the keeps `constraints` fix.
input::MapperInputs three_levels(const std::string& instance_extra, const std::string& constraints) {
  auto arch =
      "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
      "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
      "    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 16, width: 16, block-size: 2, word-bits: 8}}\n"
      "    - {name: 'RF[0..1]', class: regfile, attributes: {depth: 4, width: 8, word-bits: 8}}\n"
      "    - {name: 'MACC[0..1]', class: intmac, attributes: {datawidth: 8}}\n";
  auto problem =
      "problem:\n  shape:\n    name: conv1d-k\n    dimensions: [K, R, P]\n    data-spaces:\n"
      "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
      "    - {name: Inputs, projection: [[[R], [P]]]}\n"
      "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
      "  instance: {K: 2, R: 3, P: 4" +
      instance_extra + "}\n";
  return load_mapper_yaml({arch, problem, constraints});
}

TEST(TilingBound, never_exceeds_a_valid_variant_on_every_point_of_three_level_designs) {
  const std::string all_kept =
      "mapspace_constraints:\n"
      "- {target: RF, type: bypass, keep: [Weights, Inputs, Outputs]}\n"
      "- {target: GlobalBuffer, type: bypass, keep: [Weights, Inputs, Outputs]}\n";
  const std::string some_kept =
      "mapspace_constraints:\n"
      "- {target: RF, type: bypass, keep: [Inputs], bypass: [Weights]}\n"
      "- {target: GlobalBuffer, type: bypass, keep: [Outputs]}\n";
  for (const auto& constraints : {all_kept, some_kept}) {
    for (const std::string bits : {"", ", bitwidths: {Weights: 4, Inputs: 2}",
                                   ", bitwidths: {Inputs: 4, Outputs: 2}, partial_sum_bitwidth: 8"}) {
      auto in = three_levels(bits, constraints);
      auto c = check_admissible(in, 200000, 1);
      EXPECT_GT(c.valid, 50) << bits;
      // Not a bound that says nothing: the levels that always keep a tensor add to it.
      EXPECT_EQ(c.above_global, c.valid) << bits;
    }
  }
}

TEST(TilingBound, never_exceeds_a_valid_variant_where_fanouts_multicast_and_use_neighbour_links) {
  auto arch = pe_row_arch();
  auto kept = "mapspace_constraints:\n- {target: Buffer, type: bypass, keep: [Weights, Inputs, Outputs]}\n";
  for (bool quantized : {false, true}) {
    auto in = load_mapper_yaml({arch, conv1d_channels_problem(4, 4, 3, 16), kept});
    if (quantized) {
      in.workload.bitwidths[0] = 2;  // Weights, four to a word
      in.workload.bitwidths[1] = 4;  // Inputs, two to a word
    }
    auto c = check_admissible(in, 20000, 2);
    EXPECT_GT(c.valid, 1000) << (quantized ? "quantized" : "");
    EXPECT_EQ(c.above_global, c.valid) << (quantized ? "quantized" : "");
  }
}

TEST(TilingBound, never_exceeds_a_valid_variant_on_the_eyeriss_like_design) {
  for (int layer : {2, 3}) {
    auto in = input::load_mapper_inputs(
        {example("mapper-eyeriss-like/arch.yaml"), example("mapper-eyeriss-like/constraints.yaml"),
         example("mapper-eyeriss-like/layers/alexnet_conv" + std::to_string(layer) + ".yaml")});
    auto c = check_admissible(in, 3000, 10 + layer);
    EXPECT_GT(c.valid, 1000) << "conv" << layer;
    EXPECT_EQ(c.above_global, c.valid) << "conv" << layer;
    // Quantized: 4-bit weights and inputs, packed four to a 16-bit word.
    in.workload.bitwidths[0] = 4;
    in.workload.bitwidths[1] = 4;
    auto q = check_admissible(in, 3000, 20 + layer);
    EXPECT_GT(q.valid, 1000) << "conv" << layer << " at 4 bits";
    EXPECT_EQ(q.above_global, q.valid) << "conv" << layer << " at 4 bits";
  }
}

// Term by term: the bound's energy for each level and tensor is at most the model's energy of
// that tensor there, with or without the mapping's loop orders. On the Eyeriss-like design the
// inputs' window (R with P, S with Q) may be split across the DummyBuffer row's fanout, whose
// neighbour links the model shares among all 168 scratchpads (tile_collapse.cpp): there a
// scratchpad's own compulsory fills are more than the model counts, and the global buffer's
// accesses are rescaled through the bypassed row. Until 2026-12-04 the bound charged those
// fills; only the slack of other terms kept its sum below the mapping's energy.
TEST(TilingBound, each_level_and_tensor_stays_below_its_own_energy_where_neighbour_links_pass_inputs) {
  int linked = 0;
  for (int layer : {2, 3}) {
    for (int bits : {16, 4}) {
      auto in = input::load_mapper_inputs(
          {example("mapper-eyeriss-like/arch.yaml"), example("mapper-eyeriss-like/constraints.yaml"),
           example("mapper-eyeriss-like/layers/alexnet_conv" + std::to_string(layer) + ".yaml")});
      if (bits == 4) in.workload.bitwidths[0] = in.workload.bitwidths[1] = 4;
      Mapspace space(in.architecture, in.workload, in.constraints);
      TilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
      auto point = space.empty_point();
      std::mt19937_64 rng(7 + layer);
      int valid = 0;
      for (int n = 0; n < 3000; ++n) {
        space.randomize(point, rng);
        if (space.precheck(point)) continue;
        auto mapping = space.build(point);
        auto r = evaluate(in.architecture, in.workload, mapping);
        if (!r.valid) continue;
        ++valid;
        const auto& row = mapping.levels[3].spatial_factors;  // DummyBuffer's fanout
        for (const char* window : {"R", "S", "P", "Q"}) {
          auto dim = std::find(in.workload.dimension_names.begin(), in.workload.dimension_names.end(), window) -
                     in.workload.dimension_names.begin();
          if (row[dim] > 1) {
            ++linked;
            break;
          }
        }
        for (bool with_orders : {false, true}) {
          KnownChoices orders;
          if (with_orders) orders = {&point.keep, &point.loop_orders, 0};
          for (const auto& term : bound.energy_terms(point.tiling, orders)) {
            const auto& level = r.storage[term.level];
            auto tensor = std::find_if(level.tensors.begin(), level.tensors.end(), [&](const auto& t) {
              return t.tensor == in.workload.data_spaces[term.ds].name;
            });
            ASSERT_NE(tensor, level.tensors.end()) << level.name;
            ASSERT_LE(term.pJ, tensor->energy_pJ * (1 + 1e-9))
                << "conv" << layer << " at " << bits << " bits, point " << n << ": " << level.name << " "
                << tensor->tensor << (with_orders ? " with its orders" : "");
          }
        }
      }
      EXPECT_GT(valid, 2500) << "conv" << layer << " at " << bits << " bits";
    }
  }
  // Many of them split the window across the row.
  EXPECT_GT(linked, 2000);
}

// Hand counts on partial_sums_refetched_across_a_fanout (model_fixture.hpp): the model's
// Buffer is updated 12 times and reads 12 less its partition (the 4 outputs' first updates),
// 8; it is filled with the 4 once. The bound: the RFs hold 2 outputs between them; each step
// of the Buffer's P moves them onto 2 others, and each of MainMemory's R sends them back to
// the first (R is none of the outputs' ranks: a move unlike P's, after which the model keeps
// nothing over; intake_by_innermost_sweeps): 6 tiles of 2 enter whole, 12 updates, of which
// all but the 4 firsts read: 8 reads, the model's counts. Below the Buffer lies a fanout, yet
// the model reads its partial sums all the same; until 2026-12-05 the bound charged those
// reads only at a keeper with no fanout below.
TEST(TilingBound, charges_the_reads_of_partial_sums_at_a_keeper_with_a_fanout_below) {
  auto in = partial_sums_refetched_across_a_fanout();
  Mapspace space(in.architecture, in.workload, in.constraints);
  auto point = space.empty_point();
  auto r = evaluate_the_only_point(in, space, point);
  ASSERT_TRUE(r.valid) << r.reason;
  const int buffer = 1, outputs = 2;
  const auto& counted = r.storage[buffer].tensors.back();
  ASSERT_EQ(counted.tensor, "Outputs");
  EXPECT_EQ(counted.updates, 12u);
  EXPECT_EQ(counted.reads, 8u);
  EXPECT_EQ(counted.fills, 4u);
  const auto& energy = in.architecture.storage[buffer].energy;
  TilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  for (bool with_orders : {false, true}) {
    KnownChoices known;
    if (with_orders) known = {&point.keep, &point.loop_orders, 0};
    double charged = -1;
    for (const auto& term : bound.energy_terms(point.tiling, known)) {
      if (term.level == buffer && term.ds == outputs) charged = term.pJ;
    }
    EXPECT_DOUBLE_EQ(charged, 12 * energy.update_pJ + 8 * energy.read_pJ + 4 * energy.fill_pJ) << with_orders;
    EXPECT_LE(charged, counted.energy_pJ);
  }
}

// Hand counts on halo_read_again_under_two_sliding_loops (model_fixture.hpp): MainMemory
// reads 48 inputs. The bound, orders known or not: 4 tiles of 16 in turn, and every step moves
// P's or Q's window by 2 of its 4, so the Buffer keeps at most 2 x 4 of its tile: at least
// 16 + 3 (16 - 8) = 40 reads (what two boxes share), where the tensor alone (what the bound
// said before) is 36. By the model's sweeps (intake_by_innermost_sweeps), whichever of P and
// Q is the inner loop, the other one's step (the inner one starting over) brings a whole
// tile: 2 tiles of 16 and 2 steps of 8, 48.
TEST(TilingBound, reads_a_convolutions_halo_again_when_two_sliding_loops_lie_above_its_buffer) {
  auto in = halo_read_again_under_two_sliding_loops();
  Mapspace space(in.architecture, in.workload, in.constraints);
  auto point = space.empty_point();
  auto r = evaluate_the_only_point(in, space, point);
  ASSERT_TRUE(r.valid) << r.reason;
  const int memory = 1, inputs = 1;
  const auto& counted = r.storage[memory].tensors[inputs];
  ASSERT_EQ(counted.tensor, "Inputs");
  EXPECT_EQ(counted.reads, 48u);
  const auto& energy = in.architecture.storage[memory].energy;
  TilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  for (bool with_orders : {false, true}) {
    KnownChoices known;
    if (with_orders) known = {&point.keep, &point.loop_orders, 0};
    double charged = -1;
    for (const auto& term : bound.energy_terms(point.tiling, known)) {
      if (term.level == memory && term.ds == inputs) charged = term.pJ;
    }
    EXPECT_DOUBLE_EQ(charged, 48 * energy.read_pJ) << with_orders;
  }
}

// How much of a box two consecutive blocks share, for a convolution's inputs (ranks R + P and
// S + Q) in a box of R 3, S 3, P 2, Q 2 (4 x 4): a step of P alone moves its rank by 2 of 4
// (2 x 4 shared), of Q the same; with both outside, one of them steps: 8. With R outside as
// well, R + P may move by 0 (R up, P back to the start) while Q stays: all 16. Outputs (ranks
// P and Q) share nothing after a step of P. A loop of a dimension not in the tensor may leave
// the box where it was: the weights' 3 x 3 under a P loop.
TEST(FlatProjections, consecutive_boxes_share_at_most_what_the_stepping_loop_leaves_in_place) {
  auto in = halo_read_again_under_two_sliding_loops();
  FlatProjections projections(in.workload);
  const int inputs = 1;
  const DimensionId r = 0, p = 2, q = 3;
  std::array<double, kMaxDimensions> box;
  box.fill(1);
  box[0] = 3, box[1] = 3, box[p] = 2, box[q] = 2;
  EXPECT_DOUBLE_EQ(projections.shared_after_step(inputs, box, 1u << p), 8);
  EXPECT_DOUBLE_EQ(projections.shared_after_step(inputs, box, 1u << q), 8);
  EXPECT_DOUBLE_EQ(projections.shared_after_step(inputs, box, (1u << p) | (1u << q)), 8);
  EXPECT_DOUBLE_EQ(projections.shared_after_step(inputs, box, (1u << p) | (1u << r)), 16);
  const int outputs = 2;
  EXPECT_DOUBLE_EQ(projections.shared_after_step(outputs, box, 1u << p), 0);
  const int weights = 0;
  EXPECT_DOUBLE_EQ(projections.shared_after_step(weights, box, 1u << p), 9);
}

// The same mapping with the Buffer moving one word a cycle each way. The model: 6 compute
// cycles (R 3 times P 2), but the Buffer writes 12 updates and 4 fills, 16 cycles (its 8
// reads take 8). The bound, with the choices known or not: the same 12 updates and 4 fills,
// 16 cycles (8 reads); the compute cycles alone, 6.
TEST(TilingBound, stretches_its_cycles_to_a_levels_least_words_over_its_bandwidth) {
  auto in = partial_sums_refetched_across_a_fanout(", read_bandwidth: 1, write_bandwidth: 1");
  Mapspace space(in.architecture, in.workload, in.constraints);
  auto point = space.empty_point();
  auto r = evaluate_the_only_point(in, space, point);
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(r.summary.cycles, 16u);
  TilingBound bound(in.architecture, in.workload, space, Metric::kEdp);
  EXPECT_DOUBLE_EQ(bound.cycles(point.tiling), 6);
  EXPECT_NEAR(bound.cycles(point.tiling, {}), 16, 1e-6);
  EXPECT_NEAR(bound.cycles(point.tiling, {&point.keep, &point.loop_orders, 0}), 16, 1e-6);
  // EDP: the energy bound times those 16 cycles.
  TilingBound::Scratch scratch;
  double edp = bound.energy(point.tiling) * 16;
  EXPECT_TRUE(bound.exceeds(point.tiling, edp * (1 - 1e-6), scratch, {}));
  EXPECT_FALSE(bound.exceeds(point.tiling, edp * (1 + 1e-6), scratch, {}));
}

// Every point of a small layer on the same design (each scratchpad its tensor's innermost
// level, read or updated once per operation).
TEST(TilingBound, never_exceeds_a_valid_variant_on_every_point_of_a_small_eyeriss_like_layer) {
  auto in = eyeriss_like_conv("{C: 2, M: 4, R: 3, S: 3, N: 1, P: 2, Q: 2}");
  auto c = check_admissible(in, 1000000, 1);
  EXPECT_GT(c.valid, 100000);
}

// Hand counts: r + s p over r < R, p < P is contiguous while s <= R, and has R P values
// otherwise; a lone s p has P values; the hull is 1 + (R - 1) + s (P - 1).
// A grouped layer's channel g * C + c (c < C) has one pair of digits per value: a fanout that
// splits G or C moves each child's tile as if they were ranks of their own, never onto a
// neighbour's (docs/mapper.md, "Ranks of digits"), and children that differ in them hold
// disjoint data. A coefficient other than C's bound makes the pair a window again: g * 3 + c
// with c < 2 leaves gaps (a tile shifted by a step of g is no neighbour's, but the rule is
// proved only for exact digits), g * 2 + c with c < 4 overlaps.
TEST(FlatProjections, a_grouped_layers_channel_digits_are_no_window) {
  auto grouped = [](int cgroup, int c) {
    return load_mapper_yaml(
        {two_level_arch(),
         "problem:\n  shape:\n    name: grouped-conv1d\n    dimensions: [G, C, K, R, P]\n"
         "    coefficients: [{name: Cgroup, default: 1}, {name: Kgroup, default: 1}]\n    data-spaces:\n"
         "    - {name: Weights, projection: [[[G]], [[C]], [[K]], [[R]]]}\n"
         "    - {name: Inputs, projection: [[[G, Cgroup], [C]], [[R], [P]]]}\n"
         "    - {name: Outputs, projection: [[[G, Kgroup], [K]], [[P]]], read-write: true}\n"
         "  instance: {G: 2, C: " +
             std::to_string(c) + ", K: 3, R: 3, P: 4, Cgroup: " + std::to_string(cgroup) + ", Kgroup: 3}\n"});
  };
  const DimensionId g = 0, c = 1, k = 2, r = 3;
  const int inputs = 1, outputs = 2;
  auto digits = grouped(2, 2);
  FlatProjections exact(digits.workload);
  EXPECT_FALSE(exact.in_window(inputs, g));
  EXPECT_FALSE(exact.in_window(inputs, c));
  EXPECT_TRUE(exact.in_window(inputs, r));  // the sliding window stays one
  EXPECT_FALSE(exact.in_window(outputs, g));
  EXPECT_FALSE(exact.in_window(outputs, k));
  EXPECT_TRUE(exact.splits_apart(inputs, g));
  EXPECT_TRUE(exact.splits_apart(inputs, c));
  EXPECT_FALSE(exact.splits_apart(inputs, r));
  // Depthwise (C = 1): g * 1 + c.
  FlatProjections depthwise(grouped(1, 1).workload);
  EXPECT_FALSE(depthwise.in_window(inputs, g));
  EXPECT_TRUE(depthwise.splits_apart(inputs, g));
  for (auto [cgroup, channels] : {std::pair{3, 2}, std::pair{2, 4}}) {
    FlatProjections other(grouped(cgroup, channels).workload);
    EXPECT_TRUE(other.in_window(inputs, g)) << cgroup << " " << channels;
    EXPECT_TRUE(other.in_window(inputs, c)) << cgroup << " " << channels;
    EXPECT_FALSE(other.in_window(outputs, g));  // Kgroup = K: digits
  }
}

// The grouped AlexNet conv2 (G = 2, C = 48, M = 128 per group, as `qloop network` lowers it) on
// the Eyeriss-like design, whose fanouts split C and M within a group: each random valid
// mapping's energy, and each level's and tensor's, is at least the bound's, at 16 and at 4 bits.
TEST(TilingBound, never_exceeds_a_valid_variant_of_a_grouped_layer_on_the_eyeriss_like_design) {
  auto in = grouped_alexnet_conv2_on_the_eyeriss_like_design();
  int split_channels = 0;  // mappings whose fanouts split C or M
  for (int bits : {16, 4}) {
    if (bits == 4) in.workload.bitwidths[0] = in.workload.bitwidths[1] = 4;
    auto c = check_admissible(in, 3000, 30 + bits);
    EXPECT_GT(c.valid, 1000) << bits << " bits";
    Mapspace space(in.architecture, in.workload, in.constraints);
    TilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
    auto point = space.empty_point();
    std::mt19937_64 rng(bits);
    for (int n = 0; n < 3000; ++n) {
      space.randomize(point, rng);
      if (space.precheck(point)) continue;
      auto mapping = space.build(point);
      auto r = evaluate(in.architecture, in.workload, mapping);
      if (!r.valid) continue;
      bool split = false;
      for (const auto& level : mapping.levels)
        split = split || level.spatial_factors[1] > 1 || level.spatial_factors[2] > 1;
      split_channels += split;
      for (const auto& term : bound.energy_terms(point.tiling, {&point.keep, &point.loop_orders, 0})) {
        const auto& level = r.storage[term.level];
        for (const auto& t : level.tensors) {
          if (t.tensor != in.workload.data_spaces[term.ds].name) continue;
          ASSERT_LE(term.pJ, t.energy_pJ * (1 + 1e-9))
              << bits << " bits, point " << n << ": " << level.name << " " << t.tensor << "\n"
              << report::mapping_yaml(in.architecture, in.workload, mapping);
        }
      }
    }
  }
  EXPECT_GT(split_channels, 2000);
}

TEST(FlatProjections, distinct_points_leave_out_the_gaps_a_stride_leaves) {
  auto in = load_mapper_yaml({two_level_arch(), conv1d_problem(3, 4, 2)});  // Inputs: [[R], [P, Wstride]]
  FlatProjections projections(in.workload);
  const int inputs = 1;
  auto box = [](double r, double p) {
    std::array<double, kMaxDimensions> e;
    e.fill(1);
    e[0] = r;  // R
    e[1] = p;  // P
    return e;
  };
  EXPECT_EQ(projections.hull(inputs, box(3, 4)), 9);  // 1 + 2 + 2 * 3
  EXPECT_EQ(projections.distinct(inputs, box(3, 4)), 9);
  EXPECT_EQ(projections.hull(inputs, box(1, 6)), 11);  // 0, 2, ..., 10
  EXPECT_EQ(projections.distinct(inputs, box(1, 6)), 6);
  auto wide =
      load_mapper_yaml({two_level_arch(), conv1d_problem(2, 4, 4)});  // stride 4 over a window of 2: 0 1 4 5 8 9 12 13
  FlatProjections wide_projections(wide.workload);
  EXPECT_EQ(wide_projections.hull(inputs, box(2, 4)), 14);
  EXPECT_EQ(wide_projections.distinct(inputs, box(2, 4)), 8);
}

// A 1x1 convolution with stride 2 touches every other input: a bound that charged the hull
// (11 inputs for 6 outputs) was above the optimum.
TEST(TilingBound, a_strided_layer_is_bounded_by_the_inputs_it_touches) {
  auto in = load_mapper_yaml({two_level_arch(64, 1), conv1d_problem(1, 6, 2)});
  MapperSettings settings;
  settings.algorithm = SearchAlgorithm::kExhaustive;
  settings.objectives = {Metric::kEnergy};
  settings.threads = 1;
  settings.victory_condition = 0;
  settings.time_limit_seconds = 0;
  settings.elite_size = 1;  // every point
  auto best = run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
  ASSERT_TRUE(best.found);
  Mapspace space(in.architecture, in.workload, in.constraints);
  EXPECT_LE(lower_bound(in.architecture, in.workload, Metric::kEnergy, &space), best.cost.energy_pJ);
}

// Branch and bound with those bounds against the same enumeration without it (an elite list
// turns it off): the same optimum, on energy and EDP, with most tilings never evaluated.
TEST(TilingBound, branch_and_bound_keeps_the_optimum_of_the_whole_enumeration) {
  auto in = eyeriss_like_conv("{C: 2, M: 4, R: 3, S: 3, N: 1, P: 2, Q: 2, bitwidths: {Weights: 4}}");
  for (auto metric : {Metric::kEnergy, Metric::kEdp}) {
    MapperSettings settings;
    settings.algorithm = SearchAlgorithm::kExhaustive;
    settings.objectives = {metric};
    settings.threads = 2;
    settings.victory_condition = 0;
    settings.time_limit_seconds = 0;
    auto pruned = run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
    settings.elite_size = 1;
    auto whole = run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
    ASSERT_TRUE(pruned.found && whole.found);
    EXPECT_TRUE(pruned.report.optimal);
    EXPECT_EQ(whole.report.pruned_tilings, 0u);
    EXPECT_GT(pruned.report.pruned_tilings, pruned.report.mapspace_tilings / 4);
    EXPECT_LT(pruned.report.evaluated, whole.report.evaluated / 2);
    EXPECT_DOUBLE_EQ(pruned.cost.metric(metric), whole.cost.metric(metric));
  }
}

}  // namespace
}  // namespace qloop::testing
