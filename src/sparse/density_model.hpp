#pragma once
// Queries on a tensor's density model, as Sparseloop asks them (docs/sparsity.md): how many
// nonzeros a tile holds at most, on average, and with what probability exactly k. A tile is
// anchored at the tensor's origin and known by its number of points and, where the caller
// knows them, its extents along the tensor's ranks (only the banded model reads them). A
// "constrained" tile is a sub-tile of a parent tile known to hold a given number of nonzeros.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "workload/density.hpp"
#include "workload/workload.hpp"

namespace qloop::sparse {

struct TileShape {
  std::uint64_t points = 0;
  int ranks = 0;  // extents known along ranks [0, ranks); 0: points only
  std::array<std::int64_t, kMaxTensorRank> extents{};

  TileShape() = default;
  // A tile known by its points only (enough for the fixed-structured and hypergeometric models).
  TileShape(std::uint64_t tile_points) : points(tile_points) {}  // NOLINT(google-explicit-constructor)
};

// The tile of data space `ds` that an operation-space box from the origin (extents per
// dimension) projects to: per rank 1 + sum of coefficient x (extent - 1).
TileShape projected_tile(const Workload& workload, DataSpaceId ds, const std::vector<std::int64_t>& box);
// A single point of a tensor of `ranks` ranks.
TileShape point_tile(int ranks);

struct ParentTile {
  TileShape shape;
  std::uint64_t nonzeros = 0;
};

struct Occupancy {
  std::uint64_t nonzeros = 0;
  double probability = 0;
};

class DensityModel {
 public:
  // `tensor`: the whole tensor (its projection of the operation space). A banded model needs
  // its extents, 2-D and square (std::invalid_argument otherwise; the parser checks this).
  DensityModel(const DensitySpec& spec, const TileShape& tensor);

  // Most nonzeros the tile may hold (the capacity a compressed tile needs).
  std::uint64_t max_occupancy(const TileShape& tile) const;
  // Fewest nonzeros the tile may hold.
  std::uint64_t min_occupancy(const TileShape& tile) const;
  double expected_occupancy(const TileShape& tile) const;
  // Probability that the tile (inside `parent`, when given) holds exactly `nonzeros`. With a
  // parent, the banded model answers only for 0 nonzeros (as the reference).
  double occupancy_probability(const TileShape& tile, std::uint64_t nonzeros,
                               std::optional<ParentTile> parent = std::nullopt) const;
  // The occupancies from the fewest to the most with a probability other than 0, in order.
  std::vector<Occupancy> occupancies(const TileShape& tile) const;
  // Most nonzero elements of `element` tiles a `fiber` tile holds (at most one per element).
  std::uint64_t max_elements(const TileShape& fiber, const TileShape& element) const;
  // Probability that one operand is nonzero, rounded to 6 decimals as the reference does.
  double operand_density() const;
  bool dense() const { return spec_.dense(); }
  const DensitySpec& spec() const { return spec_; }

 private:
  DensitySpec spec_;
  std::uint64_t tensor_points_;
  std::uint64_t tensor_nonzeros_;  // hypergeometric: ceil(d N); banded: the band's
  std::int64_t side_ = 0;          // banded: the square's side
};

}  // namespace qloop::sparse
