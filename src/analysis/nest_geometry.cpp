#include "analysis/nest_geometry.hpp"

#include <algorithm>

namespace qloop::nest {

void NestGeometry::bind(const Workload& workload, const LoopNest& nest) {
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

  DimensionVector ones;
  ones.fill(1);
  vector_strides.assign(num_loops, ones);
  mold_high.assign(num_loops, DimensionVector{});
  DimensionVector scale = ones;
  for (int level = 0; level < num_loops; ++level) {
    vector_strides[level] = scale;
    scale[loops[level].dimension] *= loops[level].end;
    for (int d = 0; d < num_dims; ++d) mold_high[level][d] = scale[d] - 1;
  }

  terms_.clear();
  max_rank = 1;
  rank_begin_.assign(num_spaces * (kMaxTensorRank + 1), 0);
  ranks_.assign(num_spaces, 0);
  for (int ds = 0; ds < num_spaces; ++ds) {
    ranks_[ds] = workload.rank(ds);
    for (int r = 0; r < ranks_[ds]; ++r) {
      rank_begin_[ds * (kMaxTensorRank + 1) + r] = static_cast<int>(terms_.size());
      for (const auto& term : workload.data_spaces[ds].projection[r]) {
        terms_.push_back({term.dimension, workload.coefficient(term.coefficient)});
      }
    }
    rank_begin_[ds * (kMaxTensorRank + 1) + ranks_[ds]] = static_cast<int>(terms_.size());
    max_rank = std::max(max_rank, ranks_[ds]);
  }

  units_.assign(static_cast<std::size_t>(num_spaces) * kMaxDimensions, Coordinates{});
  for (int ds = 0; ds < num_spaces; ++ds) {
    for (int d = 0; d < num_dims; ++d) {
      DimensionVector unit{};
      unit[d] = 1;
      units_[ds * kMaxDimensions + d] = projected_offset(ds, unit);
    }
  }

  origin_tiles.resize(num_loops);
  DimensionVector zero{};
  // Only storage boundaries and spatial loops ever look at their tile.
  for (int level = 0; level < num_loops; ++level) {
    if (storage_boundary[level] || loops[level].is_spatial()) origin_tiles[level] = project_boxes(zero, mold_high[level]);
  }
}

TileBoxes NestGeometry::project_boxes(const DimensionVector& low, const DimensionVector& high) const {
  TileBoxes boxes;
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
  return boxes;
}

}  // namespace qloop::nest
