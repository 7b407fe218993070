#include "sparse/density_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

namespace qloop::sparse {

namespace {

// ln C(n, k) in long double: the probabilities meet ceil() later, so they are kept exact to
// well below a double's resolution.
long double log_binomial(std::uint64_t n, std::uint64_t k) {
  auto ln = [](std::uint64_t x) { return std::lgammal(static_cast<long double>(x) + 1.0L); };
  return ln(n) - ln(k) - ln(n - k);
}

// P(k nonzeros in a sample of n points of N holding r nonzeros).
double hypergeometric(std::uint64_t k, std::uint64_t n, std::uint64_t r, std::uint64_t total) {
  if (n > total || r > total || k > r || k > n) return 0;
  if (n - k > total - r) return 0;
  return static_cast<double>(std::exp(log_binomial(r, k) + log_binomial(total - r, n - k) - log_binomial(total, n)));
}

// ---- Banded: a side x side matrix, nonzero where |row - col| <= width ------------------------

// Rows [row0, row1) x columns [col0, col1).
struct Rect {
  std::int64_t row0 = 0, row1 = 0, col0 = 0, col1 = 0;
  bool empty() const { return row1 <= row0 || col1 <= col0; }
};

struct Band {
  std::int64_t side = 0;
  std::int64_t width = 0;

  // Nonzeros of a box (columns are clipped at 0 but, as in the reference, not at the side).
  std::uint64_t nonzeros(const Rect& box) const {
    std::uint64_t n = 0;
    for (auto r = box.row0; r < box.row1; ++r) {
      auto first = std::max(box.col0, std::max<std::int64_t>(r - width, 0));
      auto end = std::min(box.col1, r + width + 1);
      if (first < end) n += static_cast<std::uint64_t>(end - first);
    }
    return n;
  }
};

// The band's nonzeros, side + sum over u = 1..width of 2 (side - u), in wrapping 64-bit
// arithmetic as the reference (a width of side or more wraps).
std::uint64_t band_total(std::uint64_t side, std::uint64_t width) {
  std::uint64_t triangle = width % 2 == 0 ? width / 2 * (width + 1) : (width + 1) / 2 * width;
  return side + 2 * (width * side - triangle);
}

// Sparseloop's walk over the tiles of `rows` x `cols` of a banded matrix: the warm-up row groups
// (the cool-down ones mirror them) and then one steady-state row group standing for all of them,
// each left to right up to the first tile right of the band. `visit(box, right_of_band, weight)`
// is told how many tiles the box stands for (a tile right of the band: it and those after it in
// its row) and returns true to stop the walk.
template <typename Visit>
void walk_tiles(const Band& band, std::int64_t rows, std::int64_t cols, Visit visit) {
  std::int64_t col_groups = band.side / cols, row_groups = band.side / rows;
  auto warm_up = static_cast<std::int64_t>(std::ceil(static_cast<double>(band.width) / static_cast<double>(rows)));
  std::int64_t steady = std::max<std::int64_t>(row_groups - 2 * warm_up, 0);
  for (std::int64_t g = 0; g < warm_up + 1 && g < row_groups; ++g) {
    std::int64_t per_tile = g >= warm_up ? steady : (warm_up != row_groups ? 2 : 1);
    std::int64_t row = g * rows;
    for (std::int64_t cg = 0; cg < col_groups; ++cg) {
      std::int64_t col = cg * cols;
      Rect box{row, row + rows, col, col + cols};
      bool right_of_band = col > row + rows - 1 + band.width;
      auto weight = right_of_band ? (col_groups - cg) * per_tile : per_tile;
      if (visit(box, right_of_band, static_cast<std::uint64_t>(weight))) return;
      if (right_of_band) break;
    }
  }
}

// P(a tile of rows x cols holds k nonzeros), per k in increasing order; k = 0 is always listed
// (possibly with probability 0), and a key seen only in a row group of weight 0 is listed with 0.
std::map<std::uint64_t, double> band_distribution(const Band& band, std::int64_t rows, std::int64_t cols) {
  std::map<std::uint64_t, std::uint64_t> counts{{0, 0}};
  walk_tiles(band, rows, cols, [&](const Rect& box, bool right_of_band, std::uint64_t weight) {
    counts[right_of_band ? 0 : band.nonzeros(box)] += weight;
    return false;
  });
  auto tiles = static_cast<double>((band.side / rows) * (band.side / cols));
  std::map<std::uint64_t, double> out;
  for (const auto& [k, count] : counts) out[k] = static_cast<double>(count) / tiles;
  return out;
}

// The first tile of rows x cols the walk meets that holds `nonzeros`.
Rect representative_tile(const Band& band, std::int64_t rows, std::int64_t cols, std::uint64_t nonzeros) {
  std::optional<Rect> found;
  walk_tiles(band, rows, cols, [&](const Rect& box, bool right_of_band, std::uint64_t) {
    if (right_of_band ? nonzeros == 0 : band.nonzeros(box) == nonzeros) found = box;
    return found.has_value();
  });
  if (!found) {
    throw std::logic_error("banded density: no tile of " + std::to_string(rows) + " x " + std::to_string(cols) +
                           " holds " + std::to_string(nonzeros) + " nonzeros");
  }
  return *found;
}

// The share of the sub-tiles of rows x cols of `parent` that are empty. The reference offsets
// each sub-tile's start by the parent's corner twice; reproduced (it matters only for a parent
// away from the origin).
double empty_subtile_share(const Band& band, const Rect& parent, std::int64_t rows, std::int64_t cols) {
  if (parent.empty()) return 1.0;
  std::int64_t row_groups = (parent.row1 - parent.row0) / rows, col_groups = (parent.col1 - parent.col0) / cols;
  std::uint64_t empty = 0;
  for (std::int64_t i = 0; i < row_groups; ++i) {
    for (std::int64_t j = 0; j < col_groups; ++j) {
      Rect box{2 * parent.row0 + i * rows, parent.row0 + (i + 1) * rows, 2 * parent.col0 + j * cols,
               parent.col0 + (j + 1) * cols};
      if (band.nonzeros(box) == 0) ++empty;
    }
  }
  return static_cast<double>(empty) / static_cast<double>(row_groups * col_groups);
}

void require_extents(const TileShape& tile) {
  if (tile.ranks != 2) throw std::logic_error("banded density: a tile needs its rows and columns");
}

}  // namespace

TileShape projected_tile(const Workload& workload, DataSpaceId ds, const std::vector<std::int64_t>& box) {
  TileShape tile(1);
  for (const auto& rank : workload.data_spaces[ds].projection) {
    std::int64_t extent = 1;
    for (const auto& term : rank) extent += workload.coefficient(term.coefficient) * (box[term.dimension] - 1);
    tile.extents[tile.ranks++] = extent;
    tile.points *= static_cast<std::uint64_t>(extent);
  }
  return tile;
}

TileShape point_tile(int ranks) {
  TileShape tile(1);
  tile.ranks = ranks;
  std::fill(tile.extents.begin(), tile.extents.begin() + ranks, 1);
  return tile;
}

DensityModel::DensityModel(const DensitySpec& spec, const TileShape& tensor)
    : spec_(spec), tensor_points_(tensor.points) {
  if (spec.distribution != DensityDistribution::kBanded) {
    tensor_nonzeros_ = static_cast<std::uint64_t>(std::ceil(spec.density * static_cast<double>(tensor.points)));
    return;
  }
  if (tensor.ranks != 2 || tensor.extents[0] != tensor.extents[1]) {
    throw std::invalid_argument("a banded density needs a 2-D square tensor");
  }
  side_ = tensor.extents[0];
  tensor_nonzeros_ = band_total(static_cast<std::uint64_t>(side_), static_cast<std::uint64_t>(spec.band_width));
}

std::uint64_t DensityModel::max_occupancy(const TileShape& tile) const {
  switch (spec_.distribution) {
    case DensityDistribution::kHypergeometric:
      return std::min(tile.points, tensor_nonzeros_);
    case DensityDistribution::kBanded: {
      if (tile.points == 0) return 0;
      require_extents(tile);
      // The largest occupancy met, even one of probability 0 (the reference's confidence-1 walk).
      return band_distribution({side_, spec_.band_width}, tile.extents[0], tile.extents[1]).rbegin()->first;
    }
    case DensityDistribution::kFixedStructured:
      break;
  }
  return static_cast<std::uint64_t>(std::ceil(static_cast<double>(tile.points) * spec_.density));
}

std::uint64_t DensityModel::min_occupancy(const TileShape& tile) const {
  std::uint64_t points = tile.points;
  if (points == 0) return 0;
  double n = static_cast<double>(points);
  switch (spec_.distribution) {
    case DensityDistribution::kHypergeometric: {
      // Only a tile larger than the tensor's zeros must hold a nonzero; the reference's
      // arithmetic yields 0 below the whole tensor (docs/sparsity.md).
      if (points < tensor_points_) return 0;
      double density = static_cast<double>(tensor_nonzeros_) / static_cast<double>(tensor_points_);
      return static_cast<std::uint64_t>(std::floor(density * n));
    }
    case DensityDistribution::kBanded:
      return 0;  // the distribution always lists the empty tile
    case DensityDistribution::kFixedStructured:
      break;
  }
  double min_density = std::floor(n * spec_.density) / n;
  return static_cast<std::uint64_t>(std::floor(min_density * n));
}

double DensityModel::expected_occupancy(const TileShape& tile) const {
  double n = static_cast<double>(tile.points);
  switch (spec_.distribution) {
    case DensityDistribution::kHypergeometric:
      return n * static_cast<double>(tensor_nonzeros_) / static_cast<double>(tensor_points_);
    case DensityDistribution::kBanded:
      return n * (static_cast<double>(tensor_nonzeros_) / static_cast<double>(tensor_points_));
    case DensityDistribution::kFixedStructured:
      break;
  }
  return n * spec_.density;
}

double DensityModel::occupancy_probability(const TileShape& tile, std::uint64_t nonzeros,
                                           std::optional<ParentTile> parent) const {
  switch (spec_.distribution) {
    case DensityDistribution::kHypergeometric:
      if (parent) return hypergeometric(nonzeros, tile.points, parent->nonzeros, parent->shape.points);
      return hypergeometric(nonzeros, tile.points, tensor_nonzeros_, tensor_points_);
    case DensityDistribution::kBanded: {
      if (tile.points == 0) return nonzeros == 0 ? 1.0 : 0.0;
      require_extents(tile);
      Band band{side_, spec_.band_width};
      if (parent) {
        if (nonzeros != 0) throw std::logic_error("banded density: within a parent only P(empty) is modelled");
        require_extents(parent->shape);
        auto at = representative_tile(band, parent->shape.extents[0], parent->shape.extents[1], parent->nonzeros);
        return empty_subtile_share(band, at, tile.extents[0], tile.extents[1]);
      }
      auto distribution = band_distribution(band, tile.extents[0], tile.extents[1]);
      auto it = distribution.find(nonzeros);
      return it == distribution.end() ? 0.0 : it->second;
    }
    case DensityDistribution::kFixedStructured:
      break;
  }
  // Fixed structure: floor(x) or ceil(x) nonzeros, weighted so that the mean is x.
  double x = parent ? static_cast<double>(tile.points) *
                          (static_cast<double>(parent->nonzeros) / static_cast<double>(parent->shape.points))
                    : static_cast<double>(tile.points) * spec_.density;
  double low = std::floor(x), high = std::ceil(x);
  double p_high = x - low;
  if (static_cast<double>(nonzeros) == low) return 1 - p_high;
  if (static_cast<double>(nonzeros) == high) return p_high;
  return 0;
}

std::vector<Occupancy> DensityModel::occupancies(const TileShape& tile) const {
  std::vector<Occupancy> out;
  if (spec_.distribution == DensityDistribution::kBanded && tile.points != 0) {
    require_extents(tile);
    for (const auto& [k, p] : band_distribution({side_, spec_.band_width}, tile.extents[0], tile.extents[1])) {
      if (p != 0) out.push_back({k, p});
    }
    return out;
  }
  std::uint64_t high = max_occupancy(tile);
  for (std::uint64_t k = min_occupancy(tile); k <= high; ++k) {
    double p = occupancy_probability(tile, k);
    if (p != 0) out.push_back({k, p});
  }
  return out;
}

std::uint64_t DensityModel::max_elements(const TileShape& fiber, const TileShape& element) const {
  if (element.points == 0) return 0;
  auto elements = fiber.points / element.points;
  if (spec_.distribution != DensityDistribution::kBanded) return std::min(max_occupancy(fiber), elements);
  // The reference scales the elements by the probability that one is *empty* within the
  // fullest fiber; reproduced (docs/sparsity.md).
  double p_empty = occupancy_probability(element, 0, ParentTile{fiber, max_occupancy(fiber)});
  return static_cast<std::uint64_t>(std::ceil(static_cast<double>(elements) * p_empty));
}

double DensityModel::operand_density() const { return std::round(expected_occupancy(1) * 1e6) / 1e6; }

}  // namespace qloop::sparse
