#include "sparse/density_model.hpp"

#include <algorithm>
#include <cmath>

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

}  // namespace

DensityModel::DensityModel(const DensitySpec& spec, std::uint64_t tensor_points)
    : spec_(spec), tensor_points_(tensor_points) {
  tensor_nonzeros_ = static_cast<std::uint64_t>(std::ceil(spec.density * static_cast<double>(tensor_points)));
}

std::uint64_t DensityModel::max_occupancy(std::uint64_t points) const {
  if (spec_.distribution == DensityDistribution::kHypergeometric) return std::min(points, tensor_nonzeros_);
  return static_cast<std::uint64_t>(std::ceil(static_cast<double>(points) * spec_.density));
}

std::uint64_t DensityModel::min_occupancy(std::uint64_t points) const {
  if (points == 0) return 0;
  double n = static_cast<double>(points);
  if (spec_.distribution == DensityDistribution::kHypergeometric) {
    // Only a tile larger than the tensor's zeros must hold a nonzero; the reference's
    // arithmetic yields 0 below the whole tensor (docs/sparsity.md).
    if (points < tensor_points_) return 0;
    double density = static_cast<double>(tensor_nonzeros_) / static_cast<double>(tensor_points_);
    return static_cast<std::uint64_t>(std::floor(density * n));
  }
  double min_density = std::floor(n * spec_.density) / n;
  return static_cast<std::uint64_t>(std::floor(min_density * n));
}

double DensityModel::expected_occupancy(std::uint64_t points) const {
  double n = static_cast<double>(points);
  if (spec_.distribution == DensityDistribution::kHypergeometric) {
    return n * static_cast<double>(tensor_nonzeros_) / static_cast<double>(tensor_points_);
  }
  return n * spec_.density;
}

double DensityModel::occupancy_probability(std::uint64_t points, std::uint64_t nonzeros,
                                           std::optional<ParentTile> parent) const {
  if (spec_.distribution == DensityDistribution::kHypergeometric) {
    if (parent) return hypergeometric(nonzeros, points, parent->nonzeros, parent->points);
    return hypergeometric(nonzeros, points, tensor_nonzeros_, tensor_points_);
  }
  // Fixed structure: floor(x) or ceil(x) nonzeros, weighted so that the mean is x.
  double x = parent ? static_cast<double>(points) *
                          (static_cast<double>(parent->nonzeros) / static_cast<double>(parent->points))
                    : static_cast<double>(points) * spec_.density;
  double low = std::floor(x), high = std::ceil(x);
  double p_high = x - low;
  if (static_cast<double>(nonzeros) == low) return 1 - p_high;
  if (static_cast<double>(nonzeros) == high) return p_high;
  return 0;
}

double DensityModel::operand_density() const { return std::round(expected_occupancy(1) * 1e6) / 1e6; }

}  // namespace qloop::sparse
