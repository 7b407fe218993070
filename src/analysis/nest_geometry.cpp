#include "analysis/nest_geometry.hpp"

#include <algorithm>

namespace qloop::nest {

void NestGeometry::bind(const Workload& workload, const LoopNest& nest, bool every_spatial_tile) {
  bind_projections(workload);
  // A mapper evaluates many loop orders of one tiling in a row: what depends only on the
  // tiling (and the projections) is kept when both are what the previous call had.
  // (The walk's tiles of inner spatial loops depend on their order: never kept.)
  bool same_tiling = false;
  if (every_spatial_tile)
    tiling_known_ = false;
  else
    same_tiling = same_tiling_as_before(nest);
  if (!same_tiling) bind_levels(nest);
  bind_strides_and_tiles(nest, every_spatial_tile, !same_tiling);
}

bool NestGeometry::same_projections_as_before(const Workload& workload) const {
  if (num_spaces != workload.num_data_spaces() || num_dims != workload.num_dimensions()) return false;
  std::size_t i = 0;
  for (int ds = 0; ds < num_spaces; ++ds) {
    if (ranks_[ds] != workload.rank(ds)) return false;
    for (int r = 0; r < ranks_[ds]; ++r) {
      for (const auto& term : workload.data_spaces[ds].projection[r]) {
        if (i == placed_terms_.size()) return false;
        const auto& t = placed_terms_[i++];
        if (t.space != ds || t.rank != r || t.dimension != term.dimension ||
            t.coefficient != workload.coefficient(term.coefficient)) {
          return false;
        }
      }
    }
  }
  return i == placed_terms_.size();
}

void NestGeometry::bind_projections(const Workload& workload) {
  // Comparing is a fraction of rebuilding (and the mapper binds one workload throughout).
  if (projections_known_ && same_projections_as_before(workload)) return;
  projections_known_ = true;
  num_spaces = workload.num_data_spaces();
  num_dims = workload.num_dimensions();
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
}

bool NestGeometry::same_tiling_as_before(const LoopNest& nest) {
  // Everything the level structure and the origin tiles depend on: the projections, and per
  // level and dimension the temporal and spatial factors (with the spatial loop's axis).
  // Loop positions follow: each level's spatial loops come first, then its temporal ones.
  int num_levels = static_cast<int>(nest.storage_boundaries.size());
  std::size_t header = 3 + 4 * placed_terms_.size();
  signature_.assign(header + static_cast<std::size_t>(num_levels) * num_dims * 2, 0);
  signature_[0] = static_cast<std::int64_t>(nest.loops.size());
  signature_[1] = num_spaces;
  signature_[2] = num_dims;
  std::size_t i = 3;
  for (const auto& t : placed_terms_) {
    signature_[i++] = t.space;
    signature_[i++] = t.rank;
    signature_[i++] = t.dimension;
    signature_[i++] = t.coefficient;
  }
  for (std::size_t l = 0; l < nest.loops.size(); ++l) {
    const auto& loop = nest.loops[l];
    auto slot = header + (static_cast<std::size_t>(nest.storage_level_of_loop[l]) * num_dims + loop.dimension) * 2;
    // Placeholder loops (extent 1) add nothing; the loop count above covers them.
    if (loop.is_spatial())
      signature_[slot + 1] = loop.end * 4 + static_cast<int>(loop.kind);
    else
      signature_[slot] = loop.end;
  }
  bool same = tiling_known_ && signature_ == previous_signature_;
  std::swap(signature_, previous_signature_);
  tiling_known_ = true;
  return same;
}

void NestGeometry::bind_levels(const LoopNest& nest) {
  const auto& loops = nest.loops;
  num_loops = static_cast<int>(loops.size());

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
}

void NestGeometry::bind_strides_and_tiles(const LoopNest& nest, bool every_spatial_tile, bool tiles) {
  const auto& loops = nest.loops;
  // Strides and tiles: the span of every loop below and at each one, per dimension.
  stride.resize(num_loops);
  if (tiles) {
    origin_tiles.resize(num_loops);
    origin_sizes.resize(num_loops);
  }
  DimensionVector span;
  span.fill(1);
  DimensionVector high{};
  for (int level = 0; level < num_loops; ++level) {
    auto dim = loops[level].dimension;
    stride[level] = span[dim];
    span[dim] *= loops[level].end;
    if (!tiles) continue;
    bool wanted = storage_boundary[level] || master_spatial[level] || (every_spatial_tile && loops[level].is_spatial());
    if (wanted) {
      for (int d = 0; d < num_dims; ++d) high[d] = span[d] - 1;
      project_origin_box(high, origin_tiles[level]);
      for (int ds = 0; ds < num_spaces; ++ds) origin_sizes[level][ds] = origin_tiles[level][ds].size();
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
