#pragma once
// The most compute units a mapping can keep busy below a level, from what is left of each
// dimension there. A spatial factor divides what is left of its dimension, so the factors at
// one fanout multiply to a divisor of the product of what is left of the dimensions it may
// split; and each dimension goes wholly along X or along Y, so each axis's product is such a
// divisor within that axis's fanout. Where no dimension has the fanout's prime factors, the
// fanout cannot be filled: AlexNet conv2 (C 48, M 256, R = S = 5, P = Q = 27) has no factor
// of 7, so a row of 14 keeps at most 12 busy, and 14 x 12 PEs at most 144. And per dimension,
// its spatial factors over all levels multiply to at most what is left of it and at most the
// fanouts that may split it: a depthwise layer whose 32 channels are the only dimension the
// fanouts may split keeps at most 32 units busy, however many there are.

#include <array>
#include <vector>

#include "arch/architecture.hpp"
#include "search/mapspace.hpp"
#include "workload/workload.hpp"

namespace qloop {

class ParallelismBound {
 public:
  ParallelismBound(const Architecture& arch, const Workload& workload, const Mapspace& space);
  // The most spatial iterations the fanouts of the levels below `below` can take together,
  // when the extents of the dimensions left there are `left` (whole numbers).
  double most(const std::array<double, kMaxDimensions>& left, int below) const;

 private:
  // The largest number at most `cap` that divides the product of `left` over the dimensions
  // the level may split.
  double largest_divisor(const std::array<double, kMaxDimensions>& left, int level, double cap) const;
  const Architecture& arch_;
  int dims_;
  std::vector<std::vector<char>> spatial_ok_;  // [level][dim]: some factor option splits it there
};

}  // namespace qloop
