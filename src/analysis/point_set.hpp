#pragma once
// Sets of points in a tensor's coordinate space, as unions of axis-aligned boxes. The nest
// analysis only ever needs: the box a tile covers, the part of it not held from the previous
// iteration (a difference of boxes), sizes, equality, and translations.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace qloop {

constexpr int kMaxRank = 8;
using Coordinates = std::array<std::int64_t, kMaxRank>;

struct Box {
  int rank = 0;
  Coordinates lo{};  // inclusive
  Coordinates hi{};  // exclusive

  std::uint64_t size() const;
  bool operator==(const Box& other) const;
  // Pieces of this box outside `other` (this box itself when they do not overlap).
  void subtract_into(const Box& other, std::vector<Box>& out) const;
};

class PointSet {
 public:
  PointSet() = default;
  explicit PointSet(const Box& box) : boxes_{box} {}

  std::uint64_t size() const;
  bool empty() const { return size() == 0; }
  const std::vector<Box>& boxes() const { return boxes_; }

  void subtract(const PointSet& other);
  void translate(const Coordinates& delta);
  // Same boxes, in any order.
  bool operator==(const PointSet& other) const;
  // Movement of the size-weighted centroid from this set to `to`, rounded per rank
  // (zero when either set is empty).
  Coordinates translation_to(const PointSet& to, int rank) const;

 private:
  std::vector<Box> boxes_;
};

}  // namespace qloop
