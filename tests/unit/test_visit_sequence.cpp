// The closed-form nest analysis against the walk it replaces: on thousands of random
// mappings of designs with every feature the walk handles (temporal tiling, bypass, fan-outs
// along X and Y, fan-outs straight into the compute units, neighbour links, strided and
// dilated projections, grouped convolutions), both must give identical per-loop results, and
// the analysis for a cost (which leaves out what tile collapse overwrites) identical counts.
#include <gtest/gtest.h>

#include <future>
#include <random>

#include "analysis/nest_analysis.hpp"
#include "analysis/tile_collapse.hpp"
#include "analysis/visit_sequence.hpp"
#include "model_fixture.hpp"
#include "search/mapspace.hpp"

namespace qloop::testing {
namespace {

// `relative`: 0 for exact equality (per-loop results sum integers); a few ulps for counts
// that a bypass rescaled (apply_bypass rounds the rescaled real value, the placeholder's not).
void expect_same_stats(const AccessStats& a, const AccessStats& b, const std::string& where, double relative = 0) {
  std::vector<AccessPattern> pa(a.begin(), a.end()), pb(b.begin(), b.end());
  EXPECT_EQ(pa.size(), pb.size()) << where;
  if (pa.size() != pb.size()) return;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].multicast, pb[i].multicast) << where;
    EXPECT_EQ(pa[i].scatter, pb[i].scatter) << where;
    if (relative == 0) {
      EXPECT_EQ(pa[i].accesses, pb[i].accesses) << where;
    } else {
      EXPECT_NEAR(pa[i].accesses, pb[i].accesses, relative * pb[i].accesses) << where;
    }
  }
}

struct Coverage {
  int covered = 0;       // points the closed form applied to
  int multicast = 0;     // ... where some parent multicasts to several children
  int linked = 0;        // ... where some children use neighbour links
  int placeholders = 0;  // ... where the analysis for a cost left a bypassed tile's deltas out
};

void expect_same_counts(const CollapsedTiles& a, const CollapsedTiles& b, const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t l = 0; l < a.size(); ++l) {
    ASSERT_EQ(a[l].size(), b[l].size()) << where;
    for (std::size_t ds = 0; ds < a[l].size(); ++ds) {
      auto at = where + ", level " + std::to_string(l) + ", tensor " + std::to_string(ds);
      const auto& x = a[l][ds];
      const auto& y = b[l][ds];
      EXPECT_EQ(x.kept, y.kept) << at;
      EXPECT_EQ(x.tile_size, y.tile_size) << at;
      EXPECT_EQ(x.partition_size, y.partition_size) << at;
      EXPECT_EQ(x.instances, y.instances) << at;
      EXPECT_EQ(x.reads, y.reads) << at;
      EXPECT_EQ(x.fills, y.fills) << at;
      EXPECT_EQ(x.updates, y.updates) << at;
      EXPECT_EQ(x.temporal_reductions, y.temporal_reductions) << at;
      EXPECT_EQ(x.link_transfers, y.link_transfers) << at;
      expect_same_stats(x.to_children, y.to_children, at, 1e-14);
    }
  }
}

// Compares the two analyses on random points of the mapspace; says what the points exercised.
Coverage compare_on_random_mappings(const input::MapperInputs& in, int points, std::uint64_t seed) {
  Mapspace space(in.architecture, in.workload, in.constraints);
  std::mt19937_64 rng(seed);
  auto point = space.empty_point();
  NestAnalysisResult folded, for_cost;
  Coverage covered;
  // Stop at the first point that differs (one report, not thousands).
  auto failures = [] { return ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count(); };
  auto failures_before = failures();
  for (int i = 0; i < points; ++i) {
    // Every other point is another variant (loop orders, keeps, X/Y) of the previous point's
    // tiling, as the mapper proposes them: the geometry kept across those must still hold.
    if (i % 2 == 0) {
      space.randomize(point, rng);
    } else {
      auto variants = space.variants(point.tiling);
      space.set_variant(point, variants, std::uniform_int_distribution<std::uint64_t>(0, variants.total() - 1)(rng));
    }
    auto mapping = space.build(point);
    auto nest = build_loop_nest(mapping, in.workload);
    auto walked = walk_nest(in.workload, nest, in.architecture);
    // One result buffer for all points, as the mapper reuses it: nothing may leak between them.
    if (!analyze_nest_in_closed_form(in.workload, nest, in.architecture, folded)) continue;
    ++covered.covered;
    bool multicast = false, linked = false;
    auto where = "point " + std::to_string(i);
    EXPECT_EQ(folded.compute_cycles, walked.compute_cycles) << where;
    EXPECT_EQ(folded.compute_instances, walked.compute_instances) << where;
    EXPECT_EQ(folded.tiles.size(), walked.tiles.size()) << where;
    if (failures() > failures_before) return covered;
    for (std::size_t ds = 0; ds < walked.tiles.size(); ++ds) {
      EXPECT_EQ(folded.tiles[ds].size(), walked.tiles[ds].size()) << where;
      if (folded.tiles[ds].size() != walked.tiles[ds].size()) return covered;
      for (std::size_t l = 0; l < walked.tiles[ds].size(); ++l) {
        const auto& f = folded.tiles[ds][l];
        const auto& w = walked.tiles[ds][l];
        auto at = where + ", tensor " + std::to_string(ds) + ", loop " + std::to_string(l);
        EXPECT_EQ(f.size, w.size) << at;
        EXPECT_EQ(f.link_transfers, w.link_transfers) << at;
        EXPECT_EQ(f.replication, w.replication) << at;
        EXPECT_EQ(f.fanout, w.fanout) << at;
        EXPECT_EQ(f.on_storage_boundary, w.on_storage_boundary) << at;
        EXPECT_EQ(f.master_spatial, w.master_spatial) << at;
        expect_same_stats(f.accesses, w.accesses, at);
        multicast = multicast || w.accesses.max_multicast() > 1;
        linked = linked || w.link_transfers > 0;
      }
    }
    covered.multicast += multicast;
    covered.linked += linked;
    // Left out for a cost (analyze_nest with the mapping's keeps): placeholders where tile
    // collapse overwrites, so the collapsed counts are the walk's, exactly (what a bypass
    // serves, to the rescaling's rounding).
    if (!analyze_nest_in_closed_form(in.workload, nest, in.architecture, for_cost, &mapping)) {
      ADD_FAILURE() << where << ": the closed form applies only without keeps";
      return covered;
    }
    bool placeholder = false;
    for (std::size_t ds = 0; ds < walked.tiles.size(); ++ds) {
      for (std::size_t l = 0; l < walked.tiles[ds].size(); ++l) {
        placeholder = placeholder || for_cost.tiles[ds][l].accesses.total() != walked.tiles[ds][l].accesses.total();
      }
    }
    covered.placeholders += placeholder;
    expect_same_counts(collapse_tiles(for_cost, nest, mapping, in.workload),
                       collapse_tiles(walked, nest, mapping, in.workload), where);
    if (failures() > failures_before) return covered;
  }
  return covered;
}

TEST(ClosedFormNestAnalysis, equals_the_walk_on_the_3_level_alexnet_conv1_design) {
  auto in = input::load_mapper_inputs(
      {example("alexnet-conv1-3level/arch.yaml"), example("alexnet-conv1-3level/problem.yaml")});
  auto c = compare_on_random_mappings(in, 400, 1);
  EXPECT_EQ(c.covered, 400);
  EXPECT_GT(c.multicast, 0);
}

// The closed form keeps what depends only on the tiling from one call to the next; the same
// nest on a workload with other strides must not see the previous workload's tiles.
TEST(ClosedFormNestAnalysis, keeps_nothing_of_a_previous_workload_with_the_same_tiling) {
  auto in = input::load_mapper_inputs(
      {example("alexnet-conv1-3level/arch.yaml"), example("alexnet-conv1-3level/problem.yaml")});
  Workload restrided = in.workload;
  ASSERT_FALSE(restrided.coefficient_values.empty());
  for (auto& value : restrided.coefficient_values) value = value == 1 ? 2 : 1;
  Mapspace space(in.architecture, in.workload, in.constraints);
  std::mt19937_64 rng(5);
  auto point = space.empty_point();
  NestAnalysisResult folded;
  int compared = 0;
  for (int i = 0; i < 20; ++i) {
    space.randomize(point, rng);
    auto mapping = space.build(point);
    for (const Workload* workload : {&in.workload, &restrided, &in.workload}) {
      auto nest = build_loop_nest(mapping, *workload);
      // Walked on a thread of its own: a fresh walker, whose geometry has seen no other workload.
      auto walked = std::async(std::launch::async, [&] { return walk_nest(*workload, nest, in.architecture); }).get();
      ASSERT_TRUE(analyze_nest_in_closed_form(*workload, nest, in.architecture, folded));
      ASSERT_EQ(folded.tiles.size(), walked.tiles.size());
      for (std::size_t ds = 0; ds < walked.tiles.size(); ++ds) {
        ASSERT_EQ(folded.tiles[ds].size(), walked.tiles[ds].size());
        for (std::size_t l = 0; l < walked.tiles[ds].size(); ++l) {
          EXPECT_EQ(folded.tiles[ds][l].size, walked.tiles[ds][l].size) << "point " << i << ", loop " << l;
          expect_same_stats(folded.tiles[ds][l].accesses, walked.tiles[ds][l].accesses, "point " + std::to_string(i));
        }
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 60);
}

TEST(ClosedFormNestAnalysis, equals_the_walk_on_the_eyeriss_like_design_with_its_constraints) {
  for (int layer = 1; layer <= 5; ++layer) {
    auto in = input::load_mapper_inputs(
        {example("mapper-eyeriss-like/arch.yaml"), example("mapper-eyeriss-like/constraints.yaml"),
         example("mapper-eyeriss-like/layers/alexnet_conv" + std::to_string(layer) + ".yaml")});
    auto c = compare_on_random_mappings(in, 120, 10 + layer);
    EXPECT_EQ(c.covered, 120) << "conv" << layer;
    EXPECT_GT(c.multicast, 0) << "conv" << layer;
    EXPECT_GT(c.placeholders, 0) << "conv" << layer;
  }
}

TEST(ClosedFormNestAnalysis, equals_the_walk_on_the_eyeriss_like_design_without_constraints) {
  for (int layer : {2, 5}) {
    auto in = input::load_mapper_inputs(
        {example("mapper-eyeriss-like/arch.yaml"),
         example("mapper-eyeriss-like/layers/alexnet_conv" + std::to_string(layer) + ".yaml")});
    auto c = compare_on_random_mappings(in, 200, 20 + layer);
    EXPECT_EQ(c.covered, 200) << "conv" << layer;
    EXPECT_GT(c.linked, 0) << "conv" << layer;
  }
}

// A 2-D PE array whose PEs each fan out to four MACs (spatial loops right above the compute
// units), on a dilated, strided, grouped convolution.
TEST(ClosedFormNestAnalysis, equals_the_walk_with_fanouts_into_the_compute_units_and_grouped_strided_projections) {
  auto arch = R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: DRAM, class: DRAM, attributes: {width: 64, block-size: 8, word-bits: 8}}
    subtree:
    - name: Chip
      local:
      - {name: GLB, class: SRAM, attributes: {depth: 4096, width: 64, block-size: 8, word-bits: 8}}
      subtree:
      - name: PE[0..11]
        local:
        - {name: RF, class: regfile, attributes: {depth: 64, width: 8, block-size: 1, word-bits: 8, meshX: 4}}
        - name: MAC[0..3]
          class: intmac
          attributes: {datawidth: 8, meshX: 8}
)";
  auto problem = R"(
problem:
  shape:
    name: grouped-dilated
    dimensions: [G, C, M, R, S, P, Q]
    coefficients: [{name: Wstride, default: 2}, {name: Hdilation, default: 2}]
    data-spaces:
    - {name: Weights, projection: [[[G]], [[C]], [[M]], [[R]], [[S]]]}
    - {name: Inputs, projection: [[[G]], [[C]], [[R, Hdilation], [P, Wstride]], [[S], [Q]]]}
    - {name: Outputs, projection: [[[G]], [[M]], [[P]], [[Q]]], read-write: true}
  instance: {G: 2, C: 3, M: 4, R: 3, S: 2, P: 6, Q: 4}
)";
  auto in = load_mapper_yaml({arch, problem});
  auto c = compare_on_random_mappings(in, 600, 7);
  EXPECT_EQ(c.covered, 600);
  EXPECT_GT(c.multicast, 0);
  EXPECT_GT(c.linked, 0);
}

// A 1-D conv across a row of PEs, where a PE can take its sliding-window inputs from its
// neighbour: exercises the link cases.
TEST(ClosedFormNestAnalysis, equals_the_walk_where_neighbour_links_serve_sliding_windows) {
  auto arch = pe_row_arch();
  auto in = load_mapper_yaml({arch, conv1d_channels_problem(4, 4, 3, 16)});
  auto c = compare_on_random_mappings(in, 1500, 3);
  EXPECT_EQ(c.covered, 1500);
  EXPECT_GT(c.linked, 10);
  auto strided = load_mapper_yaml({arch, conv1d_problem(5, 24, 2)});
  auto s = compare_on_random_mappings(strided, 1000, 4);
  EXPECT_EQ(s.covered, 1000);
  EXPECT_GT(s.multicast, 0);
  // Inputs indexed R + P along both ranks: every move is diagonal, so deltas are corners (a
  // tile minus its previous position, no box), which links can serve too.
  auto diagonal = load_mapper_yaml({arch, R"(
problem:
  shape:
    name: diagonal-window
    dimensions: [R, P]
    data-spaces:
    - {name: Weights, projection: [[[R]]]}
    - {name: Inputs, projection: [[[R], [P]], [[R], [P]]]}
    - {name: Outputs, projection: [[[P]]], read-write: true}
  instance: {R: 3, P: 16}
)"});
  auto d = compare_on_random_mappings(diagonal, 1500, 5);
  EXPECT_EQ(d.covered, 1500);
  EXPECT_GT(d.linked, 10);
}

}  // namespace
}  // namespace qloop::testing
