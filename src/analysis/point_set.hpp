#pragma once
// Sets of points in a tensor's coordinate space, as unions of axis-aligned boxes. The nest
// analysis only ever needs: the box a tile covers, the part of it not held from the previous
// iteration (a difference of boxes), sizes, equality, and translations.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "util/small_vector.hpp"
#include "workload/workload.hpp"

namespace qloop {

constexpr int kMaxRank = kMaxTensorRank;
// 32-bit coordinates keep boxes small; the parser bounds every tensor extent below 2^31.
using Coordinates = std::array<std::int32_t, kMaxRank>;

struct Box {
  int rank = 0;
  // Only the first `rank` entries are meaningful; left uninitialized so that boxes are
  // cheap to create in bulk.
  Coordinates lo;  // inclusive
  Coordinates hi;  // exclusive

  // Inline: the nest analysis asks for sizes in its innermost loops.
  std::uint64_t size() const {
    if (rank == 0) return 0;
    std::uint64_t n = 1;
    for (int r = 0; r < rank; ++r) {
      if (hi[r] <= lo[r]) return 0;
      n *= static_cast<std::uint64_t>(hi[r] - lo[r]);
    }
    return n;
  }
  bool operator==(const Box& other) const;
  // Pieces of this box outside `other` (this box itself when they do not overlap).
  template <typename Out>
  void subtract_into(const Box& other, Out& out) const;
};

// Points the two boxes have in common.
std::uint64_t overlap_size(const Box& a, const Box& b);
// Half of a doubled difference, rounded half away from zero (as std::round does).
inline std::int32_t half_rounded(std::int64_t doubled) {
  if (doubled % 2 == 0) return static_cast<std::int32_t>(doubled / 2);
  return static_cast<std::int32_t>((doubled + (doubled > 0 ? 1 : -1)) / 2);
}

// Movement of the centroid from one box to another, rounded half away from zero per rank
// (zero when either box is empty). Inline: the nest analysis calls it per delta.
inline Coordinates box_translation(const Box& a, const Box& b) {
  // Exact integer arithmetic on twice the centroids (lo + (hi - 1 - lo) / 2).
  Coordinates delta{};
  if (a.size() == 0 || b.size() == 0) return delta;
  for (int r = 0; r < a.rank; ++r) {
    std::int64_t doubled = 2 * (static_cast<std::int64_t>(b.lo[r]) - a.lo[r]) +
                           (static_cast<std::int64_t>(b.hi[r]) - b.lo[r]) -
                           (static_cast<std::int64_t>(a.hi[r]) - a.lo[r]);
    delta[r] = half_rounded(doubled);
  }
  return delta;
}

// Most sets are one box (a tile) or a few (what a tile gains over the previous one).
using BoxList = SmallVector<Box, 2>;

class PointSet {
 public:
  PointSet() {}  // user-provided: value-initialization must not zero the inline boxes
  explicit PointSet(const Box& box) { boxes_.push_back(box); }

  std::uint64_t size() const {
    std::uint64_t total = 0;
    for (const auto& box : boxes_) total += box.size();
    return total;
  }
  bool empty() const { return size() == 0; }
  const BoxList& boxes() const { return boxes_; }

  void subtract(const PointSet& other);
  void translate(const Coordinates& delta);
  // Same boxes, in any order.
  bool operator==(const PointSet& other) const;
  // Movement of the size-weighted centroid from this set to `to`, rounded per rank
  // (zero when either set is empty).
  Coordinates translation_to(const PointSet& to, int rank) const;

 private:
  BoxList boxes_;
};

template <typename Out>
void Box::subtract_into(const Box& other, Out& out) const {
  for (int r = 0; r < rank; ++r) {
    if (hi[r] <= other.lo[r] || other.hi[r] <= lo[r]) {
      out.push_back(*this);
      return;
    }
  }
  // Peel off the slabs below and above `other`, rank by rank.
  Box middle = *this;
  for (int r = 0; r < rank; ++r) {
    if (middle.lo[r] < other.lo[r]) {
      Box below = middle;
      below.hi[r] = other.lo[r];
      out.push_back(below);
      middle.lo[r] = other.lo[r];
    }
    if (other.hi[r] < middle.hi[r]) {
      Box above = middle;
      above.lo[r] = other.hi[r];
      out.push_back(above);
      middle.hi[r] = other.hi[r];
    }
  }
}

}  // namespace qloop
