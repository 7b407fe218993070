// Box arithmetic used by the nest analysis.
#include <gtest/gtest.h>

#include "analysis/point_set.hpp"

namespace qloop {
namespace {

Box box1d(std::int32_t lo, std::int32_t hi) {
  Box b;
  b.rank = 1;
  b.lo[0] = lo;
  b.hi[0] = hi;
  return b;
}

Box box2d(std::int32_t x0, std::int32_t x1, std::int32_t y0, std::int32_t y1) {
  Box b;
  b.rank = 2;
  b.lo = {x0, y0};
  b.hi = {x1, y1};
  return b;
}

TEST(PointSet, sliding_window_delta_is_the_new_part_only) {
  PointSet next(box1d(4, 10));
  next.subtract(PointSet(box1d(0, 6)));
  EXPECT_EQ(next.size(), 4u);
}

TEST(PointSet, disjoint_sets_subtract_nothing) {
  PointSet a(box1d(0, 5));
  a.subtract(PointSet(box1d(5, 9)));
  EXPECT_EQ(a.size(), 5u);
}

TEST(PointSet, contained_set_subtracts_to_empty) {
  PointSet a(box2d(1, 3, 1, 3));
  a.subtract(PointSet(box2d(0, 4, 0, 4)));
  EXPECT_TRUE(a.empty());
}

TEST(PointSet, hole_in_the_middle_leaves_the_frame) {
  PointSet a(box2d(0, 4, 0, 4));
  a.subtract(PointSet(box2d(1, 3, 1, 3)));
  EXPECT_EQ(a.size(), 12u);
}

TEST(PointSet, translation_follows_the_centroid) {
  PointSet a(box2d(0, 4, 0, 2));
  PointSet b(box2d(3, 7, 0, 2));
  auto t = a.translation_to(b, 2);
  EXPECT_EQ(t[0], 3);
  EXPECT_EQ(t[1], 0);
}

TEST(PointSet, equality_ignores_box_order) {
  PointSet a(box1d(0, 2));
  a.subtract(PointSet(box1d(5, 6)));
  EXPECT_TRUE(a == PointSet(box1d(0, 2)));
  EXPECT_FALSE(a == PointSet(box1d(0, 3)));
}

}  // namespace
}  // namespace qloop
