#include "analysis/point_set.hpp"

#include <cmath>

namespace qloop {

std::uint64_t Box::size() const {
  if (rank == 0) return 0;
  std::uint64_t size = 1;
  for (int r = 0; r < rank; ++r) {
    if (hi[r] <= lo[r]) return 0;
    size *= static_cast<std::uint64_t>(hi[r] - lo[r]);
  }
  return size;
}

bool Box::operator==(const Box& other) const {
  if (rank != other.rank) return false;
  for (int r = 0; r < rank; ++r) {
    if (lo[r] != other.lo[r] || hi[r] != other.hi[r]) return false;
  }
  return true;
}

std::uint64_t PointSet::size() const {
  std::uint64_t total = 0;
  for (const auto& box : boxes_) total += box.size();
  return total;
}

void PointSet::subtract(const PointSet& other) {
  for (const auto& cut : other.boxes_) {
    BoxList pieces;
    for (const auto& box : boxes_) box.subtract_into(cut, pieces);
    boxes_ = std::move(pieces);
  }
}

std::uint64_t PointSet::hash() const {
  std::uint64_t sum = 0;
  for (const auto& box : boxes_) {
    std::uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < box.rank; ++r) {
      h = (h ^ static_cast<std::uint64_t>(box.lo[r])) * 1099511628211ull;
      h = (h ^ static_cast<std::uint64_t>(box.hi[r])) * 1099511628211ull;
    }
    sum += h;  // a sum does not depend on box order
  }
  return sum;
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

Coordinates PointSet::translation_to(const PointSet& to, int rank) const {
  Coordinates delta{};
  std::array<double, kMaxRank> from_c{}, to_c{};
  bool from_ok = weighted_centroid(boxes_, rank, from_c);
  bool to_ok = weighted_centroid(to.boxes_, rank, to_c);
  if (!from_ok || !to_ok) return delta;
  for (int r = 0; r < rank; ++r) delta[r] = static_cast<std::int32_t>(std::round(to_c[r] - from_c[r]));
  return delta;
}

}  // namespace qloop
