// The most compute units a mapping can keep busy: spatial factors divide their dimensions, so
// a fanout that no product of them fills stays partly idle in every mapping.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "model_fixture.hpp"
#include "search/bounds.hpp"
#include "search/mapper.hpp"
#include "search/mapspace.hpp"
#include "search/parallelism_bound.hpp"

namespace qloop::testing {
namespace {

std::array<double, kMaxDimensions> whole(const Workload& workload) {
  std::array<double, kMaxDimensions> extents;
  extents.fill(1);
  for (DimensionId d = 0; d < workload.num_dimensions(); ++d)
    extents[d] = static_cast<double>(workload.dimension_bounds[d]);
  return extents;
}

// On the Eyeriss-like design the global buffer fans out to 14 rows (dimensions C, M, P, Q may
// go across), each row to 12 PEs (C, M, R, S, Q).
// AlexNet conv2: 48 x 256 x 5 x 5 x 27 x 27 has no factor of 7, so a row of 14 is filled to 12
// at most (e.g. 4 x 3), and the 12 PEs of a row fully: 144 of 168 busy, so at least
// 223,948,800 / 144 = 1,555,200 cycles (not 1,333,029 at 168).
TEST(ParallelismBound, a_fanout_no_product_of_the_factors_fills_stays_partly_idle) {
  auto in = eyeriss_like_conv("{C: 48, M: 256, R: 5, S: 5, N: 1, P: 27, Q: 27}");
  Mapspace space(in.architecture, in.workload, in.constraints);
  ParallelismBound parallelism(in.architecture, in.workload, space);
  EXPECT_EQ(parallelism.most(whole(in.workload), in.architecture.num_storage_levels()), 144);
  EXPECT_EQ(lower_bound(in.architecture, in.workload, Metric::kDelay, &space), 1555200);
  // Without the mapspace nothing is known of the factors: every unit busy.
  EXPECT_EQ(lower_bound(in.architecture, in.workload, Metric::kDelay), 1333029);
  // The certified search meets it: the bound is the optimum.
  auto settings = in.settings;
  settings.algorithm = SearchAlgorithm::kOptimal;
  settings.objectives = {Metric::kDelay};
  settings.threads = 1;
  settings.time_limit_seconds = 120;  // a guard; it meets the bound at once
  auto r = run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
  ASSERT_TRUE(r.found);
  EXPECT_TRUE(r.report.optimal);
  EXPECT_EQ(r.cost.cycles, 1555200);
}

// With P = Q = 28 a row of 14 is filled (P or Q by 14, or 7 x 2), and every PE can be busy.
TEST(ParallelismBound, a_fanout_the_factors_fill_is_counted_whole) {
  auto in = eyeriss_like_conv("{C: 48, M: 256, R: 5, S: 5, N: 1, P: 28, Q: 28}");
  Mapspace space(in.architecture, in.workload, in.constraints);
  ParallelismBound parallelism(in.architecture, in.workload, space);
  EXPECT_EQ(parallelism.most(whole(in.workload), in.architecture.num_storage_levels()), 168);
}

// Below a level, only what is left of each dimension counts, and only the fanouts below it:
// with C 3, M 5 and P 7 left under the global buffer, the 14 rows take at most 7 (P; 15 and
// 21 are too many) and a row's 12 PEs at most 5 (M; P may not go across them): 35.
TEST(ParallelismBound, counts_what_is_left_below_a_level_and_the_fanouts_there) {
  auto in = eyeriss_like_conv("{C: 48, M: 256, R: 5, S: 5, N: 1, P: 28, Q: 28}");
  Mapspace space(in.architecture, in.workload, in.constraints);
  ParallelismBound parallelism(in.architecture, in.workload, space);
  std::array<double, kMaxDimensions> left;
  left.fill(1);
  left[0] = 3, left[1] = 5, left[5] = 7;  // C, M, P
  int glb = in.architecture.find_storage_level("shared_glb");
  EXPECT_EQ(parallelism.most(left, glb + 1), 35);
  EXPECT_EQ(parallelism.most(left, glb), 5);  // a row's fanout alone
}

// MobileNetV1's first depthwise layer (32 channels as groups G, C = M = 1, 3 x 3 over 112 x
// 112) on the Simba-like example: its constraints let only C, M and G go across the 16 PEs,
// only M and G across a PE's 4 weight buffers, only C and G across the 4 vector lanes. Each
// fanout alone could be filled (16, 4, 4: 256 units), but G's factors over all of them
// multiply to at most its 32: 32 units at most, so at least 32 x 112 x 112 x 9 / 32 = 112,896
// cycles, and the certified search meets that.
TEST(ParallelismBound, a_dimension_spread_over_several_fanouts_fills_at_most_its_size) {
  auto in = input::load_mapper_inputs(
      {example("simba-like/arch.yaml"), example("simba-like/constraints.yaml"), write_temp("dw1.yaml", R"(
problem:
  shape:
    name: depthwise
    dimensions: [G, C, M, R, S, N, P, Q]
    data-spaces:
    - {name: Weights, projection: [[[G]], [[C]], [[M]], [[R]], [[S]]]}
    - {name: Inputs, projection: [[[N]], [[G]], [[C]], [[R], [P]], [[S], [Q]]]}
    - {name: Outputs, projection: [[[N]], [[G]], [[M]], [[Q]], [[P]]], read-write: true}
  instance: {G: 32, C: 1, M: 1, R: 3, S: 3, N: 1, P: 112, Q: 112}
)")});
  Mapspace space(in.architecture, in.workload, in.constraints);
  ParallelismBound parallelism(in.architecture, in.workload, space);
  EXPECT_EQ(parallelism.most(whole(in.workload), in.architecture.num_storage_levels()), 32);
  EXPECT_EQ(lower_bound(in.architecture, in.workload, Metric::kDelay, &space), 112896);
  auto settings = in.settings;
  settings.algorithm = SearchAlgorithm::kOptimal;
  settings.objectives = {Metric::kDelay};
  settings.threads = 1;
  settings.time_limit_seconds = 120;  // a guard; it meets the bound at once
  auto r = run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
  ASSERT_TRUE(r.found);
  EXPECT_TRUE(r.report.optimal);
  EXPECT_EQ(r.cost.cycles, 112896);
}

}  // namespace
}  // namespace qloop::testing
