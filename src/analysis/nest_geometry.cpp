#include "analysis/nest_geometry.hpp"

#include <algorithm>

namespace qloop::nest {

void NestGeometry::bind(const Workload& workload, const LoopNest& nest, bool every_spatial_tile) {
  const auto& loops = nest.loops;
  num_loops = static_cast<int>(loops.size());
  num_spaces = workload.num_data_spaces();
  num_dims = workload.num_dimensions();

  storage_boundary.assign(num_loops, 0);
  for (int b : nest.storage_boundaries) storage_boundary[b] = 1;

  // Instances of each loop's level: the product of the spatial loops above it.
  num_spatial_elems.assign(num_loops, 1);
  master_spatial.assign(num_loops, 0);
  std::uint64_t product = 1;
  bool prev_spatial = false;
  for (int level = num_loops - 1; level >= 0; --level) {
    num_spatial_elems[level] = product;
    if (loops[level].is_spatial()) {
      master_spatial[level] = !prev_spatial;
      product *= static_cast<std::uint64_t>(loops[level].end);
      prev_spatial = true;
    } else {
      prev_spatial = false;
    }
  }

  logical_fanout.assign(num_loops, 1);
  logical_fanout_x.assign(num_loops, 1);
  logical_fanout_y.assign(num_loops, 1);
  for (int level = 0; level < num_loops; ++level) {
    if (!master_spatial[level]) continue;
    for (int l = level; l >= 0 && loops[l].is_spatial(); --l) {
      auto end = static_cast<std::uint64_t>(loops[l].end);
      (loops[l].kind == LoopKind::kSpatialX ? logical_fanout_x : logical_fanout_y)[level] *= end;
    }
    logical_fanout[level] = logical_fanout_x[level] * logical_fanout_y[level];
  }

  terms_.clear();
  placed_terms_.clear();
  max_rank = 1;
  rank_begin_.assign(num_spaces * (kMaxTensorRank + 1), 0);
  ranks_.assign(num_spaces, 0);
  for (int ds = 0; ds < num_spaces; ++ds) {
    ranks_[ds] = workload.rank(ds);
    for (int r = 0; r < ranks_[ds]; ++r) {
      rank_begin_[ds * (kMaxTensorRank + 1) + r] = static_cast<int>(terms_.size());
      for (const auto& term : workload.data_spaces[ds].projection[r]) {
        terms_.push_back({term.dimension, workload.coefficient(term.coefficient)});
        placed_terms_.push_back({ds, r, term.dimension, terms_.back().coefficient});
      }
    }
    rank_begin_[ds * (kMaxTensorRank + 1) + ranks_[ds]] = static_cast<int>(terms_.size());
    max_rank = std::max(max_rank, ranks_[ds]);
  }

  // A unit step along a dimension moves each rank by the coefficients of its terms on it.
  units_.assign(static_cast<std::size_t>(num_spaces) * kMaxDimensions, Coordinates{});
  for (int ds = 0; ds < num_spaces; ++ds) {
    const int* begin = &rank_begin_[ds * (kMaxTensorRank + 1)];
    for (int r = 0; r < ranks_[ds]; ++r) {
      for (int t = begin[r]; t < begin[r + 1]; ++t) {
        units_[ds * kMaxDimensions + terms_[t].dimension][r] += static_cast<std::int32_t>(terms_[t].coefficient);
      }
    }
  }

  // Strides and tiles: the span of every loop below and at each one, per dimension.
  stride.resize(num_loops);
  origin_tiles.resize(num_loops);
  DimensionVector span;
  span.fill(1);
  DimensionVector high{};
  for (int level = 0; level < num_loops; ++level) {
    auto dim = loops[level].dimension;
    stride[level] = span[dim];
    span[dim] *= loops[level].end;
    bool wanted = storage_boundary[level] || master_spatial[level] || (every_spatial_tile && loops[level].is_spatial());
    if (wanted) {
      for (int d = 0; d < num_dims; ++d) high[d] = span[d] - 1;
      project_origin_box(high, origin_tiles[level]);
    }
  }
}

void NestGeometry::project_origin_box(const DimensionVector& high, TileBoxes& boxes) const {
  for (int ds = 0; ds < num_spaces; ++ds) {
    Box& box = boxes[ds];
    box.rank = ranks_[ds];
    box.lo.fill(0);
    box.hi.fill(0);
  }
  // From 0, a negative coefficient extends the range down, a positive one up.
  for (const auto& t : placed_terms_) {
    auto reach = static_cast<std::int32_t>(high[t.dimension] * t.coefficient);
    (t.coefficient < 0 ? boxes[t.space].lo : boxes[t.space].hi)[t.rank] += reach;
  }
  for (int ds = 0; ds < num_spaces; ++ds) {
    for (int r = 0; r < ranks_[ds]; ++r) ++boxes[ds].hi[r];
  }
}

TileBoxes NestGeometry::project_boxes(const DimensionVector& low, const DimensionVector& high) const {
  TileBoxes boxes;
  project_boxes(low, high, boxes);
  return boxes;
}

void NestGeometry::project_boxes(const DimensionVector& low, const DimensionVector& high, TileBoxes& boxes) const {
  for (int ds = 0; ds < num_spaces; ++ds) {
    Box& box = boxes[ds];
    box.rank = ranks_[ds];
    const int* begin = &rank_begin_[ds * (kMaxTensorRank + 1)];
    for (int r = 0; r < box.rank; ++r) {
      std::int64_t lo = 0, hi = 0;
      for (int t = begin[r]; t < begin[r + 1]; ++t) {
        const auto& term = terms_[t];
        if (term.coefficient < 0) {
          lo += high[term.dimension] * term.coefficient;
          hi += low[term.dimension] * term.coefficient;
        } else {
          lo += low[term.dimension] * term.coefficient;
          hi += high[term.dimension] * term.coefficient;
        }
      }
      box.lo[r] = static_cast<std::int32_t>(lo);
      box.hi[r] = static_cast<std::int32_t>(hi + 1);
    }
  }
}

}  // namespace qloop::nest
