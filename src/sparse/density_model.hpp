#pragma once
// Queries on a tensor's density model, as Sparseloop asks them (docs/sparsity.md): how many
// nonzeros a tile of n points holds at most, on average, and with what probability exactly k.
// A tile is known by its number of points; a "constrained" tile is a sub-tile of a parent
// tile known to hold a given number of nonzeros.

#include <cstdint>
#include <optional>

#include "workload/density.hpp"

namespace qloop::sparse {

struct ParentTile {
  std::uint64_t points = 0;
  std::uint64_t nonzeros = 0;
};

class DensityModel {
 public:
  // `tensor_points`: the size of the whole tensor (its projection of the operation space).
  DensityModel(const DensitySpec& spec, std::uint64_t tensor_points);

  // Most nonzeros a tile of `points` may hold (the capacity a compressed tile needs).
  std::uint64_t max_occupancy(std::uint64_t points) const;
  // Fewest nonzeros a tile of `points` may hold.
  std::uint64_t min_occupancy(std::uint64_t points) const;
  double expected_occupancy(std::uint64_t points) const;
  // Probability that a tile of `points` (inside `parent`, when given) holds exactly `nonzeros`.
  double occupancy_probability(std::uint64_t points, std::uint64_t nonzeros,
                               std::optional<ParentTile> parent = std::nullopt) const;
  // Probability that one operand is nonzero, rounded to 6 decimals as the reference does.
  double operand_density() const;
  bool dense() const { return spec_.dense(); }
  const DensitySpec& spec() const { return spec_; }

 private:
  DensitySpec spec_;
  std::uint64_t tensor_points_;
  std::uint64_t tensor_nonzeros_;  // hypergeometric: ceil(d N)
};

}  // namespace qloop::sparse
