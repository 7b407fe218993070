// Mapping-level helpers, on mappings written out by hand.
#include <gtest/gtest.h>

#include "mapping/mapping.hpp"

namespace qloop::testing {
namespace {

// One level of a two-dimension mapping: spatial factors (a, b), a's loop innermost, the
// first `split` of them along X.
LevelMapping spatial_level(std::int64_t a, std::int64_t b, int split) {
  LevelMapping m;
  m.temporal_factors = {1, 1};
  m.temporal_permutation = {0, 1};
  m.spatial_factors = {a, b};
  m.spatial_permutation = {0, 1};
  m.spatial_split = split;
  m.keep = {true};
  return m;
}

TEST(Mapping, mesh_expansion_of_a_level_multiplies_the_spatial_factors_above_it) {
  Mapping mapping;
  mapping.levels = {spatial_level(5, 7, 1),   // innermost: spreads only the compute units
                    spatial_level(2, 3, 1),   // 2 along X, 3 along Y
                    spatial_level(4, 1, 1)};  // outermost: 4 along X
  std::vector<MeshExpansion> e;
  mesh_expansions(mapping, e);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].x, 5 * 2 * 4);  // the compute units
  EXPECT_EQ(e[0].y, 7 * 3);
  EXPECT_EQ(e[1].x, 2 * 4);  // level 0
  EXPECT_EQ(e[1].y, 3);
  EXPECT_EQ(e[2].x, 4);  // level 1
  EXPECT_EQ(e[2].y, 1);
  EXPECT_EQ(e[3].x, 1);  // the outermost level: nothing above it
  EXPECT_EQ(e[3].y, 1);
}

}  // namespace
}  // namespace qloop::testing
