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

}  // namespace
}  // namespace qloop::testing
