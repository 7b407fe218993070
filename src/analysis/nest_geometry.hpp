#pragma once
// What both nest analyses (the walk of nest_analysis.cpp and the closed form of
// visit_sequence.cpp) derive from a loop nest first: per loop, whether it closes a storage
// level or opens a spatial fan-out, how many instances and children that makes, the stride of
// its index in the operation space and the tile it spans; and the tensors' projections,
// flattened so that moving a tile costs a few multiply-adds.

#include <array>
#include <cstdint>
#include <vector>

#include "analysis/nest_state.hpp"
#include "mapping/loop_nest.hpp"
#include "workload/workload.hpp"

namespace qloop::nest {

// A point or offset in the operation space, one entry per dimension.
using DimensionVector = std::array<std::int64_t, kMaxDimensions>;

struct NestGeometry {
  int num_loops = 0, num_spaces = 0, num_dims = 0;
  int max_rank = 1;                              // largest tensor rank
  std::vector<std::uint8_t> storage_boundary;    // the loop is its storage level's outermost
  std::vector<std::uint8_t> master_spatial;      // the outermost loop of a run of spatial loops
  std::vector<std::uint64_t> num_spatial_elems;  // instances of the loop's level
  std::vector<std::uint64_t> logical_fanout, logical_fanout_x, logical_fanout_y;  // master spatial loops
  std::vector<std::int64_t> stride;     // one iteration's step along the loop's dimension (the inner loops' span)
  std::vector<TileBoxes> origin_tiles;  // the tile below and at the loop, at the origin, per tensor
                                        // (storage boundaries and spatial loops only, see bind)
  std::vector<std::array<std::uint64_t, kMaxDataSpaces>> origin_sizes;  // their sizes, in operands

  // `every_spatial_tile`: also the tiles of spatial loops inside a fan-out (only the walk,
  // which extrapolates children from them, needs those).
  void bind(const Workload& workload, const LoopNest& nest, bool every_spatial_tile = true);

  // Projects the operation-space box [low, high] (inclusive) onto each tensor.
  TileBoxes project_boxes(const DimensionVector& low, const DimensionVector& high) const;
  // The same into `boxes` (no copy on the hot path).
  void project_boxes(const DimensionVector& low, const DimensionVector& high, TileBoxes& boxes) const;

  // Where an operation-space offset moves tensor ds (projections are linear).
  Coordinates projected_offset(int ds, const DimensionVector& offset) const {
    Coordinates out{};
    const int* begin = &rank_begin_[ds * (kMaxTensorRank + 1)];
    for (int r = 0; r < ranks_[ds]; ++r) {
      std::int64_t shift = 0;
      for (int t = begin[r]; t < begin[r + 1]; ++t) shift += offset[terms_[t].dimension] * terms_[t].coefficient;
      out[r] = static_cast<std::int32_t>(shift);
    }
    return out;
  }
  int rank(int ds) const { return ranks_[ds]; }
  // Where a unit step along `dimension` moves tensor ds.
  const Coordinates& projected_unit(int ds, int dimension) const { return units_[ds * kMaxDimensions + dimension]; }

 private:
  struct FlatTerm {
    int dimension;
    std::int64_t coefficient;
  };
  // A term with where it lands: the origin tiles' projection runs over these alone.
  struct PlacedTerm {
    int space, rank, dimension;
    std::int64_t coefficient;
  };
  void bind_projections(const Workload& workload);
  bool same_projections_as_before(const Workload& workload) const;
  // Whether the nest has the tiling (and projections) of the previous call, which set
  // everything bind_levels and the origin tiles hold.
  bool same_tiling_as_before(const LoopNest& nest);
  void bind_levels(const LoopNest& nest);
  void bind_strides_and_tiles(const LoopNest& nest, bool every_spatial_tile, bool tiles);
  // Projects the box [0, high] (inclusive): every loop's tile starts at the origin.
  void project_origin_box(const DimensionVector& high, TileBoxes& boxes) const;
  std::vector<FlatTerm> terms_;
  std::vector<PlacedTerm> placed_terms_;
  std::vector<int> rank_begin_;  // [ds * (kMaxTensorRank + 1) + r] -> first term; one past the end at r = rank
  std::vector<int> ranks_;
  std::vector<Coordinates> units_;                            // [ds * kMaxDimensions + dimension]
  std::vector<std::int64_t> signature_, previous_signature_;  // see same_tiling_as_before
  bool tiling_known_ = false, projections_known_ = false;
};

inline void translate_box(Box& box, const Coordinates& by) {
  for (int r = 0; r < box.rank; ++r) {
    box.lo[r] += by[r];
    box.hi[r] += by[r];
  }
}

}  // namespace qloop::nest
