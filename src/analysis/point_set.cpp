#include "analysis/point_set.hpp"

#include <algorithm>
#include <cmath>

namespace qloop {

bool Box::operator==(const Box& other) const {
  if (rank != other.rank) return false;
  for (int r = 0; r < rank; ++r) {
    if (lo[r] != other.lo[r] || hi[r] != other.hi[r]) return false;
  }
  return true;
}

void PointSet::subtract(const PointSet& other) {
  for (const auto& cut : other.boxes_) {
    BoxList pieces;
    for (const auto& box : boxes_) box.subtract_into(cut, pieces);
    boxes_ = std::move(pieces);
  }
}

void PointSet::translate(const Coordinates& delta) {
  for (auto& box : boxes_) {
    for (int r = 0; r < box.rank; ++r) {
      box.lo[r] += delta[r];
      box.hi[r] += delta[r];
    }
  }
}

bool PointSet::operator==(const PointSet& other) const {
  if (boxes_.size() != other.boxes_.size()) return false;
  for (const auto& a : boxes_) {
    bool found = false;
    for (const auto& b : other.boxes_) found = found || a == b;
    if (!found) return false;
  }
  return true;
}

namespace {
// Size-weighted centroid; a box's centroid is lo + (hi - 1 - lo) / 2 per rank.
bool weighted_centroid(const BoxList& boxes, int rank, std::array<double, kMaxRank>& out) {
  out.fill(0.0);
  double total = 0;
  for (const auto& box : boxes) {
    double size = static_cast<double>(box.size());
    for (int r = 0; r < rank; ++r) {
      double centroid = box.lo[r] + static_cast<double>(box.hi[r] - 1 - box.lo[r]) / 2;
      out[r] += centroid * size;
    }
    total += size;
  }
  if (total == 0) return false;
  for (int r = 0; r < rank; ++r) out[r] /= total;
  return true;
}
}  // namespace

std::uint64_t overlap_size(const Box& a, const Box& b) {
  std::uint64_t size = 1;
  for (int r = 0; r < a.rank; ++r) {
    auto lo = std::max(a.lo[r], b.lo[r]);
    auto hi = std::min(a.hi[r], b.hi[r]);
    if (hi <= lo) return 0;
    size *= static_cast<std::uint64_t>(hi - lo);
  }
  return size;
}

Coordinates PointSet::translation_to(const PointSet& to, int rank) const {
  if (boxes_.size() == 1 && to.boxes_.size() == 1) return box_translation(boxes_[0], to.boxes_[0]);
  Coordinates delta{};
  if (boxes_.empty() || to.boxes_.empty()) return delta;
  rank = std::min(rank, boxes_[0].rank);  // coordinates past a box's rank are not set
  std::array<double, kMaxRank> from_c{}, to_c{};
  bool from_ok = weighted_centroid(boxes_, rank, from_c);
  bool to_ok = weighted_centroid(to.boxes_, rank, to_c);
  if (!from_ok || !to_ok) return delta;
  for (int r = 0; r < rank; ++r) delta[r] = static_cast<std::int32_t>(std::round(to_c[r] - from_c[r]));
  return delta;
}

}  // namespace qloop
